/**
 * URL building exactly as Python `requests` does it: `urlencode(params, doseq=True)` (quote_plus), the
 * query appended to any query already in the URL, then `requote_uri`; plus `response.links` parsing.
 */
import { pyStr } from '../jinja/values';

/** urllib.parse.quote_plus(s, safe=''). */
export function quotePlus(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

function paramText(v: unknown): string {
  return typeof v === 'string' ? v : pyStr(v);
}

/** urlencode(list(params.items()), doseq=True). */
export function urlencode(params: Record<string, unknown> | [string, unknown][]): string {
  const entries = Array.isArray(params) ? params : Object.entries(params);
  const out: string[] = [];
  for (const [k, v] of entries) {
    if (Array.isArray(v)) for (const x of v) out.push(`${quotePlus(k)}=${quotePlus(paramText(x))}`);
    else out.push(`${quotePlus(k)}=${quotePlus(paramText(v))}`);
  }
  return out.join('&');
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;
const SAFE = new Set("!#$%&'()*+,/:;=?@[]~".split(''));

/** requests.utils.requote_uri: unquote unreserved escapes, then quote anything not allowed in a URI. */
export function requoteUri(uri: string): string {
  const unquoted = uri.replace(/%([0-9A-Fa-f]{2})/g, (m, h: string) => {
    const c = String.fromCharCode(parseInt(h, 16));
    return UNRESERVED.test(c) ? c : m.toUpperCase();
  });
  let out = '';
  for (const ch of unquoted) {
    if (UNRESERVED.test(ch) || SAFE.has(ch)) out += ch;
    else out += [...Buffer.from(ch, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return out;
}

/** PreparedRequest.prepare_url: params appended after the URL's own query. */
export function buildUrl(url: string, params: Record<string, unknown>): string {
  const hashAt = url.indexOf('#');
  const fragment = hashAt >= 0 ? url.slice(hashAt) : '';
  const base = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const enc = urlencode(params);
  const q = base.indexOf('?');
  let full = base;
  if (enc) full = q >= 0 && q < base.length - 1 ? `${base}&${enc}` : `${q >= 0 ? base.slice(0, q) : base}?${enc}`;
  return requoteUri(full + fragment);
}

/** HttpClient._dedupe_query_params: drop params whose key and value are already in the URL's query. */
export function dedupeQueryParams(url: string, params: Record<string, unknown>): Record<string, unknown> {
  const q = url.indexOf('?');
  if (q < 0) return params;
  const first = new Map<string, string>();
  for (const part of url.slice(q + 1).split(/[&;]/)) {
    if (!part.includes('=')) continue;
    const [k, v] = part.split(/=(.*)/s);
    const dk = decodeURIComponent(k.replace(/\+/g, ' '));
    if (v === '') continue;
    if (!first.has(dk)) first.set(dk, decodeURIComponent(v.replace(/\+/g, ' ')));
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) if (!(first.has(k) && paramText(v) === first.get(k))) out[k] = v;
  return out;
}

/**
 * HttpRequester._join_url: an empty path gives url_base as is; otherwise url_base gets a trailing slash and
 * the path is resolved against it like urllib's urljoin (an absolute path replaces url_base's own path).
 */
export function joinUrl(base: string, path: string | undefined): string {
  if (!path) return base;
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return path;
  const b = base.endsWith('/') ? base : `${base}/`;
  const m = /^([a-z][a-z0-9+.-]*:)?(\/\/[^/?#]*)?([^?#]*)(\?[^#]*)?/i.exec(b)!;
  const scheme = m[1] ?? '';
  const authority = m[2] ?? '';
  if (path.startsWith('//')) return scheme + path;
  if (path.startsWith('/')) return scheme + authority + path;
  if (path.startsWith('?')) return scheme + authority + m[3] + path;
  const dir = m[3].slice(0, m[3].lastIndexOf('/') + 1);
  const [pathPart, ...rest] = path.split(/(?=[?#])/);
  const segments: string[] = [];
  for (const seg of (dir + pathPart).split('/')) {
    if (seg === '..') {
      if (segments.length > 1) segments.pop();
    } else if (seg !== '.') segments.push(seg);
  }
  return scheme + authority + segments.join('/') + rest.join('');
}

/** requests' Response.links: Link header entries keyed by rel (or url). */
export function parseLinks(header: string | undefined): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  if (!header) return out;
  const strip = (s: string): string => s.replace(/^[ '"]+|[ '"]+$/g, '');
  const value = strip(header);
  if (!value) return out;
  for (const val of value.split(/, *</)) {
    const semi = val.indexOf(';');
    const url = semi < 0 ? val : val.slice(0, semi);
    const params = semi < 0 ? '' : val.slice(semi + 1);
    const link: Record<string, string> = { url: url.replace(/^[<> '"]+|[<> '"]+$/g, '') };
    for (const param of params.split(';')) {
      const parts = param.split('=');
      if (parts.length !== 2) break;
      link[strip(parts[0])] = strip(parts[1]);
    }
    out[link.rel ?? link.url] = link;
  }
  return out;
}
