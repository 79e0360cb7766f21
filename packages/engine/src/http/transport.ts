/**
 * How requests leave the engine: over node:http(s), through a caller's fetch, or from a cassette; and how a
 * live run is recorded into a cassette (JSONL, the conformance suite's format) with secrets scrubbed.
 */
import http from 'node:http';
import https from 'node:https';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

export type HttpRequest = { method: string; url: string; headers: [string, string][]; body: string | null };
export type HttpResponse = { status: number; headers: [string, string][]; body: string };
export type Transport = (req: HttpRequest) => Promise<HttpResponse>;
export type FetchLike = (url: string, init: { method: string; headers: [string, string][]; body?: string }) => Promise<{
  status: number;
  headers: { forEach(cb: (value: string, key: string) => void): void };
  text(): Promise<string>;
}>;

export class TransportError extends Error {
  constructor(message: string, readonly request: HttpRequest) {
    super(message);
    this.name = 'TransportError';
  }
}

const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 8 }), https: new https.Agent({ keepAlive: true, maxSockets: 8 }) };

/** One request over node:http(s); the headers every `requests` session sends are added here, not recorded. */
function sendOnce(req: HttpRequest): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(req.url);
    const lib = url.protocol === 'https:' ? https : http;
    const body = req.body === null ? undefined : Buffer.from(req.body, 'utf8');
    const headers: Record<string, string> = { 'User-Agent': 'conveyor-manifest/0.1', Accept: '*/*' };
    for (const [k, v] of req.headers) {
      for (const existing of Object.keys(headers)) if (existing.toLowerCase() === k.toLowerCase()) delete headers[existing];
      headers[k] = v;
    }
    if (body) headers['Content-Length'] = String(body.length);
    const r = lib.request(
      url,
      { method: req.method, headers, agent: url.protocol === 'https:' ? agents.https : agents.http, timeout: 300_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = res.rawHeaders;
          const pairs: [string, string][] = [];
          for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i], raw[i + 1]]);
          resolve({ status: res.statusCode ?? 0, headers: pairs, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error('Read timed out')));
    r.on('error', (e) => reject(new TransportError(`${e.message}`, req)));
    r.end(body);
  });
}

/**
 * node:http(s) with requests' redirect handling: up to 30 hops; 303 (and 301/302 after a POST) become a GET
 * without body; the Authorization header is dropped when the redirect leaves the original host.
 */
export const nodeTransport: Transport = async (req) => {
  let current = req;
  for (let hop = 0; hop <= 30; hop++) {
    const res = await sendOnce(current);
    const location = res.headers.find(([k]) => k.toLowerCase() === 'location')?.[1];
    if (![301, 302, 303, 307, 308].includes(res.status) || !location) return res;
    const next = new URL(location, current.url);
    const toGet = res.status === 303 || ((res.status === 301 || res.status === 302) && current.method === 'POST');
    const sameHost = new URL(current.url).hostname === next.hostname;
    current = {
      method: toGet ? 'GET' : current.method,
      url: next.toString(),
      headers: current.headers.filter(([k]) => (sameHost || k.toLowerCase() !== 'authorization') && !(toGet && k.toLowerCase() === 'content-type')),
      body: toGet ? null : current.body,
    };
  }
  throw new TransportError('Exceeded 30 redirects.', req);
};

export function fetchTransport(fetchFn: FetchLike): Transport {
  return async (req) => {
    const res = await fetchFn(req.url, { method: req.method, headers: req.headers, ...(req.body === null ? {} : { body: req.body }) });
    const headers: [string, string][] = [];
    res.headers.forEach((value, key) => headers.push([key, value]));
    return { status: res.status, headers, body: await res.text() };
  };
}

export type CassetteEntry = {
  phase?: string;
  request: { method: string; url: string; headers: Record<string, string>; body: string | null };
  response: { status: number; headers: Record<string, string>; body: string };
};

export const SCRUBBED = '**********';

/** Replaces every known secret (longest first) in a string. */
export class Scrubber {
  private secrets: string[] = [];
  add(value: unknown): void {
    if (typeof value !== 'string' && typeof value !== 'number') return;
    const s = String(value);
    if (s.length < 3 || this.secrets.includes(s)) return;
    this.secrets.push(s);
    this.secrets.sort((a, b) => b.length - a.length);
  }
  scrub(text: string): string {
    let out = text;
    for (const s of this.secrets) {
      if (!out.includes(s)) {
        const enc = encodeURIComponent(s);
        if (enc !== s && out.includes(enc)) out = out.split(enc).join(SCRUBBED);
        continue;
      }
      out = out.split(s).join(SCRUBBED);
    }
    return out;
  }
}

