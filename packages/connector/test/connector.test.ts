import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseYaml, readConnector, validateMetadata, loadManifest, loadSchemaFiles } from '@conveyor/connector';
import { CORPUS, tempDir, writeTree, type TempDir } from '../../../test/support';

const META = `data:\n  name: Foo\n  connectorType: source\n  dockerRepository: airbyte/source-foo\n  dockerImageTag: 1.2.3\n  tags:\n    - language:python\nmetadataSpecVersion: "1.0"\n`;

describe('metadata validation', () => {
  it('names the file, the field, the line and what was expected', () => {
    const file = parseYaml(META.replace('dockerImageTag: 1.2.3', 'dockerImageTag: latest'), 'x/metadata.yaml');
    const { errors } = validateMetadata(file);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'x/metadata.yaml', line: 5, message: expect.stringContaining('`data.dockerImageTag` must be a semantic version') });
    expect(errors[0].message).toContain('"latest"');
  });

  it('reports a missing `data` and unparseable YAML without throwing', () => {
    expect(validateMetadata(parseYaml('metadataSpecVersion: "1.0"\n', 'm.yaml')).errors[0].message).toMatch(/missing `data`/);
    const broken = validateMetadata(parseYaml('data:\n  name: [unclosed\n', 'm.yaml'));
    expect(broken.errors[0]).toMatchObject({ rule: 'yaml-syntax', file: 'm.yaml', line: expect.any(Number) });
    // The position is in line/column; the message does not repeat it.
    expect(broken.errors[0].message).not.toMatch(/at line \d+/);
  });

  it('flags wrong types and keeps schema-required fields as warnings', () => {
    const r = validateMetadata(parseYaml(META.replace('    - language:python', '    - 5'), 'm.yaml'));
    expect(r.errors.map((e) => e.message)).toEqual(['`data.tags` must be a list of strings, got "[5]"']);
    const ok = validateMetadata(parseYaml(META, 'm.yaml'));
    expect(ok.errors).toEqual([]);
    expect(ok.warnings.map((w) => w.message)).toContain('missing `data.definitionId`: expected a non-empty string');
  });
});

describe('readConnector on the real fleet', () => {
  const fleet = join(CORPUS, 'fleet-2024-06');
  const names = readdirSync(fleet).filter((n) => !n.startsWith('_'));

  it('reads every connector, detecting its layout', () => {
    const layouts: Record<string, string> = {};
    for (const n of names) {
      const c = readConnector(join(fleet, n));
      expect(c.metadataErrors, n).toEqual([]);
      layouts[n] = c.layout;
    }
    expect(layouts['source-harvest']).toBe('low-code');
    expect(layouts['source-github']).toBe('python');
    expect(layouts['destination-redis']).toBe('java');
    expect(Object.values(layouts).filter((l) => l === 'low-code').length).toBeGreaterThan(25);
  });

  it('finds the package manifest, a separate spec and schemas', () => {
    const c = readConnector(join(fleet, 'source-harvest'));
    expect(c).toMatchObject({ kind: 'source', packageDir: 'source_harvest', manifestPath: 'source_harvest/manifest.yaml', schemasDir: 'source_harvest/schemas' });
    const m = loadManifest(c);
    expect(m.errors).toEqual([]);
    expect((m.value as { streams: unknown[] }).streams.length).toBeGreaterThan(5);
  });

  it('detects the manifest-only layout of a migrated connector', () => {
    const c = readConnector(join(CORPUS, 'migrations', 'source-auth0', 'after'));
    expect(c.layout).toBe('manifest-only');
    expect(c.manifestPath).toBe('manifest.yaml');
  });
});

describe('readConnector on bad input', () => {
  let t: TempDir;
  afterEach(() => t.cleanup());

  it('reports an unreadable manifest as a problem, never a crash', () => {
    t = tempDir();
    writeTree(t.dir, { 'source-bad/metadata.yaml': META.replace('language:python', 'language:manifest-only') });
    const c = readConnector(join(t.dir, 'source-bad'));
    expect(c.layout).toBe('manifest-only');
    const m = loadManifest(c);
    expect(m.errors[0]).toMatchObject({ rule: 'manifest-missing', message: expect.stringContaining('ENOENT') });
  });

  it('reports a metadata.yaml it cannot read instead of crashing', () => {
    t = tempDir();
    writeTree(t.dir, { 'source-odd/metadata.yaml/oops.txt': 'a folder where the file should be' });
    const c = readConnector(join(t.dir, 'source-odd'));
    expect(c.metadataErrors[0]).toMatchObject({ file: join(t.dir, 'source-odd/metadata.yaml'), message: expect.stringMatching(/cannot read metadata.yaml \(EISDIR\): expected a readable YAML file/) });
  });

  it('names the line and column of a broken schema file', () => {
    t = tempDir();
    writeTree(t.dir, {
      'source-x/metadata.yaml': META,
      'source-x/source_x/manifest.yaml': 'version: 6.0.0\n',
      'source-x/source_x/schemas/users.json': '{\n  "type": "object",\n  "properties": {,}\n}\n',
      'source-x/source_x/schemas/teams.yaml': 'type: [object\n',
    });
    const byStream = Object.fromEntries(loadSchemaFiles(readConnector(join(t.dir, 'source-x'))).map((s) => [s.stream, s.error]));
    expect(byStream.users).toMatchObject({ file: join(t.dir, 'source-x/source_x/schemas/users.json'), line: 3, column: 18, message: expect.stringMatching(/^expected a JSON schema/) });
    expect(byStream.teams).toMatchObject({ file: join(t.dir, 'source-x/source_x/schemas/teams.yaml'), line: expect.any(Number), message: expect.stringMatching(/^expected a YAML JSON schema/) });
  });

  it('finds the docs page from documentationUrl', () => {
    t = tempDir();
    writeTree(t.dir, {
      'airbyte-integrations/connectors/source-foo/metadata.yaml': META.replace('metadataSpecVersion', '  documentationUrl: https://docs.airbyte.com/integrations/sources/foo\nmetadataSpecVersion'),
      'docs/integrations/sources/foo.md': '# Foo\n',
    });
    const c = readConnector(join(t.dir, 'airbyte-integrations/connectors/source-foo'));
    expect(c.docsPath).toBe(join(t.dir, 'docs/integrations/sources/foo.md'));
    writeTree(t.dir, {
      'airbyte-integrations/connectors/source-bar/metadata.yaml': META.replace('metadataSpecVersion', '  documentationUrl: https://docs.airbyte.com/integrations/sources/bar-api/#reference\nmetadataSpecVersion'),
      'docs/integrations/sources/bar-api.md': '# Bar\n',
    });
    expect(readConnector(join(t.dir, 'airbyte-integrations/connectors/source-bar')).docsPath).toBe(join(t.dir, 'docs/integrations/sources/bar-api.md'));
    expect(c.repoRoot).toBe(t.dir);
  });
});
