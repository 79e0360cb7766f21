import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT, copyConnector, git, gitInit, runNx, tempWorkspace, type TempDir } from '../../../test/support';
import { filesUnder } from './corpus';

// Nx loads the plugin from dist/: this runs only after `npm run build`.
const built = existsSync(join(REPO_ROOT, 'plugins/migrate/dist/index.js')) && existsSync(join(REPO_ROOT, 'plugins/import-check/dist/index.js'));
let ws: TempDir;

beforeAll(() => {
  if (!built) return;
  ws = tempWorkspace({}, { plugins: ['@conveyor/import-check', '@conveyor/migrate'] });
  for (const c of ['source-tasklist', 'source-custom-pager', 'source-weather-notes']) copyConnector(join(REPO_ROOT, 'connectors', c), ws.dir, `connectors/${c}`);
  gitInit(ws.dir);
});
afterAll(() => ws?.cleanup());

describe.skipIf(!built)('migrate as an Nx target', () => {
  it('is inferred on manifest connectors after import-check, never cached', () => {
    const p = JSON.parse(runNx(ws.dir, ['show', 'project', 'source-tasklist', '--json']).output);
    expect(p.targets.migrate).toMatchObject({ executor: '@conveyor/migrate:run', dependsOn: ['import-check'], cache: false });
  });

  it('dry-runs a batch from the command line, touching no connector', () => {
    const before = filesUnder(join(ws.dir, 'connectors'));
    const r = runNx(ws.dir, ['run-many', '-t', 'migrate', '--dry-run', '--layout=manifest-only', '--batch', '--output-style=stream']);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('source-tasklist:migrate ✔ dry run: would change');
    expect(r.output).toContain('source-weather-notes:migrate ✔ already in the manifest-only layout: nothing to do');
    expect(filesUnder(join(ws.dir, 'connectors'))).toEqual(before);
    const report = JSON.parse(readFileSync(join(ws.dir, 'dist/conveyor/source-tasklist/migrate.json'), 'utf8'));
    expect(report).toMatchObject({ stage: 'migrate', ok: true, dryRun: true, layout: 'manifest-only' });
    expect(report.changes).toContainEqual({ op: 'create', path: 'manifest.yaml' });
  });

  it('migrates one connector for real, and the project is then manifest-only', () => {
    const r = runNx(ws.dir, ['run', 'source-tasklist:migrate', '--layout=manifest-only', '--output-style=stream']);
    expect(r.code, r.output).toBe(0);
    const dir = join(ws.dir, 'connectors/source-tasklist');
    expect(existsSync(join(dir, 'manifest.yaml'))).toBe(true);
    expect(existsSync(join(dir, 'source_tasklist'))).toBe(false);
    expect(parse(readFileSync(join(dir, 'metadata.yaml'), 'utf8')).data.tags).toContain('language:manifest-only');
    expect(git(ws.dir, 'status', '--porcelain', 'connectors/source-custom-pager')).toBe('');
    const again = runNx(ws.dir, ['run', 'source-tasklist:migrate', '--layout=manifest-only', '--output-style=stream']);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain('nothing to do');
  });

  it('refuses uncommitted work until --allow-dirty is given on the command line', () => {
    const dir = join(ws.dir, 'connectors/source-custom-pager');
    writeFileSync(join(dir, 'README.md'), 'edited\n');
    const refused = runNx(ws.dir, ['run', 'source-custom-pager:migrate', '--layout=manifest-only', '--output-style=stream']);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('uncommitted changes (README.md)');
    expect(existsSync(join(dir, 'source_custom_pager'))).toBe(true);
    const allowed = runNx(ws.dir, ['run', 'source-custom-pager:migrate', '--layout=manifest-only', '--allow-dirty', '--output-style=stream']);
    expect(allowed.code, allowed.output).toBe(0);
    expect(readFileSync(join(dir, 'components.py'), 'utf8')).toContain('class NextPageUrlPaginator');
  });
});
