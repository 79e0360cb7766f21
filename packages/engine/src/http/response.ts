/** A received response with the views components need (JSON body, header dict, parsed Link header). */
import { parseLinks } from './url';
import type { HttpRequest, HttpResponse } from './transport';
import { parseJson } from '../json';

const NOT_JSON = Symbol('not-json');

export class Response {
  private parsed: unknown = undefined;
  constructor(
    readonly request: HttpRequest,
    readonly raw: HttpResponse,
  ) {}
  get status(): number {
    return this.raw.status;
  }
  get body(): string {
    return this.raw.body;
  }
  /** requests' `bool(response)`: status below 400. */
  get ok(): boolean {
    return this.raw.status < 400;
  }
  /** The JSON body, or undefined when the body is not JSON. */
  json(): unknown {
    if (this.parsed === undefined) {
      try {
        this.parsed = parseJson(this.raw.body);
      } catch {
        this.parsed = NOT_JSON;
      }
    }
    return this.parsed === NOT_JSON ? undefined : this.parsed;
  }
  header(name: string): string | undefined {
    const n = name.toLowerCase();
    const hits = this.raw.headers.filter(([k]) => k.toLowerCase() === n).map(([, v]) => v);
    return hits.length ? hits.join(', ') : undefined;
  }
  /** `dict(response.headers)`: header names as the server sent them. */
  headerDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const canonical = new Map<string, string>();
    for (const [k, v] of this.raw.headers) {
      const first = canonical.get(k.toLowerCase());
      if (first) out[first] = `${out[first] as string}, ${v}`;
      else {
        canonical.set(k.toLowerCase(), k);
        out[k] = v;
      }
    }
    return out;
  }
  /** The `headers` variable of pagination templates: the header dict with `link` replaced by response.links. */
  headersWithLinks(): Record<string, unknown> {
    return { ...this.headerDict(), link: parseLinks(this.header('link')) };
  }
}
