/**
 * Strict cassette replay server for tests (the conformance README's reference behaviour): serves one phase's
 * exchanges in order on 127.0.0.1:<port>; a request that differs from the next recorded one gets 599 and is
 * reported, naming the request.
 */
import http from 'node:http';
import type { CassetteEntry } from '../../src/http/transport';

export type ReplayServer = { mismatches: string[]; consumed: () => number; close: () => Promise<void> };

export async function startReplayServer(port: number, exchanges: CassetteEntry[], allNames: string[]): Promise<ReplayServer> {
  const names = [...new Set([...allNames, 'authorization', 'content-type'])].sort();
  const mismatches: string[] = [];
  let pos = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length ? Buffer.concat(chunks).toString('utf8') : null;
      const headers: Record<string, string> = {};
      for (const n of names) if (typeof req.headers[n] === 'string') headers[n] = req.headers[n] as string;
      const got = { method: req.method, url: `http://127.0.0.1:${port}${req.url}`, headers, body: body === '' ? null : body };
      const want = exchanges[pos]?.request;
      const problems: string[] = [];
      if (!want) problems.push('unexpected extra request');
      else {
        if (got.method !== want.method) problems.push(`method ${got.method} != ${want.method}`);
        if (got.url !== want.url) problems.push(`url ${got.url} != ${want.url}`);
        if (got.body !== want.body) problems.push(`body ${JSON.stringify(got.body)} != ${JSON.stringify(want.body)}`);
        const wantHeaders = Object.fromEntries(names.filter((n) => n in want.headers).map((n) => [n, want.headers[n]]));
        if (JSON.stringify(got.headers) !== JSON.stringify(wantHeaders)) problems.push(`headers ${JSON.stringify(got.headers)} != ${JSON.stringify(wantHeaders)}`);
      }
      res.sendDate = false;
      if (problems.length) {
        mismatches.push(`request #${pos} ${got.method} ${got.url}: ${problems.join('; ')}`);
        const text = JSON.stringify({ replay_mismatch: problems });
        res.writeHead(599, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
        return;
      }
      const r = exchanges[pos++].response;
      const extra = Object.entries(r.headers).filter(([k]) => k !== 'content-type');
      const out: [string, string][] = [['Content-Type', r.headers['content-type'] ?? 'application/json'], ['Content-Length', String(Buffer.byteLength(r.body))]];
      for (const [k, v] of extra) out.push([k.replace(/(^|-)([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase()), v]);
      res.writeHead(r.status, out.flat());
      res.end(r.body);
    });
  });
  // The port is fixed by the cassette; another suite replaying the same case may hold it for a moment.
  for (let attempt = 0; ; attempt++) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 20) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    mismatches,
    consumed: () => pos,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
