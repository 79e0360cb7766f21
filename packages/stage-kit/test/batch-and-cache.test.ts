import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectBatch, defineStage, InferenceCache, inferConnectors, registeredStages, runBatch } from '@conveyor/stage-kit';
import { tempDir, writeTree, type TempDir } from '../../../test/support';

let t: TempDir;
afterEach(() => t?.cleanup());
// The progress list is for people; these tests read the results.
process.env.CONVEYOR_QUIET = '1';

describe('runBatch', () => {
  it('hands each task to Nx as soon as it finishes, while later tasks still run', async () => {
    let firstSeen!: () => void;
    const seen = new Promise<void>((resolve) => (firstSeen = resolve));
    const batch = runBatch(
      [
        { id: 'a:s', project: 'a', run: async () => ({ ok: true, summary: 'fine', output: 'a out\n' }) },
        // Finishes only once the consumer holds a's result: a batch that reported at the end would never get here.
        { id: 'b:s', project: 'b', run: async () => (await seen, { ok: false, summary: 'bad', output: 'b out\n' }) },
      ],
      'test × 2',
    );
    const first = await batch.next();
    expect(first.value).toMatchObject({ task: 'a:s', result: { success: true, terminalOutput: 'a out\n' } });
    firstSeen();
    const rest = await collectBatch({ [Symbol.asyncIterator]: () => batch });
    expect(rest).toEqual({ 'b:s': expect.objectContaining({ success: false, terminalOutput: 'b out\n' }) });
  });

  it('gives a task that throws a failed result of its own and runs the others', async () => {
    const results = await collectBatch(
      runBatch(
        [
          { id: 'x:s', project: 'x', run: async () => Promise.reject(new Error('boom')) },
          { id: 'y:s', project: 'y', run: async () => ({ ok: true, summary: 'ok', output: 'y\n' }) },
        ],
        'test',
      ),
    );
    expect(Object.keys(results).sort()).toEqual(['x:s', 'y:s']);
    expect(results['x:s']).toMatchObject({ success: false, terminalOutput: expect.stringContaining('x:s crashed: Error: boom') });
    expect(results['y:s'].success).toBe(true);
  });
});

describe('defineStage batch executor', () => {
  it('runs every task with its own options, and a missing project fails only its task', async () => {
    t = tempDir();
    writeTree(t.dir, {
      'plugin/package.json': { name: '@test/echo', conveyor: { stage: 'echo' } },
      'connectors/source-a/metadata.yaml': 'data:\n  name: A\n  connectorType: source\n  dockerRepository: airbyte/source-a\n  dockerImageTag: 1.0.0\n',
    });
    const seen: Record<string, unknown> = {};
    const stage = defineStage({
      pluginDir: join(t.dir, 'plugin'),
      defaultOptions: { level: 1 },
      run: async ({ project, options }) => ((seen[project] = options), { ok: true, summary: 'done' }),
    });
    const task = (project: string) => ({ id: `${project}:echo`, target: { project, target: 'echo' } });
    const results = await collectBatch(
      stage.batchExecutor(
        { tasks: { 'source-a:echo': task('source-a'), 'source-gone:echo': task('source-gone') } },
        { 'source-a:echo': { level: 2, 'dry-run': true, __overrides_unparsed__: ['--dry-run'] } as never, 'source-gone:echo': { level: 3 } },
        { level: 9 },
        { root: t.dir, projectsConfigurations: { projects: { 'source-a': { root: 'connectors/source-a' } } } },
      ),
    );
    expect(seen['source-a']).toEqual({ level: 2, dryRun: true });
    expect(results['source-a:echo']).toMatchObject({ success: true, terminalOutput: expect.stringContaining('source-a:echo ✔ done') });
    expect(results['source-gone:echo']).toMatchObject({ success: false, terminalOutput: expect.stringContaining('project source-gone is not in the workspace') });
    expect(JSON.parse(readFileSync(join(t.dir, 'dist/conveyor/source-a/echo.json'), 'utf8'))).toMatchObject({ stage: 'echo', ok: true });
  });
});

describe('secrets in a batch', () => {
  it('are masked in the summary the progress list shows and in each task output', async () => {
    t = tempDir();
    writeTree(t.dir, { 'plugin/package.json': { name: '@test/leaky', conveyor: { stage: 'leaky' } }, 'connectors/source-a/metadata.yaml': 'data: {}\n' });
    const stage = defineStage({
      pluginDir: join(t.dir, 'plugin'),
      defaultOptions: {},
      run: async ({ addSecret }) => (addSecret('hunter2-token'), { ok: false, summary: 'HTTP 401 with hunter2-token' }),
    });
    const { report } = await stage.runOne(join(t.dir, 'connectors/source-a'), {}, t.dir);
    expect(report.summary).toBe('HTTP 401 with **********');
    const results = await collectBatch(
      stage.batchExecutor({ tasks: { 'source-a:leaky': { id: 'source-a:leaky', target: { project: 'source-a', target: 'leaky' } } } }, { 'source-a:leaky': {} }, {}, {
        root: t.dir,
        projectsConfigurations: { projects: { 'source-a': { root: 'connectors/source-a' } } },
      }),
    );
    expect(results['source-a:leaky'].terminalOutput).toContain('HTTP 401 with **********');
    expect(JSON.stringify(results)).not.toContain('hunter2');
  });
});

