/**
 * Component behaviours beyond the golden cases, each against a small API on 127.0.0.1: OAuth
 * client_credentials, retry exhaustion, Retry-After backoff, JSONL, key transformations, RemoveFields
 * wildcards, client-side incremental filtering, form bodies and schema normalization.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCommand } from '../src/source';

type Route = (req: http.IncomingMessage, body: string) => { status?: number; body: string; headers?: Record<string, string> };
const routes = new Map<string, Route>();
const log: { method: string; url: string; body: string; headers: http.IncomingHttpHeaders }[] = [];
let server: http.Server;
let base = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      log.push({ method: req.method!, url: req.url!, body, headers: req.headers });
      const route = routes.get(req.url!.split('?')[0]);
      const out = route ? route(req, body) : { status: 404, body: '{"message": "no route"}' };
      res.writeHead(out.status ?? 200, { 'Content-Type': 'application/json', ...(out.headers ?? {}) });
      res.end(out.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server.close());

function stream(name: string, retriever: string, extra = ''): string {
  return `
  - type: DeclarativeStream
    name: ${name}
    schema_loader: {type: InlineSchemaLoader, schema: {type: object, properties: {id: {type: integer}, flag: {type: boolean}, price: {type: number}}}}
${extra}
    retriever:
${retriever}`;
}

async function read(streamsYaml: string, config: Record<string, unknown> = {}, state?: unknown, syncMode = 'full_refresh') {
  const manifest = parseYaml(`version: 6.0.0\ntype: DeclarativeSource\ncheck: {type: CheckStream, stream_names: [s]}\nstreams:${streamsYaml}\nspec: {type: Spec, connection_specification: {type: object, properties: {}}}`);
  const messages: any[] = [];
  log.length = 0;
  const code = await runCommand({ command: 'read', manifest, config, state, catalog: { streams: [{ stream: { name: 's' }, sync_mode: syncMode }] }, sleepScale: 0.001 }, (m) => messages.push(JSON.parse(JSON.stringify(m))));
  return {
    code,
    records: messages.filter((m) => m.type === 'RECORD').map((m) => m.record.data),
    states: messages.filter((m) => m.type === 'STATE').map((m) => m.state.stream.stream_state),
    errors: messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR').map((m) => m.trace.error),
    logs: messages.filter((m) => m.type === 'LOG').map((m) => m.log.message),
  };
}

const simple = (path: string, more = '', selector = 'field_path: [data]', retrieverExtra = '', selectorExtra = '') => `
      type: SimpleRetriever
${retrieverExtra}
      requester:
        type: HttpRequester
        url_base: BASE
        path: ${path}
${more}
      record_selector: {type: RecordSelector, extractor: {type: DpathExtractor, ${selector}}${selectorExtra}}`;

const withBase = (s: string): string => s.replace(/BASE/g, base);

describe('engine components', () => {
  it('OAuth client_credentials posts the grant as a form and sends the bearer token', async () => {
    routes.set('/token', () => ({ body: JSON.stringify({ access_token: 'tok-9', expires_in: 3600 }) }));
    routes.set('/a', () => ({ body: '{"data": [{"id": 1}]}' }));
    const r = await read(withBase(stream('s', simple('/a', `        authenticator: {type: OAuthAuthenticator, grant_type: client_credentials, token_refresh_endpoint: BASE/token, client_id: "{{ config.id }}", client_secret: "{{ config.secret }}", scopes: [read, write]}`))), { id: 'c i', secret: 's/1' });
    expect(r.records).toEqual([{ id: 1 }]);
    expect(log[0]).toMatchObject({ method: 'POST', url: '/token', body: 'grant_type=client_credentials&client_id=c+i&client_secret=s%2F1&scopes=read&scopes=write' });
    expect(log[1].headers.authorization).toBe('Bearer tok-9');
  });

  it('retries with backoff + 1 s and reports exhausted attempts as the CDK does', async () => {
    routes.set('/flaky', () => ({ status: 503, body: '{"error": "down"}', headers: { 'Retry-After': '2' } }));
    const r = await read(withBase(stream('s', simple('/flaky', `        error_handler: {type: DefaultErrorHandler, max_retries: 2, backoff_strategies: [{type: WaitTimeFromHeader, header: Retry-After}]}`))));
    expect(log).toHaveLength(3);
    expect(r.logs.filter((l) => l.startsWith('Retrying'))).toEqual(['Retrying. Sleeping for 3 seconds', 'Retrying. Sleeping for 3 seconds']);
    expect(r.code).toBe(1);
    expect(r.errors[0]).toMatchObject({
      message: 'Exhausted available request attempts. Please see logs for more details. Exception: HTTP Status Code: 503. Error: Service unavailable.',
      failure_type: 'transient_error',
    });
  });

  it('decodes JSONL, renames keys and removes wildcard fields', async () => {
    routes.set('/lines', () => ({ body: '{"Id": 1, "FirstName": "a", "meta": {"x": 1, "y": 2}}\n{"Id": 2, "FirstName": "b", "meta": {"x": 3}}\n' }));
    const r = await read(withBase(stream('s', simple('/lines', '', 'field_path: []', '      decoder: {type: JsonlDecoder}'), `    transformations:\n      - {type: KeysToSnakeCase}\n      - {type: RemoveFields, field_pointers: [[meta, "*"]]}`)));
    expect(r.records).toEqual([{ id: 1, first_name: 'a', meta: {} }, { id: 2, first_name: 'b', meta: {} }]);
  });

  it('filters records client-side by the cursor window and the prior state', async () => {
    routes.set('/ev', () => ({ body: JSON.stringify({ data: [{ id: 1, t: '2024-01-01' }, { id: 2, t: '2024-01-03' }, { id: 3, t: '2024-01-05' }, { id: 4, t: '2024-01-09' }] }) }));
    const cursor = `    incremental_sync: {type: DatetimeBasedCursor, cursor_field: t, datetime_format: "%Y-%m-%d", start_datetime: "2024-01-02", end_datetime: "2024-01-06", is_client_side_incremental: true}`;
    const full = await read(withBase(stream('s', simple('/ev'), cursor)), {}, undefined, 'incremental');
    expect(full.records.map((x) => x.id)).toEqual([2, 3]);
    expect(full.states.at(-1)).toEqual({ t: '2024-01-05' });
    const incr = await read(withBase(stream('s', simple('/ev'), cursor)), {}, [{ type: 'STREAM', stream: { stream_descriptor: { name: 's' }, stream_state: { t: '2024-01-04' } } }], 'incremental');
    expect(incr.records.map((x) => x.id)).toEqual([3]);
  });

  it('sends request_body_data as a form and normalizes records to the schema', async () => {
    routes.set('/form', () => ({ body: '{"data": [{"id": "7", "flag": "true", "price": "2.5"}]}' }));
    const r = await read(withBase(stream('s', simple('/form', `        http_method: POST\n        request_body_data: {q: "a b", n: "{{ 3 }}"}`, 'field_path: [data]', '', ', schema_normalization: Default'))));
    expect(log[0]).toMatchObject({ method: 'POST', body: 'q=a+b&n=3' });
    expect(log[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(r.records).toEqual([{ id: 7, flag: true, price: 2.5 }]);
  });

  it('rejects stream_state in templates as a config error', async () => {
    routes.set('/st', () => ({ body: '{"data": [{"id": 1}]}' }));
    const r = await read(withBase(stream('s', simple('/st', `        request_parameters: {since: "{{ stream_state.get('t') }}"}`))));
    expect(r.code).toBe(1);
    expect(r.errors[0].failure_type).toBe('config_error');
    expect(r.errors[0].message).toMatch(/^`stream_state` is no longer supported for interpolation/);
  });
  it('logs in twice per request with a header session token that never expires, once when it goes into the query', async () => {
    routes.set('/login', () => ({ body: '{"token": "sess-1"}' }));
    routes.set('/t', () => ({ body: '{"data": [{"id": 1}]}' }));
    const auth = (where: string) => `        authenticator:
          type: SessionTokenAuthenticator
          login_requester: {type: HttpRequester, url_base: BASE, path: /login, http_method: POST}
          session_token_path: [token]
          request_authentication: {type: ApiKey, inject_into: {type: RequestOption, inject_into: ${where}, field_name: X-Token}}`;
    await read(withBase(stream('s', simple('/t', auth('header')))));
    expect(log.map((l) => l.url)).toEqual(['/login', '/login', '/t']);
    expect(log[2].headers['x-token']).toBe('sess-1');
    await read(withBase(stream('s', simple('/t', auth('request_parameter')))));
    expect(log.map((l) => l.url)).toEqual(['/login', '/t?X-Token=sess-1']);
  });
  it('keeps one cursor per partition under a partition router and resumes each from its own state', async () => {
    routes.set('/pp', (req) => {
      const q = new URL(req.url!, 'http://x').searchParams;
      const team = q.get('team');
      const all = [{ id: 1, team: 'a', t: '2024-01-02' }, { id: 2, team: 'a', t: '2024-01-03' }, { id: 3, team: 'b', t: '2024-01-02' }];
      return { body: JSON.stringify({ data: all.filter((r) => r.team === team && r.t >= q.get('since')! && r.t <= q.get('until')!) }) };
    });
    const retriever = simple('/pp', '', 'field_path: [data]', '      partition_router: {type: ListPartitionRouter, cursor_field: team, values: [a, b], request_option: {type: RequestOption, inject_into: request_parameter, field_name: team}}');
    const cursor = `    incremental_sync: {type: DatetimeBasedCursor, cursor_field: t, datetime_format: "%Y-%m-%d", start_datetime: "2024-01-01", end_datetime: "2024-01-04", start_time_option: {type: RequestOption, inject_into: request_parameter, field_name: since}, end_time_option: {type: RequestOption, inject_into: request_parameter, field_name: until}}`;
    const first = await read(withBase(stream('s', retriever, cursor)), {}, undefined, 'incremental');
    expect(first.records.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(log.map((l) => l.url)).toEqual(['/pp?team=a&since=2024-01-01&until=2024-01-04', '/pp?team=b&since=2024-01-01&until=2024-01-04']);
    const final = first.states.at(-1)!;
    expect(final).toMatchObject({
      use_global_cursor: false,
      states: [{ partition: { team: 'a' }, cursor: { t: '2024-01-03' } }, { partition: { team: 'b' }, cursor: { t: '2024-01-02' } }],
      state: { t: '2024-01-03' },
    });
    const again = await read(withBase(stream('s', retriever, cursor)), {}, [{ type: 'STREAM', stream: { stream_descriptor: { name: 's' }, stream_state: final } }], 'incremental');
    expect(log.map((l) => l.url)).toEqual(['/pp?team=a&since=2024-01-03&until=2024-01-04', '/pp?team=b&since=2024-01-02&until=2024-01-04']);
    expect(again.records.map((r) => r.id)).toEqual([2, 3]);

    const legacy = [{ type: 'STREAM', stream: { stream_descriptor: { name: 's' }, stream_state: { a: { t: '2024-01-03' } } } }];
    const migrated = await read(withBase(stream('s', retriever, `${cursor}\n    state_migrations: [{type: LegacyToPerPartitionStateMigration}]`)), {}, legacy, 'incremental');
    expect(log.map((l) => l.url)).toEqual(['/pp?team=a&since=2024-01-03&until=2024-01-04', '/pp?team=b&since=2024-01-01&until=2024-01-04']);
    expect(migrated.records.map((r) => r.id)).toEqual([2, 3]);
  });
  it('scrubs tokens obtained during a recorded run, and replays the recording with dummy secrets', async () => {
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const dir = mkdtempSync(`${os.tmpdir()}/engine-rec-`);
    const file = `${dir}/c.jsonl`;
    routes.set('/token', () => ({ body: JSON.stringify({ access_token: 'at-live-777', expires_in: 3600 }) }));
    routes.set('/a', () => ({ body: '{"data": [{"id": 1}]}' }));
    const yaml = withBase(stream('s', simple('/a', `        authenticator: {type: OAuthAuthenticator, token_refresh_endpoint: BASE/token, client_id: "{{ config.id }}", client_secret: "{{ config.secret }}", refresh_token: "{{ config.rt }}"}`)));
    const manifest = parseYaml(`version: 6.0.0\ncheck: {type: CheckStream, stream_names: [s]}\nstreams:${yaml}\nspec: {type: Spec, connection_specification: {type: object, properties: {secret: {type: string, airbyte_secret: true}, rt: {type: string, airbyte_secret: true}}}}`);
    const catalog = { streams: [{ stream: { name: 's' }, sync_mode: 'full_refresh' }] };
    await runCommand({ command: 'read', manifest, config: { id: 'cid', secret: 'sec-live', rt: 'rt-live' }, catalog, record: file }, () => undefined);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/at-live-777|sec-live|rt-live/);
    expect(text.split('\n').filter(Boolean)).toHaveLength(2);
    const records: unknown[] = [];
    const code = await runCommand({ command: 'read', manifest, config: { id: 'cid', secret: 'dummy-1', rt: 'dummy-2' }, catalog, cassette: file }, (m: any) => m.type === 'RECORD' && records.push(m.record.data));
    expect(code).toBe(0);
    expect(records).toEqual([{ id: 1 }]);
    rmSync(dir, { recursive: true, force: true });
  });
  it('follows redirects like requests', async () => {
    routes.set('/old', () => ({ status: 301, body: '', headers: { Location: '/new?x=1' } }));
    routes.set('/new', () => ({ body: '{"data": [{"id": 9}]}' }));
    const r = await read(withBase(stream('s', simple('/old'))));
    expect(log.map((l) => l.url)).toEqual(['/old', '/new?x=1']);
    expect(r.records).toEqual([{ id: 9 }]);
  });
  it('keeps Python floats from response bodies: 5.0 renders as "5.0"', async () => {
    routes.set('/f', () => ({ body: '{"data": [{"id": 1, "price": 5.0, "big": 1e3, "n": 7}]}' }));
    const r = await read(withBase(stream('s', simple('/f'), `    transformations:\n      - type: AddFields\n        fields:\n          - {path: [label], value: "{{ record['price'] }}/{{ record['big'] }}/{{ record['n'] }}"}\n          - {path: [price_str], value: "{{ record['price'] }}", value_type: string}`)));
    expect(r.records).toEqual([{ id: 1, price: 5, big: 1000, n: 7, label: '5.0/1000.0/7', price_str: '5.0' }]);
  });
  it('signs a JWT per request like PyJWT (sorted compact header, HS256)', async () => {
    const { createHmac } = await import('node:crypto');
    routes.set('/j', () => ({ body: '{"data": [{"id": 1}]}' }));
    await read(withBase(stream('s', simple('/j', `        authenticator: {type: JwtAuthenticator, secret_key: "{{ config.key }}", algorithm: HS256, token_duration: 60, header_prefix: Bearer, jwt_headers: {kid: k1}, jwt_payload: {iss: "{{ config.iss }}"}}`))), { key: 'sekret', iss: 'me' });
    const [prefix, token] = String(log[0].headers.authorization).split(' ');
    expect(prefix).toBe('Bearer');
    const [h, p, sig] = token.split('.');
    const decode = (x: string) => JSON.parse(Buffer.from(x, 'base64url').toString('utf8'));
    expect(Buffer.from(h, 'base64url').toString('utf8')).toBe('{"alg":"HS256","kid":"k1","typ":"JWT"}');
    const payload = decode(p);
    expect(payload).toMatchObject({ iss: 'me' });
    expect(payload.exp - payload.iat).toBe(60);
    expect(sig).toBe(createHmac('sha256', 'sekret').update(`${h}.${p}`).digest('base64url'));
  });
});
