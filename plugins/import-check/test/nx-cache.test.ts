/**
 * Through Nx: the inferred target runs, its result is cached, and a change to the manifest, spec,
 * schemas or metadata of one connector re-runs that connector only, and a change to the plugin's code
 * re-runs them all.
 */
import { appendFileSync, cpSync, existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, FIXTURE_STAGES, REPO_ROOT, copyConnector, runNx, tempWorkspace, type TempDir } from '../../../test/support';

const built = existsSync(join(REPO_ROOT, 'plugins/import-check/dist/index.js'));
let ws: TempDir;

/** Projects whose import-check ran (not replayed from the cache) in an nx run-many output. */
function ran(output: string): string[] {
  return [...output.matchAll(/^> nx run (\S+):import-check(.*)$/gm)].filter((m) => !/cache/.test(m[2])).map((m) => m[1]).sort();
}

function runAll() {
  const r = runNx(ws.dir, ['run-many', '-t', 'import-check', '--output-style=stream', '--parallel=1']);
  return { ...r, ran: ran(r.output) };
}

describe.skipIf(!built)('import-check in Nx (needs `npm run build`)', () => {
  beforeAll(() => {
    // The plugin is copied into the workspace (as a plugin developed there would be), so a test can edit its code.
    ws = tempWorkspace({}, { plugins: ['@conveyor/import-check'], packages: { '@conveyor-test/first': FIXTURE_STAGES['@conveyor-test/first'] } });
    const pluginCopy = join(ws.dir, 'tools/import-check');
    for (const f of ['package.json', 'executors.json', 'schema.json', 'dist', 'src', 'schemas']) cpSync(join(REPO_ROOT, 'plugins/import-check', f), join(pluginCopy, f), { recursive: true });
    rmSync(join(ws.dir, 'node_modules/@conveyor/import-check'));
    symlinkSync(pluginCopy, join(ws.dir, 'node_modules/@conveyor/import-check'), 'dir');
    // The packages it uses are installed as copies (as npm would), so edits in this shared checkout
    // during the test do not change the fingerprint the stage kit puts into every task hash.
    for (const pkg of ['connector', 'manifest', 'stage-kit']) {
      const dest = join(ws.dir, 'node_modules/@conveyor', pkg);
      rmSync(dest);
      for (const f of ['package.json', 'dist']) cpSync(join(REPO_ROOT, 'packages', pkg, f), join(dest, f), { recursive: true });
    }
    copyConnector(join(CORPUS, 'migrations/source-aircall/before'), ws.dir, 'connectors/source-aircall');
    copyConnector(join(CORPUS, 'migrations/source-lemlist/after'), ws.dir, 'connectors/source-lemlist');
    copyConnector(join(CORPUS, 'fleet-2024-06/source-github'), ws.dir, 'connectors/source-github');
  });
  afterAll(() => ws?.cleanup());

  it('gives manifest connectors a target, not Python ones, and writes the verdict to the report', () => {
    const first = runAll();
    expect(first.code, first.output).toBe(0);
    expect(first.ran).toEqual(['source-aircall', 'source-lemlist']);
    const report = JSON.parse(readFileSync(join(ws.dir, 'dist/conveyor/source-aircall/import-check.json'), 'utf8'));
    expect(report.verdict).toBe('yaml-only');
    expect(first.output).toMatch(/source-aircall:import-check ✔ yaml-only \(warning\)/);
  });

  it('replays unchanged connectors from the cache', () => {
    expect(runAll().ran).toEqual([]);
  });

  it.each([
    ['manifest', 'source_aircall/manifest.yaml', '\n# touched\n'],
    ['spec', 'source_aircall/spec.yaml', '\n# touched\n'],
    ['schemas', 'source_aircall/schemas/calls.json', '\n'],
    ['metadata', 'metadata.yaml', '\n# touched\n'],
  ])('re-runs only the connector whose %s changed', (_what, file, extra) => {
    appendFileSync(join(ws.dir, 'connectors/source-aircall', file), extra);
    expect(runAll().ran).toEqual(['source-aircall']);
  });

  it("re-runs every connector when the plugin's code changes", () => {
    appendFileSync(join(ws.dir, 'tools/import-check/src/stage.ts'), '\n// edited\n');
    expect(runAll().ran).toEqual(['source-aircall', 'source-lemlist']);
  });

  it('never replays a --fix that changed files from the cache', () => {
    const dir = join(ws.dir, 'connectors/source-aircall');
    const restore = () => {
      rmSync(dir, { recursive: true, force: true });
      copyConnector(join(CORPUS, 'migrations/source-aircall/before'), ws.dir, 'connectors/source-aircall');
    };
    for (let i = 0; i < 2; i++) {
      restore();
      const r = runNx(ws.dir, ['run', 'source-aircall:import-check', '--fix', '--output-style=stream']);
      expect(r.code, r.output).not.toBe(0);
      expect(r.output).not.toMatch(/local cache|existing outputs match the cache/);
      expect(existsSync(join(dir, 'source_aircall/spec.yaml'))).toBe(false);
    }
    restore();
  });

  it('fails the task on an invalid manifest and on yaml-only with failOn', () => {
    const manifest = join(ws.dir, 'connectors/source-lemlist/manifest.yaml');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/^version: .*$/m, 'version: 0.1.0'));
    const r = runNx(ws.dir, ['run', 'source-lemlist:import-check', '--output-style=stream']);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/invalid: version 0\.1\.0 is outside the range/);
    const strict = runNx(ws.dir, ['run', 'source-aircall:import-check', '--failOn=yaml-only', '--output-style=stream']);
    expect(strict.code).not.toBe(0);
  });
});
