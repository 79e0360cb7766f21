import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stage } from '../src/stage';
import { API_KEY, catConfig, connectorFiles, makeConnector, startMockApi } from './support';

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

/** A process that exists and is not a zombie waiting to be reaped by init. */
function isRunning(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Run the whole cat stage on a fake connector in `mode`; return the report, the JUnit text and the output. */
async function runMode(mode: string, files: Record<string, string | object> = {}, options: Record<string, unknown> = {}) {
  const fx = makeConnector('source-fake', { ...connectorFiles(api.url, mode), ...files });
  try {
    const { report, output } = await stage.runOne(fx.root, { command: [process.execPath, 'source.mjs'], ...options }, fx.workspace);
    const dir = join(fx.workspace, 'dist', 'conveyor', 'source-fake');
    const json = readFileSync(join(dir, 'cat.json'), 'utf8');
    const junit = readFileSync(join(dir, 'cat.junit.xml'), 'utf8');
    const tests = report.tests as Test[];
    const find = (suite: string, name: string) => tests.find((t) => t.suite === suite && t.name === name)!;
    const failed = tests.filter((t) => t.status === 'failed');
    const pidFile = join(fx.root, 'pids.txt');
    const pids = existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim().split('\n').map(Number) : [];
    return { report, output, json, junit, tests, find, failed, pids };
  } finally {
    fx.cleanup();
  }
}

describe('cat on a healthy connector', () => {
  it('passes every suite, writes cat.json and cat.junit.xml, and never shows the secret', async () => {
    const r = await runMode('ok');
    expect(r.failed).toEqual([]);
    expect(r.report.ok).toBe(true);
    const suites = new Set(r.tests.filter((t) => t.status === 'passed').map((t) => t.suite));
    expect([...suites].sort()).toEqual(['basic_read', 'connection', 'discovery', 'files', 'full_refresh', 'incremental', 'spec']);
    expect(r.find('connection', 'check_failed #2').message).toContain('FAILED');
    expect(r.find('incremental', 'state_with_abnormally_large_values').status).toBe('passed');
    expect(r.junit).toContain('<testsuite name="basic_read"');
    expect(r.junit).toMatch(/<testcase classname="source-fake.basic_read" name="schema_validation"/);
    for (const text of [r.json, r.junit, r.output]) expect(text).not.toContain(API_KEY);
  });
});

describe('cat on misbehaving connectors', () => {
  it('a crash mid-read fails basic_read with the exit code and the traceback', async () => {
    const r = await runMode('crash');
    const read = r.find('basic_read', 'read');
    expect(read.status).toBe('failed');
    expect(read.message).toMatch(/read exited with code 1/);
    expect(read.message).toContain("KeyError: 'cursor'");
    expect(r.find('basic_read', 'schema_validation').status).toBe('skipped');
    expect(r.find('connection', 'check_succeed').status).toBe('passed');
  });

  it('a hanging read is killed with its whole process group at timeout_seconds', async () => {
    const r = await runMode('hang', {}, { maxTimeoutSeconds: 3 });
    const read = r.find('basic_read', 'read');
    expect(read.status).toBe('failed');
    expect(read.message).toMatch(/read timed out after 3 s; its whole process group was killed/);
    // The connector and the helper it forked are both gone (basic_read and full_refresh hung once, incremental
    // twice: read_sequential_slices makes its own reads, as in CAT).
    expect(r.pids.length).toBe(8);
    expect(r.pids.filter(isRunning)).toEqual([]);
  });

  it('garbage on stdout fails the read naming the line; plain text stays a log line', async () => {
    const r = await runMode('garbage');
    const read = r.find('basic_read', 'read');
    expect(read.status).toBe('failed');
    // Both streams print one broken line; the binary and plain-text lines are logs.
    expect(read.message).toMatch(/^2 stdout lines are not valid protocol messages; line \d+ \(65 bytes\): not valid JSON/);
    expect(r.find('incremental', 'two_sequential_reads').message).toMatch(/read 1: 1 stdout line is not a valid protocol message/);
    expect(read.message).toContain('{"type": "RECORD"');
  });

  it('a record over the 20 MB message limit fails basic_read; a 6 MB record is read fine', async () => {
    const huge = await runMode('huge');
    expect(huge.find('basic_read', 'read').message).toMatch(/line \d+ \(25\.0 MB\): line of 25\.0 MB exceeds the 20\.0 MB limit/);
    const big = await runMode('big', { 'acceptance-test-config.yml': catConfig('big').replace(/  full_refresh:[\s\S]*/, '') });
    expect(big.find('basic_read', 'read').status).toBe('passed');
    // The 6 MB blob is not in the schema's `expected` data but is declared, so the schema check passes.
    expect(big.find('basic_read', 'schema_validation').status).toBe('passed');
  });

  it('a record that breaks its schema fails schema_validation naming stream, record number and field', async () => {
    const r = await runMode('schema');
    const t = r.find('basic_read', 'schema_validation');
    expect(t.status).toBe('failed');
    expect(t.message).toBe('1 record does not match the stream schema: stream `items`, record #3: field `score` must be number (got "high")');
    expect(r.find('basic_read', 'read').status).toBe('passed');
  });

  it('a connector that ignores its state fails incremental', async () => {
    const r = await runMode('forget-state');
    const t = r.find('incremental', 'two_sequential_reads');
    expect(t.status).toBe('failed');
    expect(t.message).toMatch(/stream `items`: read 2 re-read 4 records from before the state's cursor updated_at="2024-01-05T00:00:00Z" \(record #1 has updated_at="2024-01-01T00:00:00Z"\)/);
    expect(r.find('incremental', 'state_with_abnormally_large_values').message).toMatch(/returned records for `items` \(5\); expected none/);
  });

  it('resuming from an intermediate checkpoint must not lose records (read_sequential_slices)', async () => {
    const ok = await runMode('checkpoints');
    expect(ok.find('incremental', 'read_sequential_slices')).toMatchObject({ status: 'passed', message: '3 resumed reads returned every record after their checkpoint' });
    expect(ok.failed).toEqual([]);
    const lossy = await runMode('lossy-resume');
    expect(lossy.find('incremental', 'two_sequential_reads').status).toBe('passed');
    expect(lossy.find('incremental', 'read_sequential_slices').message).toMatch(
      // CAT samples the inner checkpoints (not the first or last) and expects the records the later states counted.
      /^stream `items`, read 1 of 3 from the state \{"updated_at":"2024-01-02T00:00:00Z"\} returned 2 records, but the states after it counted 3; records are lost on resume/,
    );
  });

  it('a connector that emits no state fails basic_read state checks and incremental', async () => {
    const r = await runMode('no-state');
    expect(r.find('basic_read', 'state_messages').message).toMatch(/no STATE message for streams `items`, `users`/);
    expect(r.find('incremental', 'two_sequential_reads').message).toMatch(/read 1 emitted no STATE message/);
  });

  it('a connector that logs its secret fails the suite where it did, and the secret is masked everywhere', async () => {
    const r = await runMode('leak');
    const t = r.find('connection', 'check_succeed');
    expect(t.status).toBe('failed');
    expect(t.message).toMatch(/secret leaked: the value of secret config field `api_key` appeared in a LOG message/);
    for (const text of [r.json, r.junit, r.output]) expect(text).not.toContain(API_KEY);
    // The LOG line is kept in the report's invocation log, masked.
    expect(r.json).toContain('connecting with key **********');
  });

  it('a stream that ends INCOMPLETE fails stream_statuses', async () => {
    const r = await runMode('incomplete', { 'acceptance-test-config.yml': catConfig('incomplete').replace(/  full_refresh:[\s\S]*/, '') });
    expect(r.find('basic_read', 'stream_statuses').message).toBe('stream `users` statuses STARTED → INCOMPLETE; expected STARTED → RUNNING… → COMPLETE');
    expect(r.failed.map((t) => t.name)).toEqual(['stream_statuses']);
  });

  it('a secret field not marked airbyte_secret fails the spec suite', async () => {
    const r = await runMode('unmarked-secret');
    expect(r.find('spec', 'secret_is_properly_marked').message).toMatch(/`api_key` can hold a secret but is not marked airbyte_secret: true/);
    expect(r.find('spec', 'match_expected').message).toMatch(/differs from integration_tests\/spec.json: at \/properties\/api_key\/airbyte_secret/);
  });

  it('validate_data_points fails on a declared field that never has a value', async () => {
    const r = await runMode('ok', { 'acceptance-test-config.yml': catConfig('ok', '        validate_data_points: true\n').replace(/  full_refresh:[\s\S]*/, '') });
    expect(r.find('basic_read', 'data_points').message).toBe('stream `items`: field blob never had a value');
  });

  it('a oneOf without a const discriminator fails oneof_usage', async () => {
    const r = await runMode('bad-oneof', { 'acceptance-test-config.yml': catConfig('bad-oneof').replace(/  connection:[\s\S]*/, '') });
    expect(r.find('spec', 'oneof_usage').message).toBe('/properties/region: the oneOf variants need exactly one common property with a `const` to tell them apart (found none)');
  });
});

describe('a connector without credentials', () => {
  it('says in the summary why the live suites were skipped', async () => {
    const files = connectorFiles(api.url);
    delete files['secrets/config.json'];
    const fx = makeConnector('source-fake', files);
    try {
      const { report, output } = await stage.runOne(fx.root, { command: [process.execPath, 'source.mjs'] }, fx.workspace);
      expect(report.ok).toBe(true);
      expect(report.summary).toMatch(/^\d+ passed, 0 failed, (\d+) skipped \(\1: config secrets\/config\.json is missing: live suites need credentials there\)$/);
      expect(output).toContain('secrets/config.json is missing');
    } finally {
      fx.cleanup();
    }
  });
});

describe('a credentials file still holding placeholders', () => {
  it('skips the live suites at once and names the keys to fill in', async () => {
    const fx = makeConnector('source-fake', { ...connectorFiles(api.url), 'secrets/config.json': { api_url: api.url, api_key: '<your api_key>', start_date: '2024-01-01' } });
    try {
      const { report } = await stage.runOne(fx.root, { command: [process.execPath, 'source.mjs'] }, fx.workspace);
      expect(report.ok).toBe(true);
      expect(report.summary).toContain('config secrets/config.json still holds placeholders (<…>) for api_key: fill in real credentials');
      const tests = report.tests as { suite: string; name: string; status: string }[];
      expect(tests.find((t) => t.suite === 'connection' && t.name === 'check_succeed')?.status).toBe('skipped');
      // The invalid config outside secrets/ is still checked.
      expect(tests.find((t) => t.suite === 'connection' && t.name.startsWith('check_failed'))?.status).toBe('passed');
    } finally {
      fx.cleanup();
    }
  });
});

describe('cat-static output', () => {
  it('prints an acceptance-test-config.yml problem at file:line, and fails on broken metadata like every stage', async () => {
    const { runStatic } = await import('../src/static-executor');
    const files = connectorFiles(api.url);
    const fx = makeConnector('source-fake', { ...files, 'acceptance-test-config.yml': (files['acceptance-test-config.yml'] as string).replace('test_strictness_level: low', 'test_strictnes_level: low') });
    try {
      const { report, output } = await runStatic('source-fake', fx.root, { suites: 'static', record: false, maxMessageMb: 20 }, fx.workspace);
      expect(report.ok).toBe(false);
      expect(output).toMatch(/connectors\/source-fake\/acceptance-test-config\.yml:2:1: error \[cat-config\]: unknown key `test_strictnes_level`/);
      writeFileSync(join(fx.root, 'acceptance-test-config.yml'), files['acceptance-test-config.yml'] as string);
      writeFileSync(join(fx.root, 'metadata.yaml'), 'data:\n  name: [unclosed\n');
      const broken = await runStatic('source-fake', fx.root, { suites: 'static', record: false, maxMessageMb: 20 }, fx.workspace);
      expect(broken.report.ok).toBe(false);
      expect(broken.output).toMatch(/connectors\/source-fake\/metadata\.yaml:\d+:\d+: error \[yaml-syntax\]/);
    } finally {
      fx.cleanup();
    }
  });
});
