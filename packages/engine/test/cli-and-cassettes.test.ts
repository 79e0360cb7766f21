/**
 * The CLI contract the cat stage relies on, record/replay with scrubbed secrets, and clear errors for
 * components outside the engine's scope.
 */
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli';
import { runCommand } from '../src/source';

const manifest = (port: number, extra = ''): string => `version: 6.0.0
type: DeclarativeSource
check: {type: CheckStream, stream_names: [items]}
definitions:
  auth: {type: ApiKeyAuthenticator, api_token: "{{ config['api_key'] }}", inject_into: {type: RequestOption, inject_into: header, field_name: X-API-Key}}
streams:
  - type: DeclarativeStream
    name: items
    primary_key: id
    schema_loader: {type: InlineSchemaLoader, schema: {type: object, properties: {}}}
    retriever:
      type: SimpleRetriever
      requester:
        type: HttpRequester
        url_base: http://127.0.0.1:${port}
        path: /items
        authenticator: {$ref: "#/definitions/auth"}
        request_parameters: {token: "{{ config['api_key'] }}"}
      record_selector:
        type: RecordSelector
        extractor: {type: ${extra || 'DpathExtractor'}, field_path: [data]}
spec:
  type: Spec
  connection_specification:
    type: object
    properties: {api_key: {type: string, airbyte_secret: true}, region: {type: string}}
`;

let server: http.Server;
let port = 0;
let dir = '';
const seen: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers['x-api-key']}`);
    const ok = req.headers['x-api-key'] === 'live-secret-123';
    res.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(ok ? { data: [{ id: 1, region: 'eu' }, { id: 2, region: null }] } : { message: 'bad key' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
  dir = mkdtempSync(path.join(os.tmpdir(), 'engine-cli-'));
  writeFileSync(path.join(dir, 'manifest.yaml'), manifest(port));
  writeFileSync(path.join(dir, 'bad.yaml'), manifest(port, 'CustomRecordExtractor'));
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ api_key: 'live-secret-123', region: 'eu' }));
  writeFileSync(path.join(dir, 'dummy.json'), JSON.stringify({ api_key: 'dummy-value', region: 'eu' }));
  writeFileSync(path.join(dir, 'catalog.json'), JSON.stringify({ streams: [{ stream: { name: 'items' }, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] }));
});
afterAll(async () => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number; messages: any[] }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => {
    out += String(chunk);
    return true;
  });
  try {
    const code = await main(args.map((a) => (a.startsWith('@') ? path.join(dir, a.slice(1)) : a)));
    return { code, messages: out.split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
  } finally {
    spy.mockRestore();
  }
}

describe('conveyor-manifest CLI', () => {
  it('reads records as one JSON message per line and exits 0', async () => {
    const { code, messages } = await cli('read', '--manifest-path', '@manifest.yaml', '--config', '@config.json', '--catalog', '@catalog.json');
    expect(code).toBe(0);
    const records = messages.filter((m) => m.type === 'RECORD').map((m) => m.record.data);
    expect(records).toEqual([{ id: 1, region: 'eu' }, { id: 2 }]);
    expect(messages.some((m) => m.type === 'STATE')).toBe(true);
  });

  it('rejects unknown commands and missing flags with a trace and exit 1', async () => {
    const bad = await cli('sync', '--manifest-path', '@manifest.yaml');
    expect(bad.code).toBe(1);
    expect(bad.messages[0].trace.error.message).toMatch(/unknown command "sync"/);
    const missing = await cli('read', '--manifest-path', '@manifest.yaml', '--config', '@config.json');
    expect(missing.messages[0].trace.error.message).toMatch(/read needs --catalog/);
  });

  it('records a cassette with secrets scrubbed and replays it offline with dummy credentials', async () => {
    const cassette = path.join(dir, 'cassette.jsonl');
    const live = await cli('read', '--manifest-path', '@manifest.yaml', '--config', '@config.json', '--catalog', '@catalog.json', '--record', cassette);
    expect(live.code).toBe(0);
    const text = readFileSync(cassette, 'utf8');
    expect(text).not.toContain('live-secret-123');
    const entry = JSON.parse(text.split('\n')[0]);
    expect(entry.phase).toBe('read');
    expect(entry.request.url).toBe(`http://127.0.0.1:${port}/items?token=**********`);
    expect(entry.request.headers['x-api-key']).toBe('**********');

    const before = seen.length;
    const replay = await cli('read', '--manifest-path', '@manifest.yaml', '--config', '@dummy.json', '--catalog', '@catalog.json', '--cassette', cassette);
    expect(seen.length).toBe(before);
    expect(replay.code).toBe(0);
    expect(replay.messages.filter((m) => m.type === 'RECORD').map((m) => m.record.data)).toEqual(live.messages.filter((m) => m.type === 'RECORD').map((m) => m.record.data));
  });

  it('fails a replayed request the cassette does not hold, naming it', async () => {
    const cassette = path.join(dir, 'empty.jsonl');
    writeFileSync(cassette, '');
    const { code, messages } = await cli('read', '--manifest-path', '@manifest.yaml', '--config', '@config.json', '--catalog', '@catalog.json', '--cassette', cassette);
    expect(code).toBe(1);
    const errors = messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
    expect(errors[0].trace.error.message).toContain(`holds no (further) answer for GET http://127.0.0.1:${port}/items?token=**********`);
  });

  it('reports a check failure as a FAILED connection status', async () => {
    const { code, messages } = await cli('check', '--manifest-path', '@manifest.yaml', '--config', '@dummy.json');
    expect(code).toBe(0);
    expect(messages.find((m) => m.type === 'CONNECTION_STATUS').connectionStatus).toEqual({
      status: 'FAILED',
      message: "'Stream items is not available: HTTP Status Code: 401. Error: Unauthorized. Please ensure you are authenticated correctly.'",
    });
  });

  it('names an unsupported component and where it is in the manifest', async () => {
    const { code, messages } = await cli('discover', '--manifest-path', '@bad.yaml', '--config', '@config.json');
    expect(code).toBe(1);
    expect(messages[0].trace.error.message).toBe(
      'component type CustomRecordExtractor is not supported by conveyor-manifest (supported here: DpathExtractor) (at /streams/0/retriever/record_selector/extractor)',
    );
  });
});

