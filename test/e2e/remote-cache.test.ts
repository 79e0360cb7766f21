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
// A connector whose live CAT passes offline: a small protocol-speaking source (the cat plugin's own test
// fixture) reading its API key from secrets/config.json and calling a loopback API with it. (Had it logged
// the key, cat would fail the connector, and failures are never cached.)
const FAKE = 'source-fake';

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

/** Paths of the entries of a (ustar) tar archive. */
function tarEntries(tar: Buffer): string[] {
  const out: string[] = [];
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (from: number, len: number) => header.subarray(from, from + len).toString('utf8').replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    out.push(prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const size = parseInt(field(124, 12).trim() || '0', 8);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
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
  const readOnly = randomBytes(16).toString('hex');
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

  // The cat plugin's own test fixture (a protocol-speaking source and its loopback API), loaded only when cat is built.
  let catFixture: typeof import('../../plugins/cat/test/support');
  let api: { url: string; close(): Promise<void> };
  const API_KEY = 'sk-live-4f9a2b7c1d8e';
  const withSecrets = (dir: string) => {
    // CI writes credentials into the checkout before running; .gitignore keeps them out of git.
    mkdirSync(join(dir, 'connectors/source-auth0/secrets'), { recursive: true });
    writeFileSync(join(dir, 'connectors/source-auth0/secrets/config.json'), JSON.stringify({ credentials: { access_token: secret }, base_url: 'https://example.auth0.com' }));
    if (hasCat) {
      mkdirSync(join(dir, `connectors/${FAKE}/secrets`), { recursive: true });
      writeFileSync(join(dir, `connectors/${FAKE}/secrets/config.json`), JSON.stringify({ api_url: api.url, api_key: API_KEY, start_date: '2024-01-01' }));
    }
    return dir;
  };
  /** The fake connector's files as committed (its secrets/ is written per clone). */
  const fakeConnector = (): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [path, content] of Object.entries(catFixture.connectorFiles(api.url, 'ok'))) {
      if (!path.startsWith('secrets/')) out[`connectors/${FAKE}/${path}`] = typeof content === 'string' ? content : JSON.stringify(content, null, 2);
    }
    out[`connectors/${FAKE}/source.mjs`] = readFileSync(catFixture.FAKE_SOURCE, 'utf8');
    out[`connectors/${FAKE}/metadata.yaml`] = 'data:\n  connectorType: source\n  name: Fake\n  dockerRepository: airbyte/source-fake\n  dockerImageTag: 0.1.0\n  tags:\n    - language:python\n';
    // This connector alone runs as a local command; the corpus connectors keep their default runners.
    const command = { options: { command: ['node', 'source.mjs'] } };
    out[`connectors/${FAKE}/project.json`] = JSON.stringify({ name: FAKE, targets: { cat: command, 'cat-static': command } }, null, 2);
    return out;
  };
  const run = (dir: string, extraEnv: Record<string, string> = {}) =>
    nx(dir, ['affected', '-t', targets, `--base=${repo.firstCommit}`, '--head=HEAD', '--output-style=stream', '--verbose'], {
      NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url,
      NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token,
      ...extraEnv,
    });

  beforeAll(async () => {
    store = mkdtempSync(join(tmpdir(), 'conveyor-remote-cache-'));
    server = createCacheServer({ dir: store, readWriteTokens: [token], readOnlyTokens: [readOnly], onEvent: (e: CacheEvent) => events.push(e) });
    url = await listen(server);
    if (hasCat) {
      catFixture = await import('../../plugins/cat/test/support');
      expect(catFixture.API_KEY).toBe(API_KEY);
      api = await catFixture.startMockApi();
    }
    // Live CAT would call the corpus connectors' real APIs: only the loopback connector gets cat targets.
    const plugins = stagePlugins.map((p) => (p === '@conveyor/cat' ? { plugin: p, options: { connectorGlobs: [`connectors/${FAKE}/metadata.yaml`] } } : p));
    repo = fleetRepo({ connectors: CONNECTORS, plugins, files: hasCat ? fakeConnector() : {} });
    const a = withSecrets(repo.clone('machine-a'));
    const b = withSecrets(repo.clone('machine-b'));
    first = await run(a);
    firstEvents = events.splice(0);
    second = await run(b);
    secondEvents = events.splice(0);
    // Two full Nx runs; the suite runs beside others on two cores.
  }, 300_000);
  afterAll(async () => {
    await new Promise<void>((r) => server?.close(() => r()));
    await api?.close();
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
    // The fake connector's live CAT used its secret and passed: results that saw the secret are stored.
    if (hasCat) expect(succeeded(first.output)).toEqual(expect.arrayContaining([`${FAKE}:cat-static`, `${FAKE}:cat`]));
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
        expect(bytes.includes(API_KEY), `archive ${h} holds the fake connector's API key`).toBe(false);
      }
      // Reports may name secrets/config.json (the config a test used); the file itself is never archived.
      const entries = tarEntries(inflated);
      expect(entries.length, `archive ${h} is a tar archive`).toBeGreaterThan(0);
      expect(entries.filter((e) => /(^|\/)secrets\//.test(e))).toEqual([]);
    }
  });

  it('a read-only token (pull requests) uses stored results and cannot add any, without failing the run', { timeout: 120_000 }, async () => {
    const c = withSecrets(repo.clone('pull-request'));
    const meta = join(c, 'connectors/source-auth0/metadata.yaml');
    writeFileSync(meta, readFileSync(meta, 'utf8') + '# changed in a pull request\n');
    events.splice(0);
    const r = await nx(c, ['run-many', '-t', 'import-check', '--projects=source-auth0,source-clickup-api', '--output-style=stream'], {
      NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url,
      NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: readOnly,
    });
    expect(r.code, r.output).toBe(0);
    const lines = new Map(taskLines(r.output).map((l) => [l.task, l.line]));
    expect(lines.get('source-clickup-api:import-check')).toContain('[remote cache]');
    expect(lines.get('source-auth0:import-check')).not.toContain('cache');
    // The changed connector ran; storing its result was refused.
    expect(events.filter((e) => e.method === 'PUT').map((e) => e.status)).toEqual([403]);
  });

  it('refuses a clone with a wrong token instead of running without the cache', { timeout: 120_000 }, async () => {
    const c = withSecrets(repo.clone('machine-c'));
    events.splice(0);
    const r = await run(c, { NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: 'not-the-token' });
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/missing or invalid bearer token/);
    expect(events.filter((e) => e.method === 'PUT')).toEqual([]);
  });
});
