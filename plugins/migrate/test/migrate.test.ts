import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT, copyConnector, git, gitInit, tempDir, type TempDir } from '../../../test/support';
import { isYamlWrapper, seedSourcePy } from '../src/plan-package';
import { stage } from '../src/stage';
import { filesUnder } from './corpus';

const SAMPLES = join(REPO_ROOT, 'connectors');
let tmp: TempDir | undefined;
afterEach(() => tmp?.cleanup());

/** A git repository holding one sample connector under connectors/, everything committed. */
function repoWith(sample: string, commit = true): { repo: string; dir: string } {
  tmp = tempDir('conveyor-migrate-');
  copyConnector(join(SAMPLES, sample), tmp.dir, `connectors/${sample}`);
  if (commit) gitInit(tmp.dir);
  return { repo: tmp.dir, dir: join(tmp.dir, 'connectors', sample) };
}

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(filesUnder(dir).map((f) => [f, readFileSync(join(dir, f), 'latin1')]));
}

describe('package layout (the seed)', () => {
  it('--dry-run prints the plan as a diff and touches nothing', async () => {
    const { repo, dir } = repoWith('source-tasklist');
    const before = snapshot(dir);
    const { report, output } = await stage.runOne(dir, { dryRun: true, diff: 'full' }, repo);
    expect(report.ok).toBe(true);
    expect(report.summary).toMatch(/^dry run: would change/);
    expect(output).toContain('--- a/connectors/source-tasklist/source_tasklist/schemas/tasks.json');
    expect(output).toMatch(/^\+ +type: InlineSchemaLoader$/m);
    expect(output).toMatch(/^- +type: JsonFileSchemaLoader$/m);
    expect(snapshot(dir)).toEqual(before);
    // The summary form names each file; the whole patch is kept, and `git apply` of it is the migration.
    const stat = await stage.runOne(dir, { dryRun: true, diff: 'stat' }, repo);
    expect(stat.output).toMatch(/^ connectors\/source-tasklist\/source_tasklist\/run\.py +\| \+0 -\d+$/m);
    expect(stat.output).toContain('full diff (');
    expect(snapshot(dir)).toEqual(before);
    git(repo, 'apply', join(repo, stat.report.patch as string));
    const applied = snapshot(dir);
    git(repo, 'checkout', '--', '.');
    git(repo, 'clean', '-fdq', 'connectors');
    await stage.runOne(dir, {}, repo);
    expect(applied).toEqual(snapshot(dir));
  });

  it('inlines schemas and spec, keeps comments, deletes the other .py files and writes the seed’s source.py', async () => {
    const { repo, dir } = repoWith('source-tasklist', false);
    const sourcePy = join(dir, 'source_tasklist/source.py');
    writeFileSync(sourcePy, readFileSync(sourcePy, 'utf8') + '\n    def check_connection(self, logger, config):\n        return True, None\n');
    gitInit(repo);
    const { report } = await stage.runOne(dir, {}, repo);
    expect(report.ok, report.summary).toBe(true);
    const files = filesUnder(dir);
    expect(files.filter((f) => f.startsWith('source_tasklist/'))).toEqual(['source_tasklist/manifest.yaml', 'source_tasklist/source.py']);
    const text = readFileSync(join(dir, 'source_tasklist/manifest.yaml'), 'utf8');
    expect(text).toContain('# Every stream reads JSON pages of `page_size` items from the same API.');
    const manifest = parse(text);
    expect(manifest.spec.type).toBe('Spec');
    expect(manifest.definitions.projects_stream.schema_loader.type).toBe('InlineSchemaLoader');
    expect(readFileSync(join(dir, 'source_tasklist/source.py'), 'utf8')).toBe(seedSourcePy('source-tasklist'));
    expect(seedSourcePy('source-tasklist')).toContain('class SourceTasklist(YamlDeclarativeSource):');
    // main.py still imports source_tasklist.run, which the seed's rule deletes: the user is told where.
    expect(report.findings).toContainEqual(expect.objectContaining({ rule: 'entry-point', file: join(dir, 'main.py'), line: 1 }));
    expect(report.findings).toContainEqual(expect.objectContaining({ rule: 'source-py', severity: 'warning', message: expect.stringContaining('check_connection') }));
    expect(report.changes).toContainEqual({ op: 'delete', path: 'source_tasklist/run.py' });
    // A second run is a no-op.
    const again = await stage.runOne(dir, {}, repo);
    expect(again.report.summary).toMatch(/nothing to do/);
    expect(again.report.changes).toEqual([]);
  });

  it('drops the Builder’s metadata field, and takes the manifest from --from when given', async () => {
    const { repo, dir } = repoWith('source-tasklist', false);
    const exported = readFileSync(join(dir, 'source_tasklist/manifest.yaml'), 'utf8').replace('check:\n  type: CheckStream\n  stream_names:\n    - projects', 'check:\n  type: CheckStream\n  stream_names:\n    - tasks') + 'metadata:\n  autoImportSchema:\n    projects: true\n';
    writeFileSync(join(repo, 'exported.yaml'), exported);
    gitInit(repo);
    const { report } = await stage.runOne(dir, { from: 'exported.yaml' }, repo);
    expect(report.ok, report.summary).toBe(true);
    const manifest = parse(readFileSync(join(dir, 'source_tasklist/manifest.yaml'), 'utf8'));
    expect(manifest.metadata).toBeUndefined();
    expect(manifest.check.stream_names).toEqual(['tasks']);
  });

  it('refuses custom components by default, naming each class, where it is and what could replace it', async () => {
    const { repo, dir } = repoWith('source-custom-pager');
    const before = snapshot(dir);
    const { report } = await stage.runOne(dir, {}, repo);
    expect(report.ok).toBe(false);
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        rule: 'custom-component',
        file: join(dir, 'source_custom_pager/manifest.yaml'),
        line: 42,
        message: expect.stringMatching(/CustomPaginationStrategy source_custom_pager\.components\.NextPageUrlPaginator: .*replace it with CursorPagination/),
      }),
    );
    expect(snapshot(dir)).toEqual(before);
    // Kept on request: the module stays, the other .py files go.
    const kept = await stage.runOne(dir, { customComponents: 'keep' }, repo);
    expect(kept.report.ok, kept.report.summary).toBe(true);
    expect(filesUnder(dir).filter((f) => f.endsWith('.py') && f.startsWith('source_'))).toEqual(['source_custom_pager/components.py', 'source_custom_pager/source.py']);
    // Its source.py already was a YamlDeclarativeSource wrapper (dated 2024): left as it was.
    expect(kept.report.changes).not.toContainEqual(expect.objectContaining({ path: 'source_custom_pager/source.py' }));
    expect(isYamlWrapper(seedSourcePy('source-x'))).toBe(true);
    expect(isYamlWrapper('class S(YamlDeclarativeSource):\n    def __init__(self):\n        super().__init__(path_to_yaml="manifest.yaml")\n    def streams(self, config):\n        return []\n')).toBe(false);
  });
});

