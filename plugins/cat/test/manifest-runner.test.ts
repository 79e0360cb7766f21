import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stage } from '../src/stage';
import { API_KEY, makeConnector, startMockApi, type ConnectorFixture } from './support';

const engineBuilt = existsSync(join(__dirname, '../../../packages/engine/dist/cli.js'));

const manifest = `version: 6.0.0
type: DeclarativeSource
check: {type: CheckStream, stream_names: [items]}
streams:
  - type: DeclarativeStream
    name: items
    primary_key: id
    schema_loader:
      type: InlineSchemaLoader
      schema:
        type: object
        properties:
          id: {type: integer}
          name: {type: [string, "null"]}
          updated_at: {type: string}
          score: {type: number}
    retriever:
      type: SimpleRetriever
      requester:
        type: HttpRequester
        url_base: "{{ config['api_url'] }}"
        path: /items
        authenticator: {type: BearerAuthenticator, api_token: "{{ config['api_key'] }}"}
      record_selector:
        type: RecordSelector
        extractor: {type: DpathExtractor, field_path: []}
spec:
  type: Spec
  connection_specification:
    type: object
    required: [api_url, api_key]
    properties:
      api_url: {type: string}
      api_key: {type: string, airbyte_secret: true}
`;

const config = `connector_image: airbyte/source-items:dev
acceptance_tests:
  spec:
    tests:
      - spec_path: manifest.yaml
  connection:
    tests:
      - config_path: secrets/config.json
        status: succeed
  discovery:
    tests:
      - config_path: secrets/config.json
  basic_read:
    tests:
      - config_path: secrets/config.json
        expect_records:
          path: integration_tests/expected_records.jsonl
  full_refresh:
    tests:
      - config_path: secrets/config.json
  incremental:
    bypass_reason: the API has no cursor
`;

describe.skipIf(!engineBuilt)('manifest runner (@conveyor/engine)', () => {
  let api: Awaited<ReturnType<typeof startMockApi>>;
  let fx: ConnectorFixture;
  beforeAll(async () => {
    api = await startMockApi();
    fx = makeConnector('source-items', {
      'metadata.yaml': `data:\n  connectorType: source\n  name: Items\n  dockerRepository: airbyte/source-items\n  dockerImageTag: 0.1.0\n  tags:\n    - language:manifest-only\n`,
      'manifest.yaml': manifest,
      'acceptance-test-config.yml': config,
      'secrets/config.json': { api_url: api.url, api_key: API_KEY },
      'integration_tests/expected_records.jsonl': JSON.stringify({ stream: 'items', data: { id: 2, name: 'item 2', updated_at: '2024-01-02T00:00:00Z', score: 3 }, emitted_at: 1 }) + '\n',
    });
  });
  afterAll(async () => {
    await api.close();
    fx.cleanup();
  });

  const run = async (options: Record<string, unknown>) => {
    const { report } = await stage.runOne(fx.root, options, fx.workspace);
    const tests = report.tests as { suite: string; name: string; status: string; message: string }[];
    return { report, tests, failed: tests.filter((t) => t.status === 'failed'), json: readFileSync(join(fx.workspace, 'dist/conveyor/source-items/cat.json'), 'utf8') };
  };

  it('is the default runner for a manifest-only connector; --record writes one cassette per invocation', async () => {
    const r = await run({ record: true });
    expect(r.report.runner).toMatch(/^manifest: /);
    expect(r.failed).toEqual([]);
    expect(r.tests.find((t) => t.name === 'expect_records')!.status).toBe('passed');
    const cassettes = join(fx.root, 'integration_tests/cassettes');
    expect(readdirSync(cassettes).sort()).toEqual(['basic_read-bad-catalog.jsonl', 'basic_read.jsonl', 'configs', 'connection.jsonl', 'discover.jsonl', 'full_refresh-read1.jsonl', 'full_refresh-read2.jsonl']);
    // Nothing secret is written next to the cassettes, and nothing secret reaches the report.
    const saved = JSON.parse(readFileSync(join(cassettes, 'configs/config.json'), 'utf8'));
    expect(saved).toEqual({ api_url: api.url, api_key: '**********' });
    for (const f of readdirSync(cassettes).filter((f) => f.endsWith('.jsonl'))) expect(readFileSync(join(cassettes, f), 'utf8')).not.toContain(API_KEY);
    expect(r.json).not.toContain(API_KEY);
  });

  it('replays the cassettes offline, without credentials and without the API', async () => {
    const before = api.requests.length;
    rmSync(join(fx.root, 'secrets'), { recursive: true });
    const r = await run({});
    expect(r.failed).toEqual([]);
    expect(r.tests.filter((t) => t.suite === 'basic_read' && t.status === 'passed').map((t) => t.name)).toContain('schema_validation');
    expect(api.requests.length).toBe(before);
  });

  it('offline, a read with no recorded cassette fails at once naming it, instead of calling the API', async () => {
    // As after an upgrade that adds an invocation the cassettes predate.
    rmSync(join(fx.root, 'integration_tests/cassettes/full_refresh-read2.jsonl'));
    const before = api.requests.length;
    const r = await run({});
    expect(r.failed.map((t) => `${t.suite} › ${t.name}: ${t.message}`)).toEqual([
      expect.stringMatching(/^full_refresh › .*no recorded cassette integration_tests\/cassettes\/full_refresh-read2\.jsonl to replay offline \(there is no secrets\/config\.json\); run once with credentials and --record/),
    ]);
    expect(api.requests.length).toBe(before);
  });
});
