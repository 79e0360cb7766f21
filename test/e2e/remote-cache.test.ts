// Two clones of one fleet repository share task results through the remote cache server on loopback,
// as two CI machines would; and no secret a connector was given ever reaches a stored archive.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtPlugins, fleetRepo, nx, type FleetRepo, type RunResult } from '../../tools/ci/test/support';
// @ts-expect-error plain ESM script without type declarations
import { createCacheServer, listen, storedRecords } from '../../tools/cache-server/server.mjs';

const CONNECTORS = ['source-auth0', 'source-clickup-api', 'source-delighted', 'source-github'];
const stagePlugins = builtPlugins(['import-check', 'cat']);
const hasCat = stagePlugins.includes('@conveyor/cat');
const targets = hasCat ? 'import-check,cat' : 'import-check';

interface CacheEvent {
  method: string;
  hash?: string;
  status: number;
}

/** `> nx run project:target  [remote cache]` lines, by task. */
function taskLines(output: string): { task: string; line: string }[] {
  return output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^> nx run \S+:\S+/.test(l))
    .map((line) => ({ task: /^> nx run (\S+:\S+)/.exec(line)![1], line }));
}

/** Tasks Nx lists under "Failed tasks:" in its summary. */
function failed(output: string): string[] {
  const at = output.indexOf('Failed tasks:');
  if (at < 0) return [];
  return output.slice(at).split('\n').slice(1).map((l) => /^\s*- (\S+:\S+)/.exec(l)?.[1]).filter((t): t is string => Boolean(t));
}

function succeeded(output: string): string[] {
  const bad = new Set(failed(output));
  return [...new Set(taskLines(output).map((l) => l.task))].filter((t) => !bad.has(t));
}

describe.skipIf(!stagePlugins.includes('@conveyor/import-check'))(`remote cache shared by two clones (nx affected -t ${targets})`, () => {
  const token = randomBytes(16).toString('hex');
  // A value no stage could produce by chance: if it appears in an archive, a secret leaked.
  const secret = `conveyor-secret-${randomBytes(12).toString('hex')}`;
  let store: string;
  let server: { close(cb: () => void): void };
  let url: string;
  let repo: FleetRepo;
  const events: CacheEvent[] = [];
  let first: RunResult;
  let second: RunResult;
  let firstEvents: CacheEvent[];
  let secondEvents: CacheEvent[];

  const withSecrets = (dir: string) => {
    // CI writes credentials into the checkout before running; .gitignore keeps them out of git.
    mkdirSync(join(dir, 'connectors/source-auth0/secrets'), { recursive: true });
    writeFileSync(join(dir, 'connectors/source-auth0/secrets/config.json'), JSON.stringify({ credentials: { access_token: secret }, base_url: 'https://example.auth0.com' }));
    return dir;
  };
  const run = (dir: string, extraEnv: Record<string, string> = {}) =>
    nx(dir, ['affected', '-t', targets, `--base=${repo.firstCommit}`, '--head=HEAD', '--output-style=stream', '--verbose'], {
      NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url,
      NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token,
      ...extraEnv,
    });

  beforeAll(async () => {
    store = mkdtempSync(join(tmpdir(), 'conveyor-remote-cache-'));
    server = createCacheServer({ dir: store, readWriteTokens: [token], onEvent: (e: CacheEvent) => events.push(e) });
    url = await listen(server);
    const plugins = stagePlugins.map((p) => (p === '@conveyor/cat' ? { plugin: p, options: { options: { suites: 'static' } } } : p));
    repo = fleetRepo({ connectors: CONNECTORS, plugins });
    const a = withSecrets(repo.clone('machine-a'));
    const b = withSecrets(repo.clone('machine-b'));
    first = await run(a);
    firstEvents = events.splice(0);
    second = await run(b);
    secondEvents = events.splice(0);
  });
  afterAll(async () => {
    await new Promise<void>((r) => server?.close(() => r()));
    repo?.cleanup();
    rmSync(store, { recursive: true, force: true });
  });

  it('the first clone runs every task and stores each successful result on the server', () => {
    const ran = taskLines(first.output).map((l) => l.task);
    expect(ran).toEqual(expect.arrayContaining(['source-auth0:import-check', 'source-clickup-api:import-check', 'source-delighted:import-check']));
    // source-github is a Python connector: no manifest, so no import-check.
    expect(ran).not.toContain('source-github:import-check');
    const puts = firstEvents.filter((e) => e.method === 'PUT');
    expect(puts.every((e) => e.status === 200)).toBe(true);
    // Nx stores successes only; a failing stage (say, a cat suite) is re-run by the next machine, not replayed.
    expect(puts.length).toBe(succeeded(first.output).length);
    expect(puts.length).toBeGreaterThanOrEqual(3);
    // Every PUT followed a miss for the same hash.
    for (const p of puts) expect(firstEvents).toContainEqual(expect.objectContaining({ method: 'GET', hash: p.hash, status: 404 }));
  });

  it('the second clone runs nothing that already succeeded: those tasks are remote cache hits', () => {
    const stored = new Set(firstEvents.filter((e) => e.method === 'PUT').map((e) => e.hash));
    const hits = new Set(secondEvents.filter((e) => e.method === 'GET' && e.status === 200).map((e) => e.hash));
    expect(hits).toEqual(stored);
    // Nothing new to store: identical inputs gave identical hashes.
    expect(secondEvents.filter((e) => e.method === 'PUT' && e.status === 200)).toEqual([]);
    const lines = new Map(taskLines(second.output).map((l) => [l.task, l.line]));
    for (const task of succeeded(first.output)) expect(lines.get(task), task).toContain('[remote cache]');
    if (failed(first.output).length === 0) {
      expect(second.code, second.output).toBe(0);
      expect(second.output).toContain(`Nx read the output from the cache instead of running the command for ${stored.size} out of ${stored.size} tasks`);
    }
  });

  it('restores the reports into the second clone as if it had run the stages', () => {
    const b = join(repo.origin, '..', 'machine-b');
    const report = JSON.parse(readFileSync(join(b, 'dist/conveyor/source-auth0/import-check.json'), 'utf8'));
    expect(report).toMatchObject({ stage: 'import-check', project: 'source-auth0' });
  });

  it('no archive the server stored contains the secret, compressed or not', async () => {
    const hashes: string[] = await storedRecords(store);
    expect(hashes.length).toBeGreaterThan(0);
    for (const h of hashes) {
      const raw = readFileSync(join(store, h));
      // Nx sends gzip-compressed tar archives; look inside as well as at the raw bytes.
      const inflated = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
      for (const bytes of [raw, inflated]) {
        expect(bytes.includes(secret), `archive ${h} holds the secret`).toBe(false);
        expect(bytes.includes('secrets/config.json'), `archive ${h} holds a secrets file`).toBe(false);
      }
    }
  });

  it('refuses a clone with a wrong token instead of running without the cache', async () => {
    const c = withSecrets(repo.clone('machine-c'));
    const r = await run(c, { NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: 'not-the-token' });
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/missing or invalid bearer token/);
    expect(events.filter((e) => e.method === 'PUT')).toEqual([]);
  });
});
