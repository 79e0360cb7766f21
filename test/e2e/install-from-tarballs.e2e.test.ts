import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, copyConnector, gitInit, runNx, tempDir, writeTree, type TempDir } from '../support';

// Users add Conveyor to their own repository: pack the plugins as npm tarballs and install them, with nx,
// into a fresh Airbyte-style repository that has never seen this checkout.
let repo: TempDir;
let packs: TempDir;
let installed: { name: string; file: string }[];

beforeAll(() => {
  packs = tempDir('conveyor-packs-');
  installed = JSON.parse(execFileSync(process.execPath, [join(REPO_ROOT, 'tools/scripts/pack.mjs'), packs.dir], { encoding: 'utf8' }));
  repo = tempDir('conveyor-user-repo-');
  const nxVersion = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/nx/package.json'), 'utf8')).version;
  const stagePlugins = installed.filter((p) => ['@conveyor/import-check', '@conveyor/migrate', '@conveyor/cat', '@conveyor/release'].includes(p.name)).map((p) => p.name);
  writeTree(repo.dir, {
    'package.json': {
      name: 'my-airbyte-fork',
      private: true,
      devDependencies: { nx: nxVersion, ...Object.fromEntries(installed.map((p) => [p.name, `file:${p.file}`])) },
    },
    'nx.json': { cacheDirectory: '.nx/cache', analytics: false, neverConnectToCloud: true, useDaemonProcess: false, plugins: stagePlugins },
    '.gitignore': 'node_modules\n.nx\ndist\n',
  });
  copyConnector(join(REPO_ROOT, 'connectors/source-weather-notes'), repo.dir, 'airbyte-integrations/connectors/source-weather-notes');
  copyConnector(join(REPO_ROOT, 'connectors/source-tasklist'), repo.dir, 'airbyte-integrations/connectors/source-tasklist');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: repo.dir, stdio: 'pipe', timeout: 300_000 });
  gitInit(repo.dir);
}, 400_000);
afterAll(() => {
  repo?.cleanup();
  packs?.cleanup();
});

describe('Conveyor installed from npm tarballs into another repository', () => {
  it('infers the connectors with every installed stage', () => {
    const r = runNx(repo.dir, ['show', 'project', 'source-weather-notes', '--json']);
    expect(r.code, r.output).toBe(0);
    const project = JSON.parse(r.output);
    expect(Object.keys(project.targets)).toContain('import-check');
    expect(project.targets['import-check'].options.conveyorPlugin).toMatch(/^[0-9a-f]{16}$/);
  });

  it('runs import-check from the installed plugin, and caches it', () => {
    const first = runNx(repo.dir, ['run', 'source-weather-notes:import-check', '--output-style=stream']);
    expect(first.code, first.output).toBe(0);
    const report = JSON.parse(readFileSync(join(repo.dir, 'dist/conveyor/source-weather-notes/import-check.json'), 'utf8'));
    expect(report).toMatchObject({ stage: 'import-check', project: 'source-weather-notes', ok: true });
    const second = runNx(repo.dir, ['run', 'source-weather-notes:import-check', '--output-style=stream']);
    expect(second.output).toMatch(/local cache|existing outputs match the cache/);
  });
});
