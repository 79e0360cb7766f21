import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { preprocessManifest, type ManifestPath } from '../src/index';
import { ComponentSchema } from '../src/schema-validation';

const SCHEMA = join(__dirname, '../../../../shared/reference/declarative_component_schema.yaml');
const CORPUS = join(__dirname, '../../../../shared/corpus');

function validate(yamlText: string) {
  const origins = new WeakMap<object, ManifestPath>();
  const source = parse(yamlText);
  const manifest = preprocessManifest(source, origins);
  return ComponentSchema.load(SCHEMA).validate(manifest, origins, source);
}

const base = (requester: string, extra = '') => `
version: 6.0.0
check: { type: CheckStream, stream_names: [users] }
definitions:
  requester:
${requester}
streams:
  - type: DeclarativeStream
    name: users
    retriever:
      type: SimpleRetriever
      requester: { $ref: "#/definitions/requester" }
      record_selector: { type: RecordSelector, extractor: { type: DpathExtractor, field_path: [] } }
${extra}`;

const REQUESTER = `    type: HttpRequester
    url_base: https://api.example.com
    path: /users`;

describe('ComponentSchema.validate', () => {
  it('accepts a valid manifest', () => {
    expect(validate(base(REQUESTER))).toEqual([]);
  });

  it('reports a misspelled top-level key once, at the key', () => {
    const issues = validate(base(REQUESTER) + 'concurency_level: { type: ConcurrencyLevel, default_concurrency: 2 }\n');
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toEqual(['concurency_level']);
    expect(issues[0].component).toBe('DeclarativeSource');
    expect(issues[0].message).toMatch(/`concurency_level` is not a field of this component/);
  });

  it('locates a wrong value where it was written, inside the definition a stream references', () => {
    const issues = validate(base(`${REQUESTER}\n    use_cache: sometimes`));
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toEqual(['definitions', 'requester', 'use_cache']);
    expect(issues[0].instancePath).toEqual(['streams', 0, 'retriever', 'requester', 'use_cache']);
    expect(issues[0].message).toMatch(/`use_cache` must be a boolean, got the string "sometimes"/);
  });

  it('merges the alternatives of a wrong value into one sentence', () => {
    const issues = validate(base(`${REQUESTER}\n    http_method: FETCH`));
    expect(issues).toHaveLength(1);
    expect(issues[0].message).toMatch(/`http_method` must be .*"GET".*got the string "FETCH"/);
  });

  it('names a missing required field on the component', () => {
    const issues = validate(base(REQUESTER).replace('      record_selector: { type: RecordSelector, extractor: { type: DpathExtractor, field_path: [] } }\n', ''));
    expect(issues.map((i) => [i.component, i.message])).toEqual([['SimpleRetriever', 'the manifest is missing required field `record_selector`'.replace('the manifest', '`retriever`')]]);
  });

  it('says which component types fit where an unknown one was used', () => {
    const issues = validate(base(REQUESTER, '    incremental_sync: { type: CustomIncrementalSync, class_name: a.B }\n'));
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toEqual(['streams', 0, 'incremental_sync', 'type']);
    expect(issues[0].message).toMatch(/CustomIncrementalSync.*expected DatetimeBasedCursor or IncrementingCountCursor/);
  });

  it('reports a component that is valid on its own but not allowed at that place', () => {
    const issues = validate(base(`${REQUESTER}\n    authenticator: { type: NoPagination }`));
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toEqual(['definitions', 'requester', 'authenticator']);
    expect(issues[0].message).toMatch(/a NoPagination cannot be used here; expected .*ApiKeyAuthenticator/);
  });

  it('says which types fit when a component has no type at all, instead of every alternative\'s required fields', () => {
    const issues = validate(base(`${REQUESTER}\n    authenticator: { api_token: abc }`));
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toEqual(['definitions', 'requester', 'authenticator']);
    expect(issues[0].message).toMatch(/^`authenticator` has no `type`; expected one of ApiKeyAuthenticator, BasicHttpAuthenticator, .*NoAuth/);
  });

  it('lists fields a component does not know, where they are written, but not what $parameters pushed down', () => {
    const source = parse(base(`${REQUESTER}\n    http_methd: GET\n    $parameters: { extractor_path: data }`));
    const origins = new WeakMap<object, ManifestPath>();
    const manifest = preprocessManifest(source, origins);
    const unknown = ComponentSchema.load(SCHEMA).unknownFields(manifest, origins, source);
    expect(unknown.map((u) => [u.path, u.component, u.field])).toEqual([[['definitions', 'requester', 'http_methd'], 'HttpRequester', 'http_methd']]);
    expect(unknown[0].known).toContain('http_method');
  });

  it('finds nothing wrong in real connectors Airbyte shipped on a recent CDK', () => {
    for (const c of ['migrations/source-lemlist/after/manifest.yaml', 'migrations/source-timely/after/manifest.yaml']) {
      expect(validate(readFileSync(join(CORPUS, c), 'utf8'))).toEqual([]);
    }
  });
});
