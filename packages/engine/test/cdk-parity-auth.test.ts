/**
 * OAuth token lifetimes and refresh requests as the CDK makes them (airbyte_cdk/sources/declarative/auth/oauth.py,
 * sources/streams/http/requests_native_auth/abstract_oauth.py and oauth.py), against a token endpoint on 127.0.0.1.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCommand } from '../src/source';

const log: { url: string; body: string; headers: http.IncomingHttpHeaders }[] = [];
let server: http.Server;
let base = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      log.push({ url: req.url!, body, headers: req.headers });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(req.url === '/token' ? '{"access_token": "fresh", "expires_in": 3600, "refresh_token": "rt-2"}' : '{"data": [{"id": 1}]}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server.close());

async function read(auth: string, config: Record<string, unknown>, requesterExtra = '') {
  const manifest = parseYaml(`version: 6.0.0
type: DeclarativeSource
check: {type: CheckStream, stream_names: [s]}
spec: {type: Spec, connection_specification: {type: object, properties: {}}}
streams:
  - type: DeclarativeStream
    name: s
    schema_loader: {type: InlineSchemaLoader, schema: {type: object}}
    retriever:
      type: SimpleRetriever
      record_selector: {type: RecordSelector, extractor: {type: DpathExtractor, field_path: [data]}}
      requester:
        type: HttpRequester
        url_base: ${base}
        path: /items
        authenticator: ${auth.replace(/BASE/g, base)}
${requesterExtra}`);
  log.length = 0;
  const messages: any[] = [];
  const code = await runCommand({ command: 'read', manifest, config, catalog: { streams: [{ stream: { name: 's' }, sync_mode: 'full_refresh' }] }, sleepScale: 0.001 }, (m) => messages.push(m));
  return { code, messages };
}

describe('OAuthAuthenticator lifetimes and refresh requests', () => {
  it('refreshes a configured access_token_value at once unless token_expiry_date is still ahead', async () => {
    const auth = (expiry: string) => `{type: OAuthAuthenticator, token_refresh_endpoint: BASE/token, client_id: c, client_secret: s, refresh_token: r, access_token_value: "{{ config.tok }}"${expiry}}`;
    await read(auth(''), { tok: 'given' });
    expect(log.map((l) => l.url)).toEqual(['/token', '/items']);
    expect(log[1].headers.authorization).toBe('Bearer fresh');
    await read(auth(', token_expiry_date: "{{ config.exp }}"'), { tok: 'given', exp: '2999-01-01T00:00:00Z' });
    expect(log.map((l) => l.url)).toEqual(['/items']);
    expect(log[0].headers.authorization).toBe('Bearer given');
  });

  it('posts a form body even when refresh_request_headers claim JSON, and sends a declared refresh_token with client_credentials', async () => {
    await read(`{type: OAuthAuthenticator, grant_type: client_credentials, token_refresh_endpoint: BASE/token, client_id: c, client_secret: s, refresh_token: r, refresh_request_headers: {Content-Type: application/json}}`, {});
    expect(log[0]).toMatchObject({ url: '/token', body: 'grant_type=client_credentials&client_id=c&client_secret=s&refresh_token=r' });
    expect(log[0].headers['content-type']).toBe('application/json');
  });

  it('with refresh_token_updater reads tokens and expiry from the config paths and prefers credentials.client_id', async () => {
    const auth = `{type: OAuthAuthenticator, token_refresh_endpoint: BASE/token, client_id: manifest-id, client_secret: s, refresh_token: "{{ config.credentials.refresh_token }}", refresh_token_updater: {refresh_token_name: rtok}}`;
    await read(auth, { credentials: { client_id: 'config-id', refresh_token: 'rt-1' } });
    expect(log.map((l) => l.url)).toEqual(['/token', '/items']);
    expect(log[0].body).toBe('grant_type=refresh_token&client_id=config-id&client_secret=s&rtok=rt-1');
    await read(auth, { credentials: { client_id: 'config-id', refresh_token: 'rt-1', access_token: 'stored', token_expiry_date: '2999-01-01T00:00:00+00:00' } });
    expect(log.map((l) => l.url)).toEqual(['/items']);
    expect(log[0].headers.authorization).toBe('Bearer stored');
  });
});

describe('HttpRequester.request_body (requesters/http_requester.py _resolve_request_body)', () => {
  const noAuth = '{type: NoAuth}';
  it('a url-encoded form becomes request_body_data, a JSON object and a GraphQL query become request_body_json', async () => {
    await read(noAuth, { q: 'a b' }, `        http_method: POST\n        request_body: {type: RequestBodyUrlEncodedForm, value: {q: "{{ config.q }}"}}`);
    expect(log[0]).toMatchObject({ url: '/items', body: 'q=a+b' });
    expect(log[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
    await read(noAuth, {}, `        http_method: POST\n        request_body: {type: RequestBodyJsonObject, value: {n: "{{ 2 }}", s: {t: x}}}`);
    expect(log[0].body).toBe('{"n": 2, "s": {"t": "x"}}');
    await read(noAuth, {}, `        http_method: POST\n        request_body: {type: RequestBodyGraphQL, value: {query: "{ items { id } }"}}`);
    expect(log[0].body).toBe('{"query": "{ items { id } }"}');
  });
});

describe('token providers (declarative/auth/token_provider.py InterpolatedStringTokenProvider: str(eval))', () => {
  it('a credential template that renders None is sent as the text None', async () => {
    await read(`{type: BasicHttpAuthenticator, username: u, password: "{{ config.get('pw') }}"}`, {});
    expect(log[0].headers.authorization).toBe(`Basic ${Buffer.from('u:None').toString('base64')}`);
  });
});
