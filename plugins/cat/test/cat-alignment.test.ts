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