describe('inference cache', () => {
  it('names each connector\'s own file when two have the same broken metadata', () => {
    t = tempDir();
    writeTree(t.dir, { 'connectors/source-a/metadata.yaml': 'data: [\n', 'connectors/source-b/metadata.yaml': 'data: [\n' });
    const out = inferConnectors(['connectors/source-a/metadata.yaml', 'connectors/source-b/metadata.yaml'], t.dir, undefined, new InferenceCache());
    expect(out.map((c) => c.metadataError?.split(':')[0])).toEqual(['connectors/source-a/metadata.yaml', 'connectors/source-b/metadata.yaml']);
  });

  it('keeps a connector whose metadata.yaml cannot be read, and says why', () => {
    t = tempDir();
    writeTree(t.dir, { 'connectors/source-a/metadata.yaml/x': '' });
    const [c] = inferConnectors(['connectors/source-a/metadata.yaml'], t.dir, undefined, new InferenceCache());
    expect(c).toMatchObject({ name: 'source-a', kind: 'source', metadataError: 'connectors/source-a/metadata.yaml: cannot read: EISDIR' });
  });

  it('gives a second folder with the same name a project name of its own, so Nx keeps the graph', () => {
    t = tempDir();
    const meta = 'data:\n  connectorType: source\n';
    writeTree(t.dir, { 'connectors/source-a/metadata.yaml': meta, 'airbyte-integrations/connectors/source-a/metadata.yaml': meta });
    const out = inferConnectors(['connectors/source-a/metadata.yaml', 'airbyte-integrations/connectors/source-a/metadata.yaml'], t.dir, undefined, new InferenceCache());
    expect(out.map((c) => [c.root, c.name])).toEqual([
      ['connectors/source-a', 'connectors-source-a'],
      ['airbyte-integrations/connectors/source-a', 'source-a'],
    ]);
    expect(out[0].note).toBe('named connectors-source-a because airbyte-integrations/connectors/source-a is also called source-a');
  });

  it('names a connector that is its own repository after the repository folder', () => {
    t = tempDir();
    writeTree(t.dir, { 'source-solo/metadata.yaml': 'data:\n  connectorType: source\n  tags: [language:python]\n', 'source-solo/pyproject.toml': '' });
    const [c] = inferConnectors(['metadata.yaml'], join(t.dir, 'source-solo'), ['metadata.yaml'], new InferenceCache());
    expect(c).toMatchObject({ name: 'source-solo', root: '.', layout: 'python', kind: 'source' });
  });

  it('ignores a cache written in another format, and keeps only the entries still in use', () => {
    t = tempDir();
    const meta = 'data:\n  connectorType: destination\n';
    writeTree(t.dir, { 'connectors/destination-a/metadata.yaml': meta });
    const file = join(t.dir, 'cache.json');
    // What an older Conveyor wrote: same key (sha1 of the text), facts that are now wrong.
    const { createHash } = require('node:crypto') as typeof import('node:crypto');
    writeFileSync(file, JSON.stringify({ [createHash('sha1').update(meta).digest('hex')]: { kind: 'source', tags: ['type:source'] } }));
    const cache = new InferenceCache(file);
    expect(inferConnectors(['connectors/destination-a/metadata.yaml'], t.dir, undefined, cache)[0]).toMatchObject({ kind: 'destination', tags: ['type:destination', 'layout:unknown'] });
    cache.save();
    writeFileSync(join(t.dir, 'connectors/destination-a/metadata.yaml'), meta + '  supportLevel: community\n');
    const next = new InferenceCache(file);
    expect(inferConnectors(['connectors/destination-a/metadata.yaml'], t.dir, undefined, next)[0].tags).toContain('support:community');
    next.save();
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')).entries)).toHaveLength(1);
  });
});

describe('registeredStages', () => {
  it('sees an edited stage descriptor on the next graph computation (a long-lived daemon)', () => {
    t = tempDir();
    const pkg = (after: string[]) => ({ name: '@test/lint', conveyor: { stage: 'lint', after } });
    writeTree(t.dir, { 'plugins/lint/package.json': pkg(['import-check']) });
    expect(registeredStages(['./plugins/lint'], t.dir)[0].after).toEqual(['import-check']);
    writeTree(t.dir, { 'plugins/lint/package.json': pkg(['cat']) });
    expect(registeredStages(['./plugins/lint'], t.dir)[0].after).toEqual(['cat']);
  });
});

describe('a connector whose metadata.yaml is broken', () => {
  it('fails every stage, naming the file, the field and what was expected; other connectors pass', async () => {
    t = tempDir();
    const good = 'data:\n  name: A\n  connectorType: source\n  dockerRepository: airbyte/source-a\n  dockerImageTag: 1.0.0\n';
    writeTree(t.dir, {
      'plugin/package.json': { name: '@test/fine', conveyor: { stage: 'fine' } },
      'connectors/source-a/metadata.yaml': good,
      'connectors/source-b/metadata.yaml': good.replace('1.0.0', '[1, 2]'),
      'connectors/source-c/metadata.yaml': 'metadataSpecVersion: "1.0"\n',
    });
    const stage = defineStage({ pluginDir: join(t.dir, 'plugin'), defaultOptions: {}, run: async () => ({ ok: true, summary: 'all good' }) });
    expect((await stage.runOne(join(t.dir, 'connectors/source-a'), {}, t.dir)).report).toMatchObject({ ok: true, summary: 'all good' });
    const b = await stage.runOne(join(t.dir, 'connectors/source-b'), {}, t.dir);
    expect(b.report.ok).toBe(false);
    expect(b.report.summary).toBe('metadata.yaml: `data.dockerImageTag` must be a semantic version such as 1.2.3, got "[1,2]"; the stage itself: all good');
    expect(b.output).toContain('connectors/source-b/metadata.yaml:5:3: error [metadata]: `data.dockerImageTag` must be a semantic version');
    const c = await stage.runOne(join(t.dir, 'connectors/source-c'), {}, t.dir);
    expect(c.report.summary).toMatch(/^metadata\.yaml: missing `data`: expected `data:` holding name, dockerRepository, dockerImageTag/);
  });
});