describe('manifest-only layout from a Builder export', () => {
  it('flattens the exported manifest instead of the current one, without its metadata', async () => {
    const { repo, dir } = repoWith('source-tasklist', false);
    const exported = readFileSync(join(dir, 'source_tasklist/manifest.yaml'), 'utf8').replace('    - projects', '    - tasks') + 'metadata:\n  testedStreams: {}\n';
    writeFileSync(join(repo, 'exported.yaml'), exported);
    gitInit(repo);
    const { report } = await stage.runOne(dir, { layout: 'manifest-only', from: join(repo, 'exported.yaml') }, repo);
    expect(report.ok, report.summary).toBe(true);
    const manifest = parse(readFileSync(join(dir, 'manifest.yaml'), 'utf8'));
    expect(manifest.metadata).toBeUndefined();
    expect(manifest.check.stream_names).toEqual(['tasks']);
    expect(JSON.stringify(manifest)).not.toMatch(/"\$ref"|"\$parameters"/);
    expect(manifest.spec.connection_specification.type).toBe('object');
  });
});

describe('manifest-only layout with custom components', () => {
  it('moves them to a root components.py and rewrites class_name for the declarative image', async () => {
    const { repo, dir } = repoWith('source-custom-pager');
    const module = readFileSync(join(dir, 'source_custom_pager/components.py'), 'utf8');
    const { report } = await stage.runOne(dir, { layout: 'manifest-only' }, repo);
    expect(report.ok, report.summary).toBe(true);
    expect(readFileSync(join(dir, 'components.py'), 'utf8')).toBe(module);
    expect(existsSync(join(dir, 'source_custom_pager'))).toBe(false);
    const text = readFileSync(join(dir, 'manifest.yaml'), 'utf8');
    expect(text).toContain('class_name: source_declarative_manifest.components.NextPageUrlPaginator');
    expect(text).not.toContain('source_custom_pager.components');
    expect(parse(readFileSync(join(dir, 'metadata.yaml'), 'utf8')).data.tags).toContain('language:manifest-only');
  });

  it('refuses them when asked to, changing nothing', async () => {
    const { repo, dir } = repoWith('source-custom-pager');
    const before = snapshot(dir);
    const { report } = await stage.runOne(dir, { layout: 'manifest-only', customComponents: 'refuse' }, repo);
    expect(report.ok).toBe(false);
    expect(report.findings.map((f) => f.rule)).toEqual(['custom-component']);
    expect(snapshot(dir)).toEqual(before);
  });

  it('refuses a metadata.yaml it cannot read, naming the problem', async () => {
    const { repo, dir } = repoWith('source-tasklist', false);
    writeFileSync(join(dir, 'metadata.yaml'), 'data:\n  name: [unclosed\n');
    const { report } = await stage.runOne(dir, { layout: 'manifest-only', allowDirty: true }, repo);
    expect(report.ok).toBe(false);
    expect(report.findings[0]).toMatchObject({ severity: 'error', file: join(dir, 'metadata.yaml') });
  });
});

