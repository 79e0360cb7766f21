import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const API_KEY = 'sk-live-4f9a2b7c1d8e';

const ITEMS = [1, 2, 3, 4, 5].map((i) => ({ id: i, name: `item ${i}`, updated_at: `2024-01-0${i}T00:00:00Z`, score: i * 1.5 }));
const USERS = [{ id: 1, email: 'a@example.invalid' }, { id: 2, email: 'b@example.invalid' }];

/** A loopback API: `/items?since=` (filtered by updated_at) and `/users`, behind a bearer key. */
export async function startMockApi(): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.headers.authorization !== `Bearer ${API_KEY}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"bad key"}');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const since = url.searchParams.get('since') ?? '';
    const body = url.pathname === '/items' ? ITEMS.filter((r) => r.updated_at >= since) : url.pathname === '/users' ? USERS : undefined;
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

export const FAKE_SOURCE = join(__dirname, 'fixtures', 'fake-source.mjs');

export interface ConnectorFixture {
  workspace: string;
  root: string;
  cleanup(): void;
}

/** A throwaway workspace with `connectors/<name>/` holding the fake source and the given files. */
export function makeConnector(name: string, files: Record<string, string | object>): ConnectorFixture {
  const workspace = mkdtempSync(join(tmpdir(), 'cat-test-'));
  const root = join(workspace, 'connectors', name);
  mkdirSync(root, { recursive: true });
  copyFileSync(FAKE_SOURCE, join(root, 'source.mjs'));
  const all: Record<string, string | object> = {
    'metadata.yaml': `data:\n  connectorType: source\n  name: ${name}\n  dockerRepository: airbyte/${name}\n  dockerImageTag: 0.1.0\n  definitionId: 00000000-0000-0000-0000-000000000000\n  connectorSubtype: api\n  license: MIT\n  releaseStage: alpha\n  documentationUrl: https://docs.airbyte.com/integrations/sources/x\n  tags:\n    - language:python\n`,
    ...files,
  };
  for (const [rel, content] of Object.entries(all)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return { workspace, root, cleanup: () => rmSync(workspace, { recursive: true, force: true }) };
}

export const configuredCatalog = (streams: string[], incremental = false) => ({
  streams: streams.map((name) => ({
    stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
    sync_mode: incremental && name === 'items' ? 'incremental' : 'full_refresh',
    destination_sync_mode: incremental ? 'append' : 'overwrite',
    ...(incremental && name === 'items' ? { cursor_field: ['updated_at'] } : {}),
  })),
});

/** A complete acceptance-test-config.yml in the current format; `mode` picks the fake source's misbehaviour. */
export function catConfig(mode: string, extra = ''): string {
  return `connector_image: airbyte/source-fake:dev
test_strictness_level: low
custom_environment_variables:
  FAKE_MODE: ${mode}
acceptance_tests:
  spec:
    tests:
      - spec_path: integration_tests/spec.json
  connection:
    tests:
      - config_path: secrets/config.json
        status: succeed
      - config_path: integration_tests/invalid_config.json
        status: failed
  discovery:
    tests:
      - config_path: secrets/config.json
  basic_read:
    tests:
      - config_path: secrets/config.json
        configured_catalog_path: integration_tests/configured_catalog.json
        timeout_seconds: 5
        expect_records:
          path: integration_tests/expected_records.jsonl
${extra}  full_refresh:
    tests:
      - config_path: secrets/config.json
        configured_catalog_path: integration_tests/configured_catalog.json
  incremental:
    tests:
      - config_path: secrets/config.json
        configured_catalog_path: integration_tests/incremental_catalog.json
        future_state:
          future_state_path: integration_tests/abnormal_state.json
`;
}

/** The files of a healthy fake connector talking to `apiUrl`. */
export function connectorFiles(apiUrl: string, mode = 'ok'): Record<string, string | object> {
  return {
    'acceptance-test-config.yml': catConfig(mode),
    'secrets/config.json': { api_url: apiUrl, api_key: API_KEY, start_date: '2024-01-01' },
    'integration_tests/invalid_config.json': { api_url: apiUrl, api_key: 'wrong-key' },
    'integration_tests/spec.json': JSON.parse(readFileSync(join(__dirname, 'fixtures', 'spec.json'), 'utf8')),
    'integration_tests/configured_catalog.json': configuredCatalog(['items', 'users']),
    'integration_tests/incremental_catalog.json': configuredCatalog(['items'], true),
    'integration_tests/abnormal_state.json': [{ type: 'STREAM', stream: { stream_descriptor: { name: 'items' }, stream_state: { updated_at: '2999-01-01T00:00:00Z' } } }],
    'integration_tests/expected_records.jsonl':
      [1, 2].map((i) => JSON.stringify({ stream: 'items', data: { id: i, name: `item ${i}`, updated_at: `2024-01-0${i}T00:00:00Z`, score: i * 1.5 }, emitted_at: 1 })).join('\n') + '\n',
  };
}
