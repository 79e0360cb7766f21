import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dependsOnFor, globToRegExp, InferenceCache, inferConnectors, maskSecrets, type RegisteredStage } from '@conveyor/stage-kit';
import { tempDir, writeTree, type TempDir } from '../../../test/support';

const stage = (s: string, after: string[], layouts?: string[]): RegisteredStage =>
  ({ stage: s, after, appliesTo: layouts ? { layouts } : undefined, plugin: s, dir: '', targetName: s, options: {} }) as RegisteredStage;
const STAGES = [stage('import-check', [], ['low-code', 'manifest-only']), stage('migrate', ['import-check'], ['low-code', 'manifest-only']), stage('cat', ['migrate', 'import-check']), stage('release', ['cat'])];
const connector = (layout: string) => ({ name: 'x', root: 'x', layout, kind: 'source', tags: [] }) as never;

describe('dependsOnFor', () => {
  it('orders manifest connectors through every stage', () => {
    expect(dependsOnFor('cat', ['migrate', 'import-check'], STAGES, connector('low-code'))).toEqual(['migrate', 'import-check']);
    expect(dependsOnFor('release', ['cat'], STAGES, connector('manifest-only'))).toEqual(['cat']);
  });
  it('names only stages present on the project', () => {
    expect(dependsOnFor('cat', ['migrate', 'import-check'], STAGES, connector('python'))).toEqual([]);
    expect(dependsOnFor('release', ['cat'], STAGES, connector('java'))).toEqual(['cat']);
  });
  it('looks through an absent stage to the ones before it', () => {
    const stages = [stage('a', []), stage('b', ['a'], ['manifest-only']), stage('c', ['b'])];
    expect(dependsOnFor('c', ['b'], stages, connector('python'))).toEqual(['a']);
  });
  it('never pulls in a stage that runs only when asked for, but keeps what it comes after', () => {
    const stages = [STAGES[0], { ...STAGES[1], explicitOnly: true }, ...STAGES.slice(2)];
    expect(dependsOnFor('cat', ['migrate', 'import-check'], stages, connector('low-code'))).toEqual(['import-check']);
    expect(dependsOnFor('cat', ['migrate'], stages, connector('manifest-only'))).toEqual(['import-check']);
  });
  it('drops stages that are not registered', () => {
    expect(dependsOnFor('cat', ['migrate'], [stage('cat', ['migrate'])], connector('low-code'))).toEqual([]);
  });
});

describe('inference', () => {
  let t: TempDir;
  afterEach(() => t.cleanup());

  it('keeps a project for every connector, even one whose metadata is broken, and says why', () => {
    t = tempDir();
    writeTree(t.dir, {
      'connectors/source-good/metadata.yaml': 'data:\n  connectorType: source\n  supportLevel: certified\n  tags: [language:manifest-only, cdk:low-code, keyword:x]\n',
      'connectors/source-good/manifest.yaml': 'version: 6.0.0\n',
      'connectors/source-broken/metadata.yaml': 'data: [unclosed\n',
      'connectors/source-nodata/metadata.yaml': 'metadataSpecVersion: "1.0"\n',
      'connectors/source-types/metadata.yaml': 'data:\n  connectorType: 5\n  tags: nope\n',
      'elsewhere/source-ignored/metadata.yaml': 'data: {}\n',
    });
    const files = ['connectors/source-good/metadata.yaml', 'connectors/source-broken/metadata.yaml', 'connectors/source-nodata/metadata.yaml', 'connectors/source-types/metadata.yaml', 'elsewhere/source-ignored/metadata.yaml'];
    const out = inferConnectors(files, t.dir, undefined, new InferenceCache(join(t.dir, 'cache.json')));
    const byName = Object.fromEntries(out.map((c) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual(['source-broken', 'source-good', 'source-nodata', 'source-types']);
    expect(byName['source-good']).toMatchObject({ layout: 'manifest-only', kind: 'source', tags: ['language:manifest-only', 'cdk:low-code', 'support:certified', 'type:source', 'layout:manifest-only'] });
    expect(byName['source-good'].metadataError).toBeUndefined();
    expect(byName['source-broken'].metadataError).toMatch(/^connectors\/source-broken\/metadata\.yaml:\d+:\d+: not valid YAML: Flow sequence/);
    expect(byName['source-nodata'].metadataError).toMatch(/expected a top-level `data:` mapping/);
    expect(byName['source-types'].metadataError).toMatch(/`data.tags` must be a list of strings; `data.connectorType` must be source or destination, got 5/);
  });

  it('caches parsed metadata by content hash across runs', () => {
    t = tempDir();
    writeTree(t.dir, { 'connectors/source-a/metadata.yaml': 'data:\n  connectorType: source\n' });
    const cacheFile = join(t.dir, 'cache.json');
    const first = new InferenceCache(cacheFile);
    inferConnectors(['connectors/source-a/metadata.yaml'], t.dir, undefined, first);
    first.save();
    const second = new InferenceCache(cacheFile);
    const facts = second.facts('data:\n  connectorType: source\n', 'ignored-because-cached');
    expect(facts).toEqual({ kind: 'source', tags: ['type:source'] });
  });

  it('honours custom connector globs', () => {
    expect(globToRegExp('airbyte-integrations/connectors/*/metadata.yaml').test('airbyte-integrations/connectors/source-a/metadata.yaml')).toBe(true);
    expect(globToRegExp('connectors/*/metadata.yaml').test('connectors/a/b/metadata.yaml')).toBe(false);
    expect(globToRegExp('{a,b}/**/metadata.yaml').test('b/x/y/metadata.yaml')).toBe(true);
  });
});

describe('maskSecrets', () => {
  it('masks raw and JSON-escaped forms', () => {
    expect(maskSecrets('token="s3cr\\"et" and s3cr"et', ['s3cr"et'])).toBe('token="**********" and **********');
  });
});
