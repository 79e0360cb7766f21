import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runNx, tempDir, writeTree, type TempDir } from '../../../test/support';

/**
 * The generators and the fleet target through the real `nx` CLI, in a throwaway workspace shaped like this
 * checkout (npm workspaces, workspace packages, the built plugins): what a user gets after
 * `npm install && npm run build`.
 */
const BUILT = ['plugins/workspace', 'plugins/import-check', 'packages/stage-kit', 'packages/connector'].every((p) => existsSync(join(REPO_ROOT, p, 'dist', 'index.js')));
let ws: TempDir;

function linkWorkspace(dir: string) {
  const src = join(REPO_ROOT, 'node_modules');
  mkdirSync(join(dir, 'node_modules', '@conveyor'), { recursive: true });
  for (const entry of readdirSync(src)) if (entry !== '@conveyor') symlinkSync(join(src, entry), join(dir, 'node_modules', entry), 'dir');
  for (const [name, rel] of [['connector', 'packages/connector'], ['manifest', 'packages/manifest'], ['stage-kit', 'packages/stage-kit'], ['git', 'packages/git'], ['import-check', 'plugins/import-check'], ['workspace', 'plugins/workspace']]) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    symlinkSync(join(REPO_ROOT, rel), join(dir, rel), 'dir');
    symlinkSync(join(dir, rel), join(dir, 'node_modules/@conveyor', name), 'dir');
  }
}

describe('workspace generators and fleet report through nx', () => {
  beforeAll(() => {
    // Nx loads plugins from dist/: `npm test` builds first; a bare `vitest run` needs `npm run build` before it.
    if (!BUILT) throw new Error('plugins/workspace, plugins/import-check or their packages are not built: run `npm run build` first');
    ws = tempDir('conveyor-gen-');
    writeTree(ws.dir, {
      'package.json': { name: 'gen', private: true, workspaces: ['packages/*', 'plugins/*'], nx: { includedScripts: [] } },
      'nx.json': { analytics: false, neverConnectToCloud: true, useDaemonProcess: false, cacheDirectory: '.nx/cache', plugins: ['@conveyor/import-check'] },
      'tsconfig.build.json': { files: [], references: [] },
      'connectors/.keep': '',
    });
    copyFileSync(join(REPO_ROOT, 'tsconfig.base.json'), join(ws.dir, 'tsconfig.base.json'));
    copyFileSync(join(REPO_ROOT, 'project.json'), join(ws.dir, 'project.json'));
    linkWorkspace(ws.dir);
  });
  afterAll(() => ws?.cleanup());

  it('creates a source, adds a stage after import-check, runs both in order and shows them in the fleet page', () => {
    const source = runNx(ws.dir, ['g', '@conveyor/workspace:source', 'foo', '--url-base=https://api.foo.io/v1', '--no-interactive']);
    expect(source.code, source.output).toBe(0);
    expect(existsSync(join(ws.dir, 'connectors/source-foo/manifest.yaml'))).toBe(true);

    const dry = runNx(ws.dir, ['g', '@conveyor/workspace:stage', 'check-docs', '--after=import-check', '--dry-run', '--no-interactive']);
    expect(dry.code, dry.output).toBe(0);
    expect(dry.output).toContain('CREATE plugins/check-docs/src/stage.ts');
    expect(existsSync(join(ws.dir, 'plugins/check-docs'))).toBe(false);

    const stage = runNx(ws.dir, ['g', '@conveyor/workspace:stage', 'check-docs', '--after=import-check', '--no-interactive']);
    expect(stage.code, stage.output).toBe(0);
    // What `npm install && npm run build` does for the new package: link it, compile it.
    symlinkSync(join(ws.dir, 'plugins/check-docs'), join(ws.dir, 'node_modules/@conveyor/check-docs'), 'dir');
    const tsc = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'plugins/check-docs/tsconfig.json'], { cwd: ws.dir, encoding: 'utf8' });
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);

    const run = runNx(ws.dir, ['run', 'source-foo:check-docs', '--output-style=stream']);
    expect(run.code, run.output).toBe(0);
    const first = run.output.indexOf('source-foo:import-check ✔');
    const second = run.output.indexOf('source-foo:check-docs ✔');
    expect(first, run.output).toBeGreaterThanOrEqual(0);
    expect(second).toBeGreaterThan(first);

    // The scaffold's own test passes as generated.
    const vitest = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', 'plugins/check-docs'], { cwd: ws.dir, encoding: 'utf8', env: { ...process.env, CI: 'true', FORCE_COLOR: '0' } });
    expect(vitest.status, vitest.stdout + vitest.stderr).toBe(0);
    expect(vitest.stdout).toMatch(/2 passed/);

    const fleet = runNx(ws.dir, ['run', 'workspace:fleet-report', '--output-style=stream']);
    expect(fleet.code, fleet.output).toBe(0);
    const data = JSON.parse(readFileSync(join(ws.dir, 'dist/conveyor/fleet/fleet.json'), 'utf8'));
    expect(data.connectors).toHaveLength(1);
    expect(data.connectors[0]).toMatchObject({ project: 'source-foo', layout: 'manifest-only', verdict: 'ui', version: '0.1.0', lastChangelogVersion: '0.1.0' });
    expect(Object.keys(data.connectors[0].stages).sort()).toEqual(['check-docs', 'import-check']);
    expect(readFileSync(join(ws.dir, 'dist/conveyor/fleet/summary.md'), 'utf8')).toContain('**1/1** manifest connectors are manifest-only');
  });
});