describe('runCommand', () => {
  it('uses a caller-provided fetch', async () => {
    const calls: string[] = [];
    const fetchFn = async (url: string) => {
      calls.push(url);
      return { status: 200, headers: new Headers({ 'content-type': 'application/json' }), text: async () => '{"data": [{"id": 7}]}' };
    };
    const messages: any[] = [];
    const code = await runCommand(
      { command: 'read', manifest: (await import('yaml')).parse(manifest(1)), config: { api_key: 'k' }, catalog: { streams: [{ stream: { name: 'items' }, sync_mode: 'full_refresh' }] }, fetch: fetchFn },
      (m) => messages.push(m),
    );
    expect(code).toBe(0);
    expect(calls).toEqual(['http://127.0.0.1:1/items?token=k']);
    expect(messages.filter((m) => m.type === 'RECORD').map((m) => m.record.data)).toEqual([{ id: 7 }]);
  });
  it('validates the config against the spec like the CDK entrypoint', async () => {
    const m = (await import('yaml')).parse(manifest(1));
    m.spec.connection_specification.required = ['api_key'];
    m.spec.connection_specification.properties.count = { type: 'integer' };
    const run = async (command: 'check' | 'read', config: Record<string, unknown>) => {
      const messages: any[] = [];
      const code = await runCommand({ command, manifest: m, config, catalog: { streams: [{ stream: { name: 'items' }, sync_mode: 'full_refresh' }] } }, (x) => messages.push(x));
      return { code, messages };
    };
    const check = await run('check', { count: 1 });
    expect(check.code).toBe(0);
    expect(check.messages[0].connectionStatus).toEqual({ status: 'FAILED', message: "Config validation error: 'api_key' is a required property" });
    const read = await run('read', { api_key: 'k', count: 'many' });
    expect(read.code).toBe(1);
    expect(read.messages[0].trace.error).toMatchObject({ message: "Config validation error: 'many' is not of type 'integer'", failure_type: 'config_error' });
  });
});