describe('guarding the user’s work', () => {
  it('refuses a connector folder with uncommitted changes unless --allow-dirty', async () => {
    const { repo, dir } = repoWith('source-tasklist');
    writeFileSync(join(dir, 'README.md'), 'work in progress\n');
    const refused = await stage.runOne(dir, {}, repo);
    expect(refused.report.ok).toBe(false);
    expect(refused.report.summary).toMatch(/uncommitted changes \(README\.md\)/);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('work in progress\n');
    expect(existsSync(join(dir, 'source_tasklist/schemas'))).toBe(true);
    const allowed = await stage.runOne(dir, { allowDirty: true }, repo);
    expect(allowed.report.ok, allowed.report.summary).toBe(true);
    expect(git(repo, 'status', '--porcelain')).toContain('source_tasklist/schemas/');
  });

  it('says so outside a git repository, and proceeds only with --allow-dirty', async () => {
    const { repo, dir } = repoWith('source-tasklist', false);
    const refused = await stage.runOne(dir, {}, repo);
    expect(refused.report.ok).toBe(false);
    expect(refused.report.summary).toMatch(/not inside a git repository/);
    expect((await stage.runOne(dir, { allowDirty: true }, repo)).report.ok).toBe(true);
  });

  it('rejects options it cannot use, naming the option', async () => {
    const { repo, dir } = repoWith('source-tasklist');
    const { report } = await stage.runOne(dir, { layout: 'flat' as never, baseImage: 'airbyte/source-declarative-manifest:latest' }, repo);
    expect(report.ok).toBe(false);
    expect(report.findings.map((f) => f.message)).toEqual([expect.stringContaining('option layout'), expect.stringContaining('option baseImage must be pinned')]);
  });
});
