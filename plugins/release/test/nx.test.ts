/**
 * Through Nx, in batch mode: flags arrive from the command line, each connector fails or passes on its own, and
 * a refused release leaves that connector's files alone while the others are released.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, copyConnector, git, gitInit, runNx, tempWorkspace, writeTree, type TempDir } from '../../../test/support';
import { manifest, metadata, DOCS_PAGE } from './fixtures';

const built = existsSync(join(REPO_ROOT, 'plugins/release/dist/index.js'));
let ws: TempDir;

describe.skipIf(!built)('release in Nx (needs `npm run build`)', () => {
  beforeAll(() => {
    ws = tempWorkspace(
      {
        'connectors/source-shop/metadata.yaml': metadata('1.3.0'),
        'connectors/source-shop/manifest.yaml': manifest(),
        'docs/integrations/sources/shop.md': DOCS_PAGE,
        'docs/integrations/sources/tasklist.md': readFileSync(join(REPO_ROOT, 'docs/integrations/sources/tasklist.md'), 'utf8'),
      },
      { plugins: ['@conveyor/release'] },
    );
    copyConnector(join(REPO_ROOT, 'connectors/source-tasklist'), ws.dir, 'connectors/source-tasklist');
    gitInit(ws.dir);
    git(ws.dir, 'checkout', '-q', '-b', 'feature');
    writeTree(ws.dir, { 'connectors/source-shop/manifest.yaml': manifest({ dropOrders: true }) });
  });
  afterAll(() => ws?.cleanup());

  it('--dry-run over every connector prints each diff and changes nothing', () => {
    const r = runNx(ws.dir, ['run-many', '-t', 'release', '--bump=major', '--message=Drop orders', '--date=2024-09-02', '--dry-run', '--output-style=stream']);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/\+ {2}dockerImageTag: 2\.0\.0/);
    expect(r.output).toMatch(/\+version = "1\.0\.0"/);
    expect(git(ws.dir, 'status', '--porcelain')).toBe(' M connectors/source-shop/manifest.yaml\n');
  });

  it('fails only the connector whose breaking change needs a major bump, and releases the other', () => {
    const r = runNx(ws.dir, ['run-many', '-t', 'release', '--bump=minor', '--message=Routine release', '--date=2024-09-02', '--output-style=stream']);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/source-shop:release ✖ 1 breaking change needs a major release \(1\.3\.0 → 1\.4\.0 is not\)/);
    const shop = JSON.parse(readFileSync(join(ws.dir, 'dist/conveyor/source-shop/release.json'), 'utf8'));
    expect(shop).toMatchObject({ ok: false, breaking: [expect.stringContaining('stream orders removed')] });
    const tasklist = JSON.parse(readFileSync(join(ws.dir, 'dist/conveyor/source-tasklist/release.json'), 'utf8'));
    expect(tasklist).toMatchObject({ ok: true, from: '0.2.1', to: '0.3.0', breaking: [] });
    expect(readFileSync(join(ws.dir, 'docs/integrations/sources/tasklist.md'), 'utf8')).toContain('| 0.3.0 | 2024-09-02 | [*PR_NUMBER_PLACEHOLDER*]');
    expect(readFileSync(join(ws.dir, 'connectors/source-shop/metadata.yaml'), 'utf8')).toContain('dockerImageTag: 1.3.0');
  });
});