/** The request as a cassette stores it: path+query URL kept whole, header names lower-cased and sorted. */
export function cassetteRequest(req: HttpRequest, scrub: Scrubber): CassetteEntry['request'] {
  const headers: Record<string, string> = {};
  for (const [k, v] of [...req.headers].sort((a, b) => a[0].toLowerCase().localeCompare(b[0].toLowerCase()))) {
    headers[k.toLowerCase()] = k.toLowerCase() === 'authorization' ? scrubAuthorization(v) : scrub.scrub(v);
  }
  return { method: req.method, url: scrub.scrub(req.url), headers, body: req.body === null || req.body === '' ? null : scrub.scrub(req.body) };
}

function scrubAuthorization(v: string): string {
  const sp = v.indexOf(' ');
  return sp > 0 ? `${v.slice(0, sp)} ${SCRUBBED}` : SCRUBBED;
}

const DROPPED_RESPONSE_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date', 'set-cookie', 'server']);

/** Wraps a transport and appends every exchange to `file` (created empty first). */
export function recordingTransport(inner: Transport, file: string, phase: string, scrub: Scrubber): Transport {
  writeFileSync(file, '');
  return async (req) => {
    const res = await inner(req);
    const headers: Record<string, string> = {};
    for (const [k, v] of res.headers) if (!DROPPED_RESPONSE_HEADERS.has(k.toLowerCase())) headers[k.toLowerCase()] = scrub.scrub(v);
    const entry: CassetteEntry = { phase, request: cassetteRequest(req, scrub), response: { status: res.status, headers, body: scrub.scrub(res.body) } };
    appendFileSync(file, `${JSON.stringify(entry)}\n`);
    return res;
  };
}

/**
 * Tokens obtained during the run (OAuth access tokens, session tokens) become known only after the response
 * that carried them was recorded, so the finished cassette is scrubbed once more with every secret.
 */
export function rescrubCassette(file: string, scrub: Scrubber): void {
  if (!existsSync(file)) return;
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  const out = lines.map((line) => {
    const e = JSON.parse(line) as CassetteEntry;
    const headers = (h: Record<string, string>): Record<string, string> =>
      Object.fromEntries(Object.entries(h).map(([k, v]) => [k, k === 'authorization' ? v : scrub.scrub(v)]));
    e.request = { ...e.request, url: scrub.scrub(e.request.url), headers: headers(e.request.headers), body: e.request.body === null ? null : scrub.scrub(e.request.body) };
    e.response = { ...e.response, headers: headers(e.response.headers), body: scrub.scrub(e.response.body) };
    return JSON.stringify(e);
  });
  writeFileSync(file, out.length ? `${out.join('\n')}\n` : '');
}

function pathAndQuery(url: string): string {
  const m = /^[a-z]+:\/\/[^/?#]*(.*)$/i.exec(url);
  return m ? m[1] || '/' : url;
}

export function readCassette(file: string): CassetteEntry[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as CassetteEntry;
      } catch {
        throw new Error(`${file}:${i + 1}: not a JSON cassette line`);
      }
    });
}

/**
 * Answers requests from a cassette. Exchanges are consumed in order among those that match (method,
 * path + query, body — compared after scrubbing the live request), so a retried request gets its recorded
 * retry answer. Host and port may differ. When the cassette has phases, only `phase`'s exchanges are used.
 */
export function cassetteTransport(file: string, phase: string | undefined, scrub: Scrubber): Transport {
  const all = readCassette(file);
  const phased = phase && all.some((e) => e.phase === phase) ? all.filter((e) => e.phase === phase) : all;
  const used = new Array<boolean>(phased.length).fill(false);
  return async (req) => {
    // A recorded cassette holds scrubbed secrets, a foreign one may hold them in clear: accept either form.
    const want = cassetteRequest(req, scrub);
    const clear = cassetteRequest(req, new Scrubber());
    const forms = [want, clear].map((w) => `${w.method} ${pathAndQuery(w.url)} ${w.body}`);
    const i = phased.findIndex((e, j) => !used[j] && forms.includes(`${e.request.method} ${pathAndQuery(e.request.url)} ${e.request.body ?? null}`));
    if (i < 0) {
      throw new TransportError(`cassette ${file} holds no (further) answer for ${req.method} ${scrub.scrub(req.url)}${want.body ? ` with body ${want.body}` : ''}`, req);
    }
    used[i] = true;
    const r = phased[i].response;
    const headers: [string, string][] = [];
    for (const [k, v] of Object.entries(r.headers)) {
      headers.push([k.replace(/(^|-)([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase()), v]);
      if (k === 'content-type') headers.push(['Content-Length', String(Buffer.byteLength(r.body, 'utf8'))]);
    }
    return { status: r.status, headers, body: r.body };
  };
}
