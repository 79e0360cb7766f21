import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without type declarations
import { createCacheServer, listen, storedRecords } from '../server.mjs';

interface Reply {
  status: number;
  body: Buffer;
}

/** A raw request, so headers such as Content-Length can be left out on purpose. */
function send(url: string, method: string, headers: Record<string, string | number>, body?: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

describe('remote cache server (Nx self-hosted cache API)', () => {
  let dir: string;
  let base: string;
  let server: { close(cb: () => void): void };
  const events: { method: string; hash?: string; status: number }[] = [];
  const rw = { authorization: 'Bearer write-token-1' };
  const ro = { authorization: 'Bearer read-token-1' };
  const archive = Buffer.from('pretend tar archive \u0000 with binary bytes \u00ff');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'conveyor-cache-'));
    server = createCacheServer({ dir, readWriteTokens: ['write-token-1'], readOnlyTokens: ['read-token-1'], onEvent: (e: never) => events.push(e) });
    base = await listen(server);
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores an archive with a read-write token and serves it back byte for byte', async () => {
    const put = await send(`${base}/v1/cache/1234567890`, 'PUT', { ...rw, 'content-length': archive.length, 'content-type': 'application/octet-stream' }, archive);
    expect(put.status).toBe(200);
    const get = await send(`${base}/v1/cache/1234567890`, 'GET', ro);
    expect(get.status).toBe(200);
    expect(get.body.equals(archive)).toBe(true);
    expect(readFileSync(join(dir, '1234567890')).equals(archive)).toBe(true);
    expect(await storedRecords(dir)).toEqual(['1234567890']);
  });

  it('answers 404 for a hash it does not hold', async () => {
    expect((await send(`${base}/v1/cache/999`, 'GET', rw)).status).toBe(404);
  });

  it('never overwrites a record: a second PUT of the same hash is 409 and the first archive stays', async () => {
    const other = Buffer.from('a different archive');
    const again = await send(`${base}/v1/cache/1234567890`, 'PUT', { ...rw, 'content-length': other.length }, other);
    expect(again.status).toBe(409);
    expect((await send(`${base}/v1/cache/1234567890`, 'GET', rw)).body.equals(archive)).toBe(true);
  });

  it('gives one 200 and one 409 when two clients race to store the same hash', async () => {
    const a = Buffer.alloc(200_000, 1);
    const b = Buffer.alloc(200_000, 2);
    const replies = await Promise.all([
      send(`${base}/v1/cache/race`, 'PUT', { ...rw, 'content-length': a.length }, a),
      send(`${base}/v1/cache/race`, 'PUT', { ...rw, 'content-length': b.length }, b),
    ]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    const stored = (await send(`${base}/v1/cache/race`, 'GET', rw)).body;
    expect(stored.equals(a) || stored.equals(b)).toBe(true);
  });

  it('refuses missing or unknown tokens with 401, and writes by a read-only token with 403', async () => {
    expect((await send(`${base}/v1/cache/1234567890`, 'GET', {})).status).toBe(401);
    expect((await send(`${base}/v1/cache/1234567890`, 'GET', { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await send(`${base}/v1/cache/1234567890`, 'GET', { authorization: 'Basic d3JpdGUtdG9rZW4tMQ==' })).status).toBe(401);
    const put = await send(`${base}/v1/cache/77`, 'PUT', { ...ro, 'content-length': 3 }, Buffer.from('abc'));
    expect(put.status).toBe(403);
    expect((await send(`${base}/v1/cache/77`, 'GET', rw)).status).toBe(404);
  });

  it('requires Content-Length on PUT (400) and rejects a body shorter than announced', async () => {
    // A chunked upload has no Content-Length.
    const chunked = await send(`${base}/v1/cache/55`, 'PUT', { ...rw, 'transfer-encoding': 'chunked' }, Buffer.from('abc'));
    expect(chunked.status).toBe(400);
    expect(chunked.body.toString()).toMatch(/Content-Length/);
    expect((await send(`${base}/v1/cache/55`, 'GET', rw)).status).toBe(404);
  });

  it('rejects hashes that could escape the storage folder', async () => {
    const r = await send(`${base}/v1/cache/..%2F..%2Fetc%2Fpasswd`, 'GET', rw);
    expect(r.status).toBe(400);
    expect((await send(`${base}/v2/other`, 'GET', rw)).status).toBe(404);
  });

  it('reports every request to its event hook (method, hash, status)', () => {
    expect(events).toContainEqual(expect.objectContaining({ method: 'GET', hash: '1234567890', status: 200 }));
    expect(events).toContainEqual(expect.objectContaining({ method: 'PUT', hash: '77', status: 403 }));
  });

  it('will not start without a token unless anonymous access is asked for', () => {
    expect(() => createCacheServer({ dir })).toThrow(/token/);
    expect(() => createCacheServer({ dir, allowAnonymous: true })).not.toThrow();
  });
});
