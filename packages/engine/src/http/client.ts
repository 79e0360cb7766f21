/**
 * The CDK's HttpClient: prepare the request as `requests` would, send it, interpret the response with the
 * error handler, retry with backoff, and turn failures into traced errors with the CDK's messages.
 */
import { TracedError } from '../protocol';
import { pyJsonDumps, pyRepr, pyStr } from '../jinja/values';
import type { ErrorHandler } from '../components/error-handler';
import { parseErrorMessage } from '../components/error-handler';
import { type Runtime, sleep } from '../components/build';
import { Response } from './response';
import { buildUrl, dedupeQueryParams, urlencode } from './url';
import type { HttpRequest } from './transport';

export type RequestSpec = {
  method: string;
  url: string;
  params: Record<string, unknown>;
  headers: Record<string, unknown>;
  json?: unknown;
  data?: unknown;
  dedupe?: boolean;
  /** Header values the authenticator sets again before each retry. */
  reauth?: () => Promise<Record<string, unknown>>;
};

const isEmpty = (v: unknown): boolean =>
  v === undefined || v === null || v === '' || (typeof v === 'object' && Object.keys(v as object).length === 0);

export function prepare(spec: RequestSpec): HttpRequest {
  const params = spec.dedupe ? dedupeQueryParams(spec.url, spec.params) : spec.params;
  const headers: [string, string][] = Object.entries(spec.headers).map(([k, v]) => [k, pyStr(v)]);
  const hasJson = !isEmpty(spec.json);
  const hasData = !isEmpty(spec.data);
  if (hasJson && hasData) {
    throw new TracedError("At the same time only one of the 'request_body_data' and 'request_body_json' functions can return data", undefined, 'config_error');
  }
  let body: string | null = null;
  const setType = (t: string): void => {
    if (!headers.some(([k]) => k.toLowerCase() === 'content-type')) headers.push(['Content-Type', t]);
  };
  if (hasJson) {
    body = pyJsonDumps(spec.json);
    setType('application/json');
  } else if (hasData) {
    if (typeof spec.data === 'string') body = spec.data;
    else {
      body = urlencode(spec.data as Record<string, unknown>);
      setType('application/x-www-form-urlencoded');
    }
  }
  return { method: spec.method.toUpperCase(), url: buildUrl(spec.url, params), headers, body };
}

function headersRepr(res: Response): string {
  return `{${res.raw.headers.map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
}

export class HttpClient {
  constructor(
    readonly streamName: string,
    readonly errorHandler: ErrorHandler,
    readonly rt: Runtime,
    readonly useCache = false,
  ) {}

  async send(spec: RequestSpec): Promise<Response> {
    const request = prepare(spec);
    const cacheKey = `${request.method} ${request.url} ${request.body ?? ''}`;
    if (this.useCache && request.method === 'GET') {
      const hit = this.rt.httpCache.get(cacheKey);
      if (hit) return hit;
    }
    const maxTries = Math.max(0, this.errorHandler.maxRetries) + 1;
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1 && spec.reauth) {
        for (const [k, v] of Object.entries(await spec.reauth())) {
          const i = request.headers.findIndex(([name]) => name.toLowerCase() === k.toLowerCase());
          if (i >= 0) request.headers[i] = [request.headers[i][0], pyStr(v)];
          else request.headers.push([k, pyStr(v)]);
        }
      }
      let res: Response | Error;
      try {
        res = new Response(request, await this.rt.transport(request));
      } catch (e) {
        res = e as Error;
        if ((e as Error).name === 'TransportError' && /cassette/.test((e as Error).message)) throw new TracedError((e as Error).message, (e as Error).message, 'system_error', this.streamName);
      }
      const resolution = this.errorHandler.interpret(res);
      if (resolution.action === 'FAIL') {
        const internal =
          res instanceof Error
            ? `'${request.method}' request to '${request.url}' failed with exception: '${res.message}'`
            : `'${request.method}' request to '${request.url}' failed with status code '${res.status}' and error message: '${parseErrorMessage(res)}'. ` +
              this.rt.scrubber.scrub(`Request (body): '${request.body ?? 'None'}'. Response (body): '${res.json() === undefined ? res.body : pyStr(res.json())}'. Response (headers): '${headersRepr(res)}'.`);
        throw new TracedError(resolution.message || internal, internal, resolution.failureType ?? 'system_error', this.streamName);
      }
      if (resolution.action === 'RETRY' || resolution.action === 'RATE_LIMITED') {
        const message = resolution.message || `Request to ${request.url} failed with failure type ${resolution.failureType}, response action ${resolution.action}.`;
        if (attempt >= maxTries) {
          throw new TracedError(
            `Exhausted available request attempts. Please see logs for more details. Exception: ${message}`,
            `Exhausted available request attempts. Exception: ${message}`,
            resolution.failureType ?? 'system_error',
            this.streamName,
          );
        }
        const user = this.errorHandler.backoff(res, attempt);
        // backoff's handlers: a user-defined wait gets one extra second; otherwise expo with factor 5.
        const seconds = user ? user + 1 : 5 * 2 ** (attempt - 1);
        this.rt.emit({ type: 'LOG', log: { level: 'INFO', message: `Retrying. Sleeping for ${seconds} seconds` } });
        await sleep(seconds * 1000 * this.rt.sleepScale);
        continue;
      }
      if (res instanceof Error) throw res;
      if (this.useCache && request.method === 'GET' && res.status === 200) this.rt.httpCache.set(cacheKey, res);
      return res;
    }
  }
}
