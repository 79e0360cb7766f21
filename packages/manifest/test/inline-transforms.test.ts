import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest, loadSchemaFiles, loadSpecFile, parseYaml, readConnector } from '@conveyor/connector';
import { hasRef, inlineSchemas, inlineSpec, preprocessManifest, type Manifest } from '@conveyor/manifest';

const FLEET = resolve(__dirname, '../../../../shared/corpus/fleet-2024-06');

const MANIFEST = `version: 0.80.0
# streams share one loader
definitions:
  schema_loader:
    type: JsonFileSchemaLoader
    file_path: "./source_x/schemas/{{ parameters['name'] }}.json"
  base:
    schema_loader:
      $ref: "#/definitions/schema_loader"
    retriever:
      requester:
        url_base: https://api.example.com # the API
        path: "{{ parameters.path }}"
      record_selector:
        extractor:
          field_path: []
  users:
    $ref: "#/definitions/base"
    $parameters:
      name: users
      path: /users
streams:
  - "#/definitions/users"
  - $ref: "#/definitions/base"
    $parameters:
      name: teams
      path: /teams
check:
  stream_names: [users]
`;

const files = (schemas: Record<string, unknown>) =>
  Object.entries(schemas).map(([path, value]) => ({ path, stream: path.split('/').pop()!.replace('.json', ''), value }));

describe('inlineSchemas', () => {
  it('replaces a shared templated loader by one inline schema per stream, keeps comments, deletes the folder', () => {
    const doc = parseYaml(MANIFEST, 'manifest.yaml').doc;
    const result = inlineSchemas({
      doc,
      schemasDir: 'source_x/schemas',
      schemaFiles: files({
        'source_x/schemas/users.json': { type: 'object', properties: { id: { type: 'string' }, team: { $ref: 'team.json' } } },
        'source_x/schemas/teams.json': { type: 'object', properties: { id: { type: 'integer' } } },
        'source_x/schemas/shared/team.json': { type: 'object', definitions: { x: {} }, properties: { name: { type: 'string' } } },
      }),
    });
    expect(result.findings).toEqual([]);
    expect(result.deletes).toEqual(['source_x/schemas']);
    expect(result.text).toContain('# streams share one loader');
    expect(result.text).toContain('# the API');
    const value = parseYaml<Manifest>(result.text, 'out').value;
    expect((value.definitions as Record<string, unknown>).schema_loader).toBeUndefined();
    const streams = preprocessManifest(value).streams as Record<string, any>[];
    expect(streams.map((s) => s.schema_loader.type)).toEqual(['InlineSchemaLoader', 'InlineSchemaLoader']);
    // The shared file was expanded (its `definitions` dropped, as the CDK's loader does).
    expect(streams[0].schema_loader.schema.properties.team).toEqual({ type: 'object', properties: { name: { type: 'string' } } });
    expect(streams[1].schema_loader.schema.properties.id.type).toBe('integer');
    // The input document is untouched, and a second run changes nothing.
    expect(doc.toString()).toContain('JsonFileSchemaLoader');
    const again = inlineSchemas({ doc: parseYaml(result.text, 'out').doc, schemasDir: 'source_x/schemas', schemaFiles: files({ 'source_x/schemas/users.json': {} }) });
    expect(again.changed).toBe(false);
  });

  it('keeps schema files no stream uses unless told to delete them, and says so', () => {
    const doc = parseYaml(MANIFEST, 'manifest.yaml').doc;
    const schemaFiles = files({
      'source_x/schemas/users.json': { type: 'object' },
      'source_x/schemas/teams.json': { type: 'object' },
      'source_x/schemas/old.json': { type: 'object' },
    });
    const kept = inlineSchemas({ doc, schemasDir: 'source_x/schemas', schemaFiles });
    expect(kept.deletes).toEqual(['source_x/schemas/teams.json', 'source_x/schemas/users.json']);
    expect(kept.findings).toMatchObject([{ severity: 'warning', file: 'source_x/schemas/old.json' }]);
    const all = inlineSchemas({ doc, schemasDir: 'source_x/schemas', schemaFiles, deleteUnused: true });
    expect(all.deletes).toEqual(['source_x/schemas']);
  });

  it('leaves a stream without a schema file alone and names it', () => {
    const doc = parseYaml(MANIFEST, 'manifest.yaml').doc;
    const result = inlineSchemas({ doc, schemasDir: 'source_x/schemas', schemaFiles: files({ 'source_x/schemas/users.json': { type: 'object' } }), manifestFile: 'm.yaml' });
    expect(result.findings.map((f) => f.message)).toEqual([expect.stringContaining('stream "teams": no source_x/schemas/teams.json')]);
  });

  it('does nothing when source.py declares Python streams that read the files', () => {
    const doc = parseYaml(MANIFEST, 'manifest.yaml').doc;
    const result = inlineSchemas({ doc, schemasDir: 's', schemaFiles: files({ 's/users.json': {} }), sourcePy: 'class S(YamlDeclarativeSource):\n    def streams(self, config):\n' });
    expect(result.changed).toBe(false);
    expect(result.deletes).toEqual([]);
  });

  it.skipIf(!existsSync(FLEET))('expands the shared $refs of a real connector (facebook-pages) so no file reference is left', () => {
    const c = readConnector(join(FLEET, 'source-facebook-pages'));
    const m = loadManifest(c) as { doc: any; value: Manifest };
    const result = inlineSchemas({ doc: m.doc, schemaFiles: loadSchemaFiles(c), schemasDir: c.schemasDir });
    const streams = preprocessManifest(parseYaml<Manifest>(result.text, 'out').value).streams as Record<string, any>[];
    expect(streams.length).toBeGreaterThan(0);
    for (const s of streams) {
      expect(s.schema_loader.type).toBe('InlineSchemaLoader');
      expect(hasRef(s.schema_loader.schema)).toBe(false);
    }
  });
});

