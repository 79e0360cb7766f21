import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkBuilderMatrix, preprocessManifest, readPythonClasses, suggestReplacement, type ManifestPath } from '../src/index';

const REPO = join(__dirname, '../../..');

function matrix(yamlText: string, pythonClasses?: ReturnType<typeof readPythonClasses>) {
  const source = parse(yamlText);
  const origins = new WeakMap<object, ManifestPath>();
  return checkBuilderMatrix(preprocessManifest(source, origins), origins, { source, pythonClasses });
}

const stream = (name: string, requester: string, extra = '') => `
  - type: DeclarativeStream
    name: ${name}
    retriever:
      type: SimpleRetriever
      requester:
${requester}
      record_selector: { type: RecordSelector, extractor: { type: DpathExtractor, field_path: [] } }
${extra}`;
const req = (url: string, more = '') => `        type: HttpRequester\n        url_base: ${url}\n        path: /x\n${more}`;
const manifest = (streams: string, top = '') => `version: 6.0.0\ncheck: { type: CheckStream, stream_names: [a] }\nstreams:${streams}\n${top}`;

describe('checkBuilderMatrix', () => {
  it('finds nothing in a plain GET stream', () => {
    expect(matrix(manifest(stream('a', req('https://x.io'))))).toEqual([]);
  });

  it('blocks whole-manifest problems: url_base, http_method, request_parameters, primary key, schema loader', () => {
    const found = matrix(
      manifest(
        stream('a', req('https://x.io', '        http_method: PUT\n        request_parameters: { ids: [1, 2] }\n'), '    primary_key: [["a", "b"]]\n    schema_loader: { type: JsonFileSchemaLoader, file_path: ./a.json }\n') +
          stream('b', req('https://y.io')),
      ),
    );
    expect(found.map((f) => f.rule).sort()).toEqual(['http-method', 'primary-key', 'request-parameters', 'schema-loader', 'url-base']);
    expect(found.every((f) => f.impact === 'yaml-only')).toBe(true);
    expect(found.find((f) => f.rule === 'url-base')!.path).toEqual(['streams', 1, 'retriever', 'requester', 'url_base']);
  });

  it('accepts a parent stream that references one of the streams, and flags two parents', () => {
    const parentRef = `    retriever:\n      type: SimpleRetriever\n      requester: { type: HttpRequester, url_base: "https://x.io", path: /c }\n      record_selector: { type: RecordSelector, extractor: { type: DpathExtractor, field_path: [] } }\n      partition_router:\n        type: SubstreamPartitionRouter\n        parent_stream_configs:\n`;
    const cfg = `          - { type: ParentStreamConfig, parent_key: id, partition_field: pid, stream: { $ref: "#/definitions/parent" } }\n`;
    const text = (configs: string) => `version: 6.0.0
check: { type: CheckStream, stream_names: [p] }
definitions:
  parent: { type: DeclarativeStream, name: p, retriever: { type: SimpleRetriever, requester: { type: HttpRequester, url_base: "https://x.io", path: /p }, record_selector: { type: RecordSelector, extractor: { type: DpathExtractor, field_path: [] } } } }
streams:
  - $ref: "#/definitions/parent"
  - type: DeclarativeStream
    name: c
${parentRef}${configs}`;
    expect(matrix(text(cfg))).toEqual([]);
    expect(matrix(text(cfg + cfg)).map((f) => f.message)).toEqual([expect.stringMatching(/has 2 parent streams; the Builder UI supports exactly one/)]);
  });

  it('reports custom components with the CDK component that can replace them', () => {
    const found = matrix(
      manifest(stream('a', req('https://x.io', '        authenticator: { type: CustomAuthenticator, class_name: src.components.SessionLoginAuth }\n'), '      decoder: { type: CustomDecoder, class_name: src.components.XmlishDecoder }\n')),
    );
    expect(found.map((f) => [f.rule, f.replacement?.replaceWith])).toEqual([
      ['custom-component', ['SessionTokenAuthenticator']],
      ['custom-component', ['XmlDecoder']],
    ]);
    expect(found[0].message).toMatch(/AIRBYTE_ENABLE_UNSAFE_CODE/);
  });

  it('reads components.py to tell which paginator a CustomPaginationStrategy really is', () => {
    const dir = join(REPO, 'connectors/source-custom-pager/source_custom_pager');
    const classes = readPythonClasses(readFileSync(join(dir, 'components.py'), 'utf8'));
    const found = matrix(readFileSync(join(dir, 'manifest.yaml'), 'utf8'), classes);
    const pager = found.find((f) => f.rule === 'custom-component')!;
    expect(pager.replacement).toMatchObject({ replaceWith: ['CursorPagination'], confidence: 'code' });
    expect(pager.fix).toMatch(/reads the next page from the response/);
    expect(pager.fix).toContain(`cursor_value: "{{ response.get("meta", {}).get("next_page_url") }}"`);
  });

  it('is honest when nothing points to a replacement', () => {
    expect(suggestReplacement('CustomRetriever', 'x.EventsRetriever').replaceWith).toBeUndefined();
    expect(suggestReplacement('CustomTransformation', 'x.Thing').confidence).toBe('unknown');
    const sub = suggestReplacement('CustomPaginationStrategy', 'x.MyPages', readPythonClasses('class MyPages(PageIncrement):\n    pass\n'));
    expect(sub).toMatchObject({ replaceWith: ['PageIncrement'], confidence: 'subclass' });
  });

  it('flags unsupported authenticators and secrets the UI cannot bind to an input', () => {
    const spec = `spec:\n  type: Spec\n  connection_specification:\n    type: object\n    properties:\n      key: { type: string }\n      port: { type: integer }\n`;
    const found = matrix(
      manifest(
        stream('a', req('https://x.io', `        authenticator: { type: BasicHttpAuthenticator, username: "{{ config['port'] }}", password: "{{ config['missing'] }}" }\n`)),
        spec,
      ),
    );
    expect(found.map((f) => f.message)).toEqual([
      expect.stringMatching(/username reads config\['port'\], whose spec property has type "integer"/),
      expect.stringMatching(/password reads config\['missing'\], which is not a top-level property/),
    ]);
  });
});

