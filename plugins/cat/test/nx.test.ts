/**
 * Through Nx: `cat-static` (credential-free) and `cat` (live) targets, their caching, and nothing secret in
 * the Nx cache.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempWorkspace, writeTree, type TempDir } from '../../../test/support';
import { API_KEY, FAKE_SOURCE, connectorFiles, startMockApi } from './support';

const built = existsSync(join(REPO_ROOT, 'plugins/cat/dist/index.js'));

/** Nx, asynchronously: the mock API lives in this process and must keep answering while Nx runs. */
function runNx(cwd: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(cwd, 'node_modules/nx/dist/bin/nx.js'), ...args], {
      cwd,
      env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', CI: 'true', FORCE_COLOR: '0', ...env },
    });
    let output = '';
    p.stdout.on('data', (d) => (output += d));
    p.stderr.on('data', (d) => (output += d));
    p.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** Targets that ran (not replayed from the cache) in an nx output. */
function ran(output: string): string[] {
  return [...output.matchAll(/^> nx run (\S+)(.*)$/gm)].filter((m) => !/cache/.test(m[2])).map((m) => m[1]).sort();
}

describe.skipIf(!built)('cat in Nx (needs `npm run build`)', () => {
  let api: Awaited<ReturnType<typeof startMockApi>>;
  let ws: TempDir;
  const cat = async () => {
    const r = await runNx(ws.dir, ['run', 'source-fake:cat', '--output-style=stream']);
    return { ...r, ran: ran(r.output) };
  };

  beforeAll(async () => {
    api = await startMockApi();
    ws = tempWorkspace({}, { plugins: [{ plugin: '@conveyor/cat', options: { options: { command: ['node', 'source.mjs'], maxTimeoutSeconds: 20 } } }] });
    const files = connectorFiles(api.url);
    writeTree(join(ws.dir, 'connectors/source-fake'), {
      ...files,
      'metadata.yaml': 'data:\n  connectorType: source\n  name: Fake\n  dockerRepository: airbyte/source-fake\n  dockerImageTag: 0.1.0\n  tags:\n    - language:python\n',
      'source.mjs': readFileSync(FAKE_SOURCE, 'utf8'),
    });
  });
  afterAll(async () => {
    await api?.close();
    ws?.cleanup();
  });

  it('infers cat-static (connector files only) and cat (plus a digest of secrets/ and a rerun switch)', async () => {
    const r = await runNx(ws.dir, ['show', 'project', 'source-fake', '--json']);
    expect(r.code, r.output).toBe(0);
    const { targets } = JSON.parse(r.output.slice(r.output.indexOf('{')));
    expect(targets.cat.dependsOn).toEqual(['cat-static']);
    expect(targets.cat.options.suites).toBe('live');
    expect(targets['cat-static'].options.suites).toBe('static');
    expect(targets['cat-static'].executor).toBe('@conveyor/cat:static');
    expect(targets.cat.inputs).toContainEqual({ env: 'CONVEYOR_CAT_RERUN' });
    expect(targets.cat.inputs.find((i: { runtime?: string }) => i.runtime)?.runtime).toMatch(/config-hash\.js" "connectors\/source-fake"$/);
    expect(targets['cat-static'].inputs.some((i: object) => typeof i === 'object' && ('runtime' in i || 'env' in i))).toBe(false);
    expect(targets.cat.inputs).toContain('!{projectRoot}/secrets/**/*');
    // Each target's help names itself.
    expect(targets['cat-static'].metadata.help.command).toBe('npx nx run source-fake:cat-static --help');
    expect(targets.cat.metadata.help.command).toBe('npx nx run source-fake:cat --help');
  });

  it('runs both, merges the static tests into cat.json, then replays both from the cache', async () => {
    const first = await cat();
    expect(first.code, first.output).toBe(0);
    expect(first.ran).toEqual(['source-fake:cat', 'source-fake:cat-static']);
    const report = JSON.parse(readFileSync(join(ws.dir, 'dist/conveyor/source-fake/cat.json'), 'utf8'));
    const suites = new Set(report.tests.map((t: { suite: string }) => t.suite));
    expect([...suites].sort()).toEqual(['basic_read', 'connection', 'discovery', 'files', 'full_refresh', 'incremental', 'spec']);
    // Conveyor's own packages sit outside this temp workspace and are fingerprinted into the hash; in a shared
    // checkout someone may edit them between two runs, so settle once before asserting the replay.
    let again = await cat();
    for (let i = 0; i < 3 && again.ran.length; i++) again = await cat();
    expect(again.ran, again.output).toEqual([]);
  });

  it('new credentials or CONVEYOR_CAT_RERUN rerun the live suites only; no secret is in the Nx cache', async () => {
    // Settle (see above): start from a fully cached state.
    for (let i = 0; i < 3 && (await cat()).ran.length; i++);
    const config = join(ws.dir, 'connectors/source-fake/secrets/config.json');
    writeFileSync(config, JSON.stringify({ ...JSON.parse(readFileSync(config, 'utf8')), start_date: '2024-01-02' }));
    expect((await cat()).ran).toEqual(['source-fake:cat']);
    const forced = await runNx(ws.dir, ['run', 'source-fake:cat', '--output-style=stream'], { CONVEYOR_CAT_RERUN: String(Date.now()) });
    expect(ran(forced.output)).toEqual(['source-fake:cat']);
    const grep = (() => {
      try {
        return execFileSync('grep', ['-rl', API_KEY, join(ws.dir, '.nx'), join(ws.dir, 'dist')], { encoding: 'utf8' });
      } catch {
        return '';
      }
    })();
    expect(grep).toBe('');
  });
});
