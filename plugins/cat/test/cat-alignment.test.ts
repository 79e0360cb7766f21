import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stage } from '../src/stage';
import { catConfig, connectorFiles, makeConnector, startMockApi } from './support';

let api: Awaited<ReturnType<typeof startMockApi>>;
beforeAll(async () => {
  api = await startMockApi();
});
afterAll(() => api.close());

interface Test {
  suite: string;
  name: string;
  status: string;
  message: string;
}

async function runCat(mode: string, files: Record<string, string | object> = {}) {
  const fx = makeConnector('source-fake', { ...connectorFiles(api.url, mode), ...files });
  try {
    const { report } = await stage.runOne(fx.root, { command: [process.execPath, 'source.mjs'] }, fx.workspace);
    const tests = report.tests as Test[];
    const junit = readFileSync(join(fx.workspace, 'dist', 'conveyor', 'source-fake', 'cat.junit.xml'), 'utf8');
    return { tests, junit, find: (suite: string, name: string) => tests.find((t) => t.suite === suite && t.name === name)! };
  } finally {
    fx.cleanup();
  }
}

/** The default config without its incremental suite (not under test here, and the slowest). */
const withoutIncremental = (mode: string, extra = '') => catConfig(mode, extra).replace(/  incremental:[\s\S]*/, '');

