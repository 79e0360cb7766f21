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
    // The spec lists nothing as required, and the Builder's username input is required (useLockedInputs.ts).
    expect(found.map((f) => f.message)).toEqual([
      expect.stringMatching(/username reads config\['port'\], which the spec does not list as required/),
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
  // The converter binds client_id, client_secret and refresh_token to required secret inputs, and (legacy OAuth) the
  // updater's access token and expiry date to inputs too, each through a one-element config path.
  const spec = `spec:\n  type: Spec\n  connection_specification:\n    required: [client_id, client_secret, refresh_token]\n    properties:\n      client_id: { type: string, airbyte_secret: true }\n      client_secret: { type: string, airbyte_secret: true }\n      refresh_token: { type: string, airbyte_secret: true }\n      access_token: { type: string, airbyte_secret: true }\n      expires_at: { type: string }\n`;
  const auth = (updater: string) => `        authenticator:
          type: OAuthAuthenticator
          client_id: "{{ config['client_id'] }}"
          client_secret: "{{ config['client_secret'] }}"
          refresh_token: "{{ config['refresh_token'] }}"
          token_refresh_endpoint: https://x.io/token
${updater}`;
  const paths = (refresh: string) => `          refresh_token_updater: { refresh_token_config_path: ${refresh}, access_token_config_path: [access_token], token_expiry_date_config_path: [expires_at] }\n`;

  it('needs the refresh token updater to write the input refresh_token reads', () => {
    expect(matrix(manifest(stream('a', req('https://x.io', auth(paths('[refresh_token]')))), spec))).toEqual([]);
    expect(matrix(manifest(stream('a', req('https://x.io', auth(paths('[credentials, refresh_token]')))), spec)).map((f) => f.message)).toEqual([
      expect.stringMatching(/refresh_token_updater writes the new token to \["credentials","refresh_token"\] but refresh_token reads config\['refresh_token'\]/),
    ]);
  });

  it('needs every updater path written out, since the CDK defaults point into credentials', () => {
    const found = matrix(manifest(stream('a', req('https://x.io', auth('          refresh_token_updater: { refresh_token_name: rt }\n'))), spec));
    expect(found.map((f) => f.path.slice(-1)[0])).toEqual(['refresh_token_config_path', 'access_token_config_path', 'token_expiry_date_config_path']);
    expect(found.every((f) => f.scope === 'component')).toBe(true);
  });

  it('in a declarative OAuth flow (spec advanced_auth), needs extract_output and no refresh token', () => {
    const flow = (extract: string) => `  advanced_auth:\n    auth_flow_type: oauth2.0\n    oauth_config_specification:\n      oauth_connector_input_specification: { consent_url: "https://x.io/auth", access_token_url: "https://x.io/token"${extract} }\n`;
    const noRefresh = auth('').replace(`          refresh_token: "{{ config['refresh_token'] }}"\n`, '');
    expect(matrix(manifest(stream('a', req('https://x.io', noRefresh)), spec + flow(', extract_output: [access_token]')))).toEqual([]);
    expect(matrix(manifest(stream('a', req('https://x.io', noRefresh)), spec + flow(''))).map((f) => f.message)).toEqual([expect.stringMatching(/no extract_output/)]);
  });

  it('needs a required secret client_id, and a refresh token in the refresh-token flow only', () => {
    const loose = spec.replace('client_id: { type: string, airbyte_secret: true }', 'client_id: { type: string }').replace('required: [client_id, client_secret, refresh_token]', 'required: [client_secret, refresh_token]');
    expect(matrix(manifest(stream('a', req('https://x.io', auth(''))), loose)).map((f) => f.message)).toEqual([
      expect.stringMatching(/client_id reads config\['client_id'\], which the spec does not list as required/),
      expect.stringMatching(/client_id reads config\['client_id'\], whose spec property is not marked airbyte_secret/),
    ]);
    const noRefresh = auth('').replace(`          refresh_token: "{{ config['refresh_token'] }}"\n`, '');
    expect(matrix(manifest(stream('a', req('https://x.io', noRefresh)), spec)).map((f) => f.message)).toEqual([expect.stringMatching(/refresh_token is not set/)]);
    expect(matrix(manifest(stream('a', req('https://x.io', noRefresh + '          grant_type: client_credentials\n')), spec))).toEqual([]);
  });
});

