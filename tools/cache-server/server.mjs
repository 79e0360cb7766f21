// The smallest server that follows Nx's self-hosted remote cache OpenAPI spec (Nx 20.8+):
//   GET /v1/cache/{hash}  → 200 tar archive | 401 | 403 | 404
//   PUT /v1/cache/{hash}  → 200 | 400 (Content-Length missing) | 401 | 403 | 409 (record exists)
// Nx points at it through NX_SELF_HOSTED_REMOTE_CACHE_SERVER and sends
// NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN as `Authorization: Bearer <token>`.
// No npm package implementing the spec as a server was found (checked with `npm view`), so Conveyor ships this one.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

// Nx's task hashes are decimal digits today; accept any plain token so a future hash format still works,
// but nothing that could name a path outside the storage folder.
const HASH = /^[A-Za-z0-9_-]{1,128}$/;
const ROUTE = /^\/v1\/cache\/([^/?]+)(?:\?.*)?$/;

/**
 * @typedef {{ method: string, hash: string | undefined, status: number, bytes: number }} CacheEvent
 * @typedef {{
 *   dir: string,
 *   readWriteTokens?: string[],
 *   readOnlyTokens?: string[],
 *   allowAnonymous?: boolean,
 *   maxBytes?: number,
 *   onEvent?: (event: CacheEvent) => void,
 * }} CacheServerOptions
 */

/** An http.Server (not yet listening) storing archives as files named by hash under `dir`. */
export function createCacheServer(options) {
  const { dir, maxBytes = 2 ** 31 } = options;
  const readWrite = (options.readWriteTokens ?? []).map(digest);
  const readOnly = (options.readOnlyTokens ?? []).map(digest);
  if (!options.allowAnonymous && readWrite.length + readOnly.length === 0)
    throw new Error('cache server: give at least one token (--token / --read-token) or allow anonymous access explicitly');
  // Created on the first request, so constructing a server never touches the disk.
  let ready;

  /** @returns {'write' | 'read' | 'none' | 'missing'} */
  const access = (header) => {
    if (options.allowAnonymous && readWrite.length + readOnly.length === 0) return 'write';
    const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
    if (!m) return 'missing';
    const given = digest(m[1].trim());
    if (readWrite.some((t) => timingSafeEqual(t, given))) return 'write';
    if (readOnly.some((t) => timingSafeEqual(t, given))) return 'read';
    return 'none';
  };

  const server = createServer(async (req, res) => {
    let hash;
    let bytes = 0;
    const reply = (status, body = '') => {
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain' });
      // A download that failed half-way has already ended its response: only record the failure.
      if (!res.writableEnded) res.end(body);
      options.onEvent?.({ method: req.method ?? '', hash, status, bytes });
    };
    try {
      await (ready ??= mkdir(dir, { recursive: true }));
      const route = ROUTE.exec(req.url ?? '');
      if (!route) return reply(404, 'not found: the API is /v1/cache/{hash}\n');
      hash = decodeURIComponent(route[1]);
      if (req.method !== 'GET' && req.method !== 'PUT') {
        res.setHeader('allow', 'GET, PUT');
        return reply(405, `method ${req.method} not allowed\n`);
      }
      const who = access(req.headers.authorization);
      // The spec's 401 is "missing or invalid token"; 403 is a valid token without the right (read-only PUT).
      if (who === 'missing' || who === 'none') return reply(401, 'missing or invalid bearer token\n');
      if (!HASH.test(hash)) return reply(400, `invalid hash ${JSON.stringify(hash.slice(0, 40))}: expected letters, digits, _ or -\n`);
      const file = join(dir, hash);
      if (req.method === 'GET') {
        const info = await stat(file).catch(() => undefined);
        if (!info) return reply(404, 'no record for this hash\n');
        bytes = info.size;
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': info.size });
        await pipeline(createReadStream(file), res);
        return options.onEvent?.({ method: 'GET', hash, status: 200, bytes });
      }
      if (who !== 'write') return reply(403, 'this token may read but not write\n');
      const length = Number(req.headers['content-length']);
      if (req.headers['content-length'] === undefined || !Number.isInteger(length) || length < 0)
        return reply(400, 'Content-Length header is required (the archive size in bytes)\n');
      if (length > maxBytes) return reply(413, `archive of ${length} bytes exceeds the limit of ${maxBytes}\n`);
      if (await exists(file)) return reply(409, 'a record for this hash exists and is never overwritten\n');
      bytes = await store(req, file, length);
      return reply(200, 'stored\n');
    } catch (e) {
      const err = /** @type {Error & {code?: string}} */ (e);
      if (err.code === 'EEXIST') return reply(409, 'a record for this hash exists and is never overwritten\n');
      if (err.code === 'ESHORT') return reply(400, `${err.message}\n`);
      return reply(500, `cache server error: ${err.message}\n`);
    }
  });
  return server;
}

/** Write the body to a temp file, then hard-link it into place: two racing PUTs give one 200 and one 409. */
async function store(req, file, length) {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.part`;
  let bytes = 0;
  req.on('data', (chunk) => (bytes += chunk.length));
  try {
    await pipeline(req, createWriteStream(tmp));
    if (bytes !== length) throw Object.assign(new Error(`body was ${bytes} bytes, Content-Length said ${length}`), { code: 'ESHORT' });
    await link(tmp, file);
    return bytes;
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

function digest(token) {
  return createHash('sha256').update(token).digest();
}

async function exists(file) {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** Hashes of every record stored under `dir` (for audits such as scanning archives for secrets). */
export async function storedRecords(dir) {
  const names = await readdir(dir).catch(() => []);
  return names.filter((n) => HASH.test(n)).sort();
}

/** Start listening; resolves with the base URL to put in NX_SELF_HOSTED_REMOTE_CACHE_SERVER. */
export function listen(server, port = 0, host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
      resolve(`http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`);
    });
  });
}
