import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stage } from '../src/stage';
import { gitRepo, type TestRepo } from './git-repo';
import { CONNECTOR_DIR, DOCS, DOCS_PAGE, shopFiles } from './fixtures';

let repo: TestRepo | undefined;
const extra: string[] = [];
afterEach(() => {
  repo?.cleanup();
  for (const d of extra.splice(0)) rmSync(d, { recursive: true, force: true });
});
const run = (options: Record<string, unknown>, dir = CONNECTOR_DIR) => stage.runOne(join(repo!.dir, dir), { date: '2024-09-02', ...options }, repo!.dir);
const read = (p: string) => readFileSync(join(repo!.dir, p), 'utf8');

describe('release workflow', () => {
  it('--dry-run prints the diff and touches nothing, not even the PR body', async () => {
    repo = gitRepo(shopFiles('0.3.1'));
    const { report, output } = await run({ bump: 'minor', message: 'Add refunds', pr: 42000, dryRun: true });
    expect(report.ok).toBe(true);
    expect(output).toContain('-  dockerImageTag: 0.3.1');
    expect(output).toContain('+  dockerImageTag: 0.4.0');
    expect(output).toContain('+| 0.4.0 | 2024-09-02 | [42000](https://github.com/airbytehq/airbyte/pull/42000) | Add refunds |');
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(existsSync(join(repo.dir, 'dist/conveyor/source-shop/pull-request.md'))).toBe(false);
  });

  it('without --pr the row carries the placeholder; without --message nothing is written', async () => {
    repo = gitRepo(shopFiles('0.3.1'));
    const missing = await run({ bump: 'patch' });
    expect(missing.report.ok).toBe(false);
    expect(missing.report.summary).toMatch(/--message is required/);
    expect(repo.git('status', '--porcelain')).toBe('');
    const badPr = await run({ bump: 'patch', message: 'Fix paging', pr: '#12' });
    expect(badPr.report.summary).toMatch(/--pr "#12" is not a pull-request number/);
    await run({ bump: 'patch', message: 'Fix paging' });
    expect(read(DOCS)).toContain('| 0.3.2 | 2024-09-02 | [*PR_NUMBER_PLACEHOLDER*](https://github.com/airbytehq/airbyte/pull/*PR_NUMBER_PLACEHOLDER*) | Fix paging |');
  });

  it('--branch commits exactly the touched files and never pushes without --push', async () => {
    repo = gitRepo(shopFiles('0.3.1'));
    const remote = mkdtempSync(join(tmpdir(), 'conveyor-remote-'));
    extra.push(remote);
    execFileSync('git', ['init', '--quiet', '--bare', remote]);
    repo.git('remote', 'add', 'origin', remote);
    repo.write({ 'unrelated.txt': 'work in progress\n' });
    const { report, output } = await run({ bump: 'patch', message: 'Fix paging', pr: 42001, branch: true });
    expect(report.ok, report.summary).toBe(true);
    expect(report.branch).toBe('source-shop-release-0.3.2');
    expect(output).toContain('now on branch source-shop-release-0.3.2; back to your work with: git checkout main');
    expect(repo.git('show', '--name-only', '--format=%s', 'HEAD').trim().split('\n')).toEqual(['🐛 Source Shop: Fix paging', '', `${CONNECTOR_DIR}/metadata.yaml`, DOCS]);
    expect(repo.git('status', '--porcelain').trim()).toBe('?? unrelated.txt');
    expect(execFileSync('git', ['branch', '--list'], { cwd: remote, encoding: 'utf8' })).toBe('');
    expect(read('dist/conveyor/source-shop/pull-request.md')).toContain('- [x] Version bumped to 0.3.2 (metadata.yaml)');
    // A second connector in the same run must not stack its release on this one's branch.
    repo.write({ 'airbyte-integrations/connectors/source-other/metadata.yaml': read(`${CONNECTOR_DIR}/metadata.yaml`).replace(/shop/g, 'other'), 'docs/integrations/sources/other.md': DOCS_PAGE });
    const second = await run({ bump: 'patch', message: 'Fix paging', branch: true }, 'airbyte-integrations/connectors/source-other');
    expect(second.report.ok).toBe(false);
    expect(second.report.summary).toMatch(/on release branch source-shop-release-0\.3\.2/);
  });

  it('--branch --push pushes the release branch', async () => {
    repo = gitRepo(shopFiles('0.3.1'));
    const remote = mkdtempSync(join(tmpdir(), 'conveyor-remote-'));
    extra.push(remote);
    execFileSync('git', ['init', '--quiet', '--bare', remote]);
    repo.git('remote', 'add', 'origin', remote);
    const { report } = await run({ bump: 'patch', message: 'Fix paging', branch: true, push: true });
    expect(report.ok, report.summary).toBe(true);
    expect(execFileSync('git', ['branch', '--list'], { cwd: remote, encoding: 'utf8' }).trim()).toBe('source-shop-release-0.3.2');
  });

  it('a Python connector bumps Dockerfile and pyproject.toml, compares spec.json, schemas and the catalog, and says what it could not compare', async () => {
    const dir = 'airbyte-integrations/connectors/source-legacy';
    const catalog = (pk: string) => JSON.stringify({ streams: [{ stream: { name: 'items', json_schema: {}, supported_sync_modes: ['full_refresh'], source_defined_primary_key: [[pk]] }, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] });
    const files = {
      '.gitignore': 'dist/\n',
      [`${dir}/metadata.yaml`]: 'data:\n  connectorType: source\n  dockerImageTag: 1.4.2\n  dockerRepository: airbyte/source-legacy\n  name: Legacy\n  documentationUrl: https://docs.airbyte.com/integrations/sources/legacy\n  tags:\n    - language:python\nmetadataSpecVersion: "1.0"\n',
      [`${dir}/Dockerfile`]: 'FROM python:3.9-slim\nLABEL io.airbyte.version=1.4.2\nLABEL io.airbyte.name=airbyte/source-legacy\n',
      [`${dir}/pyproject.toml`]: '[build-system]\nrequires = ["poetry-core>=1.0.0"]\n\n[tool.poetry]\nversion = "1.4.2"\nname = "source-legacy"\n',
      [`${dir}/setup.py`]: 'from setuptools import setup\nsetup(name="source_legacy")\n',
      [`${dir}/source_legacy/spec.json`]: JSON.stringify({ connectionSpecification: { type: 'object', required: ['token'], properties: { token: { type: 'string' } } } }),
      [`${dir}/source_legacy/schemas/items.json`]: JSON.stringify({ type: 'object', properties: { id: { type: 'integer' }, sku: { type: 'string' } } }),
      [`${dir}/integration_tests/configured_catalog.json`]: catalog('id'),
      'docs/integrations/sources/legacy.md': '# Legacy\n\n## Changelog\n\n| Version | Date | Pull Request | Subject |\n|:--|:--|:--|:--|\n| 1.4.2 | 2024-01-01 | [1](https://github.com/airbytehq/airbyte/pull/1) | Fix |\n',
    };
    repo = gitRepo(files);
    repo.git('checkout', '--quiet', '-b', 'feature');
    repo.write({ [`${dir}/integration_tests/configured_catalog.json`]: catalog('sku') });
    const refused = await run({ bump: 'minor', message: 'Key items by sku' }, dir);
    expect(refused.report.ok).toBe(false);
    expect(refused.report.breaking).toEqual([expect.stringContaining('items: primary key [["id"]] → [["sku"]]')]);
    const { report } = await run({ bump: 'major', message: 'Key items by sku' }, dir);
    expect(report.ok, report.summary).toBe(true);
    expect(read(`${dir}/Dockerfile`)).toContain('LABEL io.airbyte.version=2.0.0\n');
    expect(read(`${dir}/pyproject.toml`)).toContain('[tool.poetry]\nversion = "2.0.0"\n');
    expect(report.notCompared).toEqual(expect.arrayContaining([expect.stringMatching(/authenticator: defined in code/)]));
    expect(read('docs/integrations/sources/legacy-migrations.md').split('\n')[0]).toBe('# Legacy Migration Guide');
  });

  it('unparseable metadata.yaml fails with file and line, touching nothing', async () => {
    repo = gitRepo({ ...shopFiles('0.3.1'), [`${CONNECTOR_DIR}/metadata.yaml`]: 'data:\n  dockerImageTag: 0.3.1\n  name: [unclosed\n' });
    const { report } = await run({ bump: 'patch', message: 'x' });
    expect(report.ok).toBe(false);
    expect(report.findings[0]).toMatchObject({ rule: 'yaml-syntax', line: expect.any(Number) });
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('a docs page without a changelog section gets Airbyte\'s section', async () => {
    repo = gitRepo(shopFiles('0.3.1', {}, '# Shop\n\nSyncs users.\n'));
    await run({ bump: 'patch', message: 'First changelog', pr: 7 });
    expect(read(DOCS)).toBe(
      '# Shop\n\nSyncs users.\n\n## Changelog\n\n<details>\n  <summary>Expand to review</summary>\n\n| Version | Date | Pull Request | Subject |\n|:--------|:-----|:-------------|:--------|\n| 0.3.2 | 2024-09-02 | [7](https://github.com/airbytehq/airbyte/pull/7) | First changelog |\n\n</details>\n',
    );
    void DOCS_PAGE;
  });

  it('a connector that is new on this branch is checked against 0.0.0 and compared with nothing', async () => {
    repo = gitRepo({ 'README.md': 'monorepo\n', '.gitignore': 'dist/\n' });
    repo.git('checkout', '--quiet', '-b', 'new-connector');
    repo.write(shopFiles('0.1.0'));
    const { report } = await run({ message: 'New source' });
    expect(report.ok, report.summary).toBe(true);
    expect(report.to).toBe('0.1.0');
    expect(report.notCompared).toEqual([expect.stringMatching(/does not exist at the base/)]);
  });
});