// Rules read in airbyte-platform's convertManifestToBuilderForm.ts (dynamic-streams version): what the converter
// throws for the whole manifest (scope `manifest`) and what it keeps as a YAML block in the UI (scope `component`).
describe('the converter, rule by rule', () => {
  const sel = '{ type: RecordSelector, extractor: { type: DpathExtractor, field_path: [] } }';
  const rules = (text: string) => matrix(text).map((f) => `${f.scope}:${f.rule}`);

  it('compares authenticators on the ApiKey/Basic/Bearer/OAuth keys only, so two session logins do not differ', () => {
    const session = (path: string) => `        authenticator: { type: SessionTokenAuthenticator, session_token_path: [${path}], request_authentication: { type: Bearer }, login_requester: { type: HttpRequester, url_base: "https://x.io", path: /login } }\n`;
    expect(rules(manifest(stream('a', req('https://x.io', session('token'))) + stream('b', req('https://x.io', session('session')))))).toEqual([]);
    const bearer = (key: string) => `        authenticator: { type: BearerAuthenticator, api_token: "{{ config['${key}'] }}" }\n`;
    expect(rules(manifest(stream('a', req('https://x.io', bearer('k'))) + stream('b', req('https://x.io', bearer('j')))))).toContain('manifest:authenticator-mismatch');
  });

  it('converts only the first stream\'s authenticator; a ConditionalStreams entry cannot convert at all', () => {
    const spec = `spec:\n  type: Spec\n  connection_specification:\n    required: [k]\n    properties:\n      k: { type: string, airbyte_secret: true }\n`;
    const bearer = (extra: string) => `        authenticator: { type: BearerAuthenticator, api_token: "{{ config['k'] }}"${extra} }\n`;
    expect(rules(manifest(stream('a', req('https://x.io', bearer(''))) + stream('b', req('https://x.io', bearer(', note: x'))), spec))).toEqual([]);
    expect(rules(manifest(stream('a', req('https://x.io', bearer(', note: x'))) + stream('b', req('https://x.io', bearer(''))), spec))).toEqual(['component:authenticator']);
    expect(rules(manifest(stream('a', req('https://x.io')) + '\n  - { type: ConditionalStreams, condition: "{{ true }}", streams: [] }\n'))).toEqual(['manifest:stream-type']);
  });

  it('takes the first SimpleRetriever stream as the reference and does not compare AsyncRetriever streams', () => {
    const asyncStream = `
  - type: DeclarativeStream
    name: report
    retriever:
      type: AsyncRetriever
      record_selector: ${sel}
      status_mapping: { completed: [done], failed: [err], running: [run], timeout: [late] }
      creation_requester: { type: HttpRequester, url_base: "https://reports.io", path: /c, http_method: PUT }
      polling_requester: { type: HttpRequester, url_base: "https://reports.io", path: /p }
      download_requester: { type: HttpRequester, url_base: "https://reports.io", path: /d }
      status_extractor: { type: DpathExtractor, field_path: [status] }
      download_target_extractor: { type: DpathExtractor, field_path: [url] }
`;
    expect(rules(manifest(asyncStream + stream('a', req('https://x.io')) + stream('b', req('https://x.io'))))).toEqual([]);
  });

  it('rejects any list as the first primary key element, even a one-field composite key', () => {
    expect(rules(manifest(stream('a', req('https://x.io'), '    primary_key: [["id"]]\n')))).toEqual(['manifest:primary-key']);
    expect(rules(manifest(stream('a', req('https://x.io'), '    primary_key: [id, created]\n')))).toEqual([]);
  });

  it('needs a parent stream equal to one of the streams once resolved, or the whole manifest stays YAML', () => {
    const text = (override: string) => `version: 6.0.0
check: { type: CheckStream, stream_names: [p] }
definitions:
  streams:
    p: { type: DeclarativeStream, name: p, retriever: { type: SimpleRetriever, requester: { type: HttpRequester, url_base: "https://x.io", path: /p }, record_selector: ${sel} } }
streams:
  - $ref: "#/definitions/streams/p"
  - type: DeclarativeStream
    name: c
    retriever:
      type: SimpleRetriever
      requester: { type: HttpRequester, url_base: "https://x.io", path: /c }
      record_selector: ${sel}
      partition_router:
        type: SubstreamPartitionRouter
        parent_stream_configs:
          - { type: ParentStreamConfig, parent_key: id, partition_field: pid, stream: { $ref: "#/definitions/streams/p"${override} } }
`;
    expect(rules(text(''))).toEqual([]);
    expect(rules(text(', primary_key: id'))).toEqual(['manifest:parent-stream']);
  });

  it('throws for a custom decoder or schema loader, and for custom async extractors', () => {
    const found = matrix(manifest(stream('a', req('https://x.io'), '      decoder: { type: CustomDecoder, class_name: a.B }\n    schema_loader: { type: CustomSchemaLoader, class_name: a.C }\n')));
    expect(found.map((f) => `${f.scope}:${f.rule}`)).toEqual(['manifest:custom-component', 'manifest:custom-component']);
  });

  it('checks request_parameters on every requester of an AsyncRetriever', () => {
    const asyncStream = (extractor: string) => `
  - type: DeclarativeStream
    name: report
    retriever:
      type: AsyncRetriever
      record_selector: ${sel}
      status_mapping: { completed: [done], failed: [err], running: [run], timeout: [late] }
      creation_requester: { type: HttpRequester, url_base: "https://x.io", path: /c }
      polling_requester: { type: HttpRequester, url_base: "https://x.io", path: /p, request_parameters: { n: 5 } }
      download_requester: { type: HttpRequester, url_base: "https://x.io", path: /d }
      status_extractor: { type: DpathExtractor, field_path: [status] }
      download_target_extractor: { type: DpathExtractor, field_path: [url] }
${extractor}`;
    expect(rules(manifest(asyncStream('')))).toEqual(['manifest:request-parameters']);
    expect(rules(manifest(asyncStream('      download_extractor: { type: ResponseToFileExtractor }\n')))).toContain('manifest:async-retriever');
  });

  it('keeps a component with a field its form lacks as YAML, but not for fields copied from $parameters', () => {
    const pager = (extra: string) => `      paginator: { type: DefaultPaginator, pagination_strategy: { type: CursorPagination, cursor_value: "{{ response.next }}"${extra} } }\n`;
    expect(rules(manifest(stream('a', req('https://x.io'), pager(', extractorPath: rows'))))).toEqual(['component:unsupported-field']);
    expect(rules(manifest(stream('a', req('https://x.io'), pager('') + '    $parameters: { name: a, path: /x }\n')))).toEqual([]);
  });

  it('drops transformations other than AddFields/RemoveFields on import (a loss, not YAML)', () => {
    const found = matrix(manifest(stream('a', req('https://x.io'), '    transformations: [{ type: KeysToSnakeCase }]\n')));
    expect(found.map((f) => [f.impact, f.rule])).toEqual([['loss', 'transformation']]);
  });

  it('converts a dynamic stream template like a stream: its url_base must match the first stream', () => {
    const dyn = (url: string) => `dynamic_streams:
  - type: DynamicDeclarativeStream
    name: tables
    stream_template: { type: DeclarativeStream, name: t, retriever: { type: SimpleRetriever, requester: { type: HttpRequester, url_base: "${url}", path: /t }, record_selector: ${sel} } }
    components_resolver:
      type: HttpComponentsResolver
      retriever: { type: SimpleRetriever, requester: { type: HttpRequester, url_base: "https://x.io", path: /list }, record_selector: ${sel} }
      components_mapping: [{ type: ComponentMappingDefinition, field_path: [name], value: "{{ components_values.name }}" }]
`;
    expect(rules(manifest(stream('a', req('https://x.io')), dyn('https://x.io')))).toEqual([]);
    expect(rules(manifest(stream('a', req('https://x.io')), dyn('https://y.io')))).toEqual(['manifest:url-base']);
  });

  it('needs a Basic password bound to an input: without one the authenticator stays YAML', () => {
    const spec = `spec:\n  type: Spec\n  connection_specification:\n    required: [user]\n    properties:\n      user: { type: string }\n`;
    const found = matrix(manifest(stream('a', req('https://x.io', `        authenticator: { type: BasicHttpAuthenticator, username: "{{ config.user }}" }\n`)), spec));
    expect(found.map((f) => `${f.scope}:${f.message}`)).toEqual([expect.stringMatching(/^component:BasicHttpAuthenticator\.password is not set/)]);
  });
});