describe('session token and async retrievers', () => {
  it('checks what the Builder UI supports inside a SessionTokenAuthenticator', () => {
    const auth = `        authenticator:
          type: SessionTokenAuthenticator
          login_requester: { type: HttpRequester, url_base: "https://x.io", path: /login, authenticator: { type: OAuthAuthenticator, client_id: a, client_secret: b, refresh_token: c, token_refresh_endpoint: "https://x.io/t" } }
          session_token_path: [token]
          request_authentication: { type: Bearer }
`;
    const found = matrix(manifest(stream('a', req('https://x.io', auth))));
    expect(found.map((f) => f.message)).toEqual([expect.stringMatching(/login request authenticates with a OAuthAuthenticator/)]);
  });
});

describe('OAuth', () => {
  it('needs the refresh token updater to write the input refresh_token reads', () => {
    const spec = `spec:\n  type: Spec\n  connection_specification:\n    properties:\n      client_id: { type: string }\n      client_secret: { type: string, airbyte_secret: true }\n      refresh_token: { type: string, airbyte_secret: true }\n`;
    const auth = (path: string) => `        authenticator:
          type: OAuthAuthenticator
          client_id: "{{ config['client_id'] }}"
          client_secret: "{{ config['client_secret'] }}"
          refresh_token: "{{ config['refresh_token'] }}"
          token_refresh_endpoint: https://x.io/token
          refresh_token_updater: { refresh_token_config_path: ${path} }
`;
    expect(matrix(manifest(stream('a', req('https://x.io', auth('[refresh_token]'))), spec))).toEqual([]);
    expect(matrix(manifest(stream('a', req('https://x.io', auth('[credentials, refresh_token]'))), spec)).map((f) => f.message)).toEqual([
      expect.stringMatching(/refresh_token_updater writes the new token to \["credentials","refresh_token"\] but refresh_token reads config\['refresh_token'\]/),
    ]);
  });
});