describe('inlineSpec', () => {
  const doc = () => parseYaml('version: 0.80.0\nstreams: []\n', 'manifest.yaml').doc;

  it('moves a spec file into `spec` with the CDK field names and deletes the file', () => {
    const result = inlineSpec({
      doc: doc(),
      spec: { path: 'source_x/spec.yaml', value: { documentationUrl: 'https://x', connectionSpecification: { type: 'object' }, advanced_auth: { auth_flow_type: 'oauth2.0' } } },
    });
    expect(parseYaml<Manifest>(result.text, 'out').value.spec).toEqual({
      type: 'Spec',
      documentation_url: 'https://x',
      connection_specification: { type: 'object' },
      advanced_auth: { auth_flow_type: 'oauth2.0' },
    });
    expect(result.deletes).toEqual(['source_x/spec.yaml']);
  });

  it('refuses when the manifest already has a different spec (Airbyte: "both inline and non-inline specs")', () => {
    const withSpec = parseYaml('spec:\n  connection_specification:\n    type: object\n    required: [a]\n', 'm.yaml');
    const result = inlineSpec({ doc: withSpec.doc, lines: withSpec.lines, manifestFile: 'm.yaml', spec: { path: 'spec.json', value: { connectionSpecification: { type: 'object' } } } });
    expect(result.changed).toBe(false);
    expect(result.deletes).toEqual([]);
    expect(result.findings).toMatchObject([{ severity: 'error', file: 'm.yaml', line: 1 }]);
  });

  it('says what is wrong with a spec file it cannot use', () => {
    const result = inlineSpec({ doc: doc(), spec: { path: 'spec.json', value: { documentationUrl: 'https://x' } } });
    expect(result.findings[0]).toMatchObject({ severity: 'error', file: 'spec.json', message: expect.stringContaining('connectionSpecification') });
  });

  it.skipIf(!existsSync(FLEET))('inlines a real spec.yaml (source-activecampaign) identically', () => {
    const c = readConnector(join(FLEET, 'source-activecampaign'));
    const spec = loadSpecFile(c);
    expect(spec?.value).toBeDefined();
    const m = loadManifest(c) as { doc: any; value: Manifest };
    const result = inlineSpec({ doc: m.doc, spec: { path: c.specPath!, value: spec!.value } });
    const out = parseYaml<Manifest>(result.text, 'out').value.spec as Record<string, unknown>;
    expect(out.connection_specification).toEqual((spec!.value as any).connectionSpecification);
  });
});
