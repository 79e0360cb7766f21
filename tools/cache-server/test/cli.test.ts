import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = join(__dirname, '..', 'cli.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'conveyor-cache-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('cache server CLI', () => {
  it('serves with tokens from the environment, logs each request, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, '--dir', join(tmp, 'store'), '--port', '0'], {
      env: { ...process.env, CACHE_TOKENS: 'rw-1', CACHE_READ_TOKENS: 'ro-1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => {
        const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const put = await fetch(`${url}/v1/cache/42`, { method: 'PUT', headers: { authorization: 'Bearer rw-1', 'content-length': '5' }, body: 'hello' });
    expect(put.status).toBe(200);
    const get = await fetch(`${url}/v1/cache/42`, { headers: { authorization: 'Bearer ro-1' } });
    expect(await get.text()).toBe('hello');
    expect((await fetch(`${url}/v1/cache/42`, { method: 'PUT', headers: { authorization: 'Bearer ro-1', 'content-length': '1' }, body: 'x' })).status).toBe(403);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toMatch(/PUT 42 200 5\n/);
    expect(out).toMatch(/GET 42 200 5\n/);
    expect(out).toMatch(/PUT 42 403 0\n/);
    // The token never appears in the log.
    expect(out).not.toContain('rw-1');
  });

  it('refuses to start without a folder or without any token, explaining why', () => {
    const noDir = spawnSync(process.execPath, [CLI], { encoding: 'utf8', env: { ...process.env, CACHE_TOKENS: 'x' } });
    expect(noDir.status).toBe(2);
    expect(noDir.stderr).toMatch(/--dir is required/);
    const noToken = spawnSync(process.execPath, [CLI, '--dir', join(tmp, 's2'), '--port', '0'], { encoding: 'utf8', env: { ...process.env, CACHE_TOKENS: '', CACHE_READ_TOKENS: '' } });
    expect(noToken.status).toBe(2);
    expect(noToken.stderr).toMatch(/at least one token/);
    const badPort = spawnSync(process.execPath, [CLI, '--dir', tmp, '--port', 'http'], { encoding: 'utf8', env: { ...process.env, CACHE_TOKENS: 'x' } });
    expect(badPort.stderr).toMatch(/--port must be a number/);
  });
});