describe('full_refresh and expect_records as CAT', () => {
  it('records whose values change between reads pass both (CAT compares emitted_at and primary keys only)', async () => {
    const r = await runCat('drift', { 'acceptance-test-config.yml': withoutIncremental('drift') });
    expect(r.find('full_refresh', 'sequential_reads')).toMatchObject({ status: 'passed', message: 'read 1: 7 records, read 2: 7 records, all emitted after read 1' });
    expect(r.find('basic_read', 'expect_records')).toMatchObject({ status: 'passed' });
    expect(r.find('basic_read', 'expect_records').message).toMatch(/1 compared by primary key/);
  });

  it('a second read stamped no later than the first fails full_refresh with the emitted_at values', async () => {
    const r = await runCat('frozen-clock', { 'acceptance-test-config.yml': withoutIncremental('frozen-clock') });
    const t = r.find('full_refresh', 'sequential_reads');
    expect(t.status).toBe('failed');
    expect(t.message).toMatch(/emitted_at should increase on subsequent runs: the second read has records emitted at 1700000000000, not after the first read's last record \(1700000000000\); streams `items`, `users`/);
  });

  it('without a primary key, expected records are only counted: fewer records read fails', async () => {
    const expected = [1, 2, 3].map((id) => JSON.stringify({ stream: 'users', data: { id, email: `${id}@example.invalid` }, emitted_at: 1 })).join('\n') + '\n';
    const r = await runCat('no-pk', { 'acceptance-test-config.yml': withoutIncremental('no-pk'), 'integration_tests/expected_records.jsonl': expected });
    expect(r.find('basic_read', 'expect_records').message).toMatch(/stream `users`: read 2 records but integration_tests\/expected_records.jsonl expects at least 3; first expected record not read: integration_tests\/expected_records.jsonl:1/);
    // Two expected records that the API never returns, but no more than were read: CAT does not compare them.
    const two = expected.split('\n').slice(0, 2).join('\n') + '\n';
    const ok = await runCat('no-pk', { 'acceptance-test-config.yml': withoutIncremental('no-pk'), 'integration_tests/expected_records.jsonl': two });
    expect(ok.find('basic_read', 'expect_records').status).toBe('passed');
  });
});

describe('deployment_mode', () => {
  it('reaches the connector as DEPLOYMENT_MODE, so cloud-only checks run in the tests that ask for cloud', async () => {
    const connection = `  connection:
    tests:
      - config_path: secrets/config.json
        status: succeed
      - config_path: secrets/config.json
        deployment_mode: oss
        status: succeed
      - config_path: secrets/config.json
        deployment_mode: cloud
        status: failed
`;
    const config = catConfig('ok').replace(/  connection:[\s\S]*?(?=  discovery:)/, connection).replace(/  basic_read:[\s\S]*/, '');
    const r = await runCat('ok', { 'acceptance-test-config.yml': config });
    const checks = r.tests.filter((t) => t.suite === 'connection');
    expect(checks.map((t) => t.status)).toEqual(['passed', 'passed', 'passed']);
    expect(checks[2].message).toMatch(/Airbyte Cloud only connects over https/);
  });
});

const metadata = (extra: string) => `data:
  connectorType: source
  name: Fake
  dockerRepository: airbyte/source-fake
  dockerImageTag: 0.1.0
  definitionId: 00000000-0000-0000-0000-000000000000
  connectorSubtype: api
  license: MIT
  releaseStage: generally_available
  documentationUrl: https://docs.airbyte.com/integrations/sources/fake
  tags:
    - language:python
${extra}`;
const CERTIFIED = `  ab_internal:\n    ql: 400\n    sl: 300\n`;
const HOSTS = `  allowedHosts:\n    hosts:\n      - 127.0.0.1\n  suggestedStreams:\n    streams:\n      - items\n`;

const GOOD_DOCS = `# Fake

Reads items and users.

## Prerequisites

- The API URL of your account
- An API key

## Setup guide

### Step 1: Set up Fake

Create a key.

### Step 2: Set up the Fake connector in Airbyte

#### For Airbyte Cloud:

Fill in the form.

\`\`\`
# Not a heading: code
\`\`\`

## Supported sync modes

## Supported Streams

## Rate limits

## Changelog
`;
const DOCS = '../../docs/integrations/sources/fake.md';

/** Attributes and documentation suites on top of the quick part of the default config. */
const certConfig = (mode: string, attributes = '      - config_path: secrets/config.json\n') =>
  withoutIncremental(mode) + `  connector_attributes:\n    tests:\n${attributes}  connector_documentation:\n    tests:\n      - config_path: secrets/config.json\n`;

describe('connector_attributes and connector_documentation', () => {
  it('skip every test of an uncertified connector, as CAT does', async () => {
    const r = await runCat('ok', { 'acceptance-test-config.yml': certConfig('ok'), 'metadata.yaml': metadata(''), [DOCS]: GOOD_DOCS });
    const tests = r.tests.filter((t) => t.suite.startsWith('connector_'));
    expect(tests.map((t) => t.name)).toEqual(['prerequisites_content', 'docs_structure', 'docs_descriptions', 'validate_links', 'streams_define_primary_key', 'certified_connector_has_allowed_hosts', 'certified_connector_has_suggested_streams']);
    expect(tests.every((t) => t.status === 'skipped' && /uncertified|low ql/.test(t.message))).toBe(true);
  });

  it('pass for a certified connector with keys, hosts, suggested streams and a docs page that follows the template', async () => {
    const r = await runCat('ok', { 'acceptance-test-config.yml': certConfig('ok'), 'metadata.yaml': metadata(CERTIFIED + HOSTS), [DOCS]: GOOD_DOCS });
    expect(r.find('connector_attributes', 'streams_define_primary_key')).toMatchObject({ status: 'passed', message: '2 of 2 streams define a primary key' });
    expect(r.find('connector_attributes', 'certified_connector_has_allowed_hosts')).toMatchObject({ status: 'passed', message: 'allowedHosts: 127.0.0.1' });
    expect(r.find('connector_attributes', 'certified_connector_has_suggested_streams').status).toBe('passed');
    expect(r.find('connector_documentation', 'prerequisites_content')).toMatchObject({ status: 'passed', message: 'Prerequisites (line 5) names all 2 required fields' });
    expect(r.find('connector_documentation', 'docs_structure')).toMatchObject({ status: 'passed' });
    expect(r.find('connector_documentation', 'validate_links').status).toBe('skipped');
    expect(r.junit).toContain('streams_define_primary_key');
  });

  it('fail on a stream without a key, missing hosts, empty suggested streams, a misordered page and a missing prerequisite', async () => {
    const docs = GOOD_DOCS.replace('- An API key\n', '').replace('## Supported sync modes\n\n## Supported Streams\n', '## Supported Streams\n\n## Supported sync modes\n');
    const files = { 'metadata.yaml': metadata(CERTIFIED + '  suggestedStreams:\n    streams: []\n'), [DOCS]: docs };
    const r = await runCat('no-pk', { 'acceptance-test-config.yml': certConfig('no-pk'), ...files });
    expect(r.find('connector_attributes', 'streams_define_primary_key').message).toMatch(/^the following streams 'users' do not define a primary_key/);
    expect(r.find('connector_attributes', 'certified_connector_has_allowed_hosts').message).toBe('the `allowedHosts` property is missing in `data` of metadata.yaml');
    expect(r.find('connector_attributes', 'certified_connector_has_suggested_streams').message).toMatch(/`data.suggestedStreams.streams` of metadata.yaml is empty/);
    expect(r.find('connector_documentation', 'prerequisites_content').message).toMatch(/^required field 'api key' is not in the Prerequisites section of docs\/integrations\/sources\/fake.md \(line 5\)/);
    expect(r.find('connector_documentation', 'docs_structure').message).toMatch(/^docs\/integrations\/sources\/fake.md: heading "Supported Streams" is not where the template expects it: the next required heading is "Supported sync modes"/);

    // Bypass reasons and streams_without_primary_key turn the attribute failures into passes and skips.
    const bypassed = '      - config_path: secrets/config.json\n        streams_without_primary_key:\n          - name: users\n            bypass_reason: the API has no id for users\n        allowed_hosts:\n          bypass_reason: hosts come from the config\n        suggested_streams:\n          bypass_reason: every stream is small\n';
    const b = await runCat('no-pk', { 'acceptance-test-config.yml': certConfig('no-pk', bypassed), ...files });
    expect(b.find('connector_attributes', 'streams_define_primary_key')).toMatchObject({ status: 'passed', message: '1 of 2 streams define a primary key; streams_without_primary_key: users' });
    expect(b.find('connector_attributes', 'certified_connector_has_allowed_hosts')).toMatchObject({ status: 'skipped', message: 'Skipping `metadata.allowedHosts` checks. Reason: hosts come from the config' });
    expect(b.find('connector_attributes', 'certified_connector_has_suggested_streams').status).toBe('skipped');
  });
});

describe('expect_records at test_strictness_level high', () => {
  const high = (emptyStreams = '') => `connector_image: airbyte/source-fake:dev
test_strictness_level: high
custom_environment_variables:
  FAKE_MODE: ok
acceptance_tests:
  spec:
    tests:
      - spec_path: integration_tests/spec.json
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
        timeout_seconds: 5
${emptyStreams}        expect_records:
          path: integration_tests/expected_records.jsonl
  full_refresh:
    bypass_reason: not under test here
  incremental:
    bypass_reason: not under test here
`;

  it('every stream read needs expected records, unless it is listed under empty_streams (CAT find_not_seeded_streams)', async () => {
    const r = await runCat('ok', { 'acceptance-test-config.yml': high() });
    expect(r.find('basic_read', 'expect_records')).toMatchObject({
      status: 'failed',
      message: '`users` is in the catalog but integration_tests/expected_records.jsonl has no records for it; add expected records or list it under empty_streams (test_strictness_level high)',
    });
    const ok = await runCat('ok', { 'acceptance-test-config.yml': high('        empty_streams:\n          - name: users\n            bypass_reason: no users in the sandbox\n') });
    expect(ok.find('basic_read', 'expect_records').status).toBe('passed');
  });
});

describe('LEGACY state', () => {
  it('is passed back as its data for the second incremental read, as CAT does, while basic_read flags it', async () => {
    const r = await runCat('legacy-state');
    expect(r.find('incremental', 'two_sequential_reads')).toMatchObject({ status: 'passed', message: 'read 1: 5 records, 1 states; read 2 from that state: 1 records' });
    expect(r.find('basic_read', 'state_messages').message).toMatch(/STATE messages of the LEGACY type/);
  });
});
