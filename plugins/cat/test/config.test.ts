import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '@conveyor/connector';
import { loadCatConfig, parseCatConfig } from '../src/config/load';

const parse = (text: string) => parseCatConfig(parseYaml(text, 'acceptance-test-config.yml'));

describe('acceptance-test-config.yml', () => {
  it('migrates the legacy `tests:` format: names become objects, future_state_path moves under future_state', () => {
    const { config, problems } = parse(`connector_image: airbyte/source-x:dev
tests:
  spec:
    - spec_path: source_x/spec.yaml
  basic_read:
    - config_path: secrets/config.json
      empty_streams: ["quote", "daily"]
      expect_records:
        path: integration_tests/expected_records.jsonl
        extra_fields: no
        exact_order: yes
        extra_records: yes
  full_refresh:
    - config_path: secrets/config.json
      ignored_fields:
        users: ["updated_at"]
  incremental:
    - config_path: secrets/config.json
      future_state_path: integration_tests/abnormal_state.json
`);
    expect(problems).toEqual([]);
    expect(config!.format).toBe('legacy');
    const read = config!.suites.basic_read!.tests[0];
    expect(read.empty_streams).toEqual([{ name: 'quote' }, { name: 'daily' }]);
    expect(read.expect_records).toEqual({ path: 'integration_tests/expected_records.jsonl', extra_fields: false, exact_order: true, extra_records: true });
    expect(read.line).toBe(6);
    expect(config!.suites.full_refresh!.tests[0].ignored_fields).toEqual({ users: [{ name: 'updated_at' }] });
    expect(config!.suites.incremental!.tests[0].future_state).toEqual({ future_state_path: 'integration_tests/abnormal_state.json' });
    expect(config!.suites.incremental!.tests[0].future_state_path).toBeUndefined();
  });

  it('rejects an unknown key with the file, line and the allowed keys', () => {
    const { config, problems } = parse(`connector_image: airbyte/source-x:dev
acceptance_tests:
  basic_read:
    tests:
      - config_path: secrets/config.json
        expect_records:
          path: integration_tests/expected_records.jsonl
          extra_fields: true
`);
    expect(config).toBeUndefined();
    expect(problems).toEqual([
      {
        rule: 'cat-config',
        severity: 'error',
        message: 'unknown key `extra_fields` in `acceptance_tests.basic_read.tests[0].expect_records`; allowed keys: path, bypass_reason, exact_order',
        file: 'acceptance-test-config.yml',
        line: 8,
        column: 11,
      },
    ]);
  });

  it('reports a misspelt suite and a wrong value type where they are', () => {
    const { problems } = parse(`connector_image: x
acceptance_tests:
  basic_reads:
    tests: []
  connection:
    tests:
      - status: success
`);
    expect(problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      expect.stringMatching(/^3: unknown key `basic_reads` in `acceptance_tests`; allowed keys: client_container_config, spec, connection, discovery, basic_read, full_refresh, incremental/),
      '7: `acceptance_tests.connection.tests[0].status` must be one of succeed, failed, exception, got "success"',
    ]);
  });

  it('refuses a suite that is both bypassed and tested, and both formats at once', () => {
    expect(parse(`acceptance_tests:\n  incremental:\n    bypass_reason: no cursor\n    tests:\n      - config_path: secrets/config.json\n`).problems[0].message).toMatch(/both `bypass_reason` and `tests`/);
    expect(parse(`acceptance_tests: {}\ntests: {}\n`).problems[0].message).toMatch(/both `acceptance_tests`.*and `tests`/);
  });

  it('enforces test_strictness_level high: expect_records, bypass reasons, future state, no custom catalog', () => {
    const { problems } = parse(`connector_image: x
test_strictness_level: high
acceptance_tests:
  basic_read:
    tests:
      - config_path: secrets/config.json
        configured_catalog_path: integration_tests/configured_catalog.json
        empty_streams:
          - name: events
  incremental:
    tests:
      - config_path: secrets/config.json
`);
    expect(problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      '6: acceptance_tests.basic_read.tests[0]: `expect_records` (a path, or a bypass_reason) is required at test_strictness_level high',
      expect.stringMatching(/^7: .*configured_catalog_path.* not allowed at test_strictness_level high/),
      '9: acceptance_tests.basic_read.tests[0].empty_streams[0]: empty stream `events` needs a bypass_reason at test_strictness_level high',
      expect.stringMatching(/^12: .*future_state.future_state_path.* is required at test_strictness_level high/),
    ]);
    // The same config at low strictness is fine.
    expect(parse(`connector_image: x\nacceptance_tests:\n  basic_read:\n    tests:\n      - empty_streams:\n          - name: events\n`).problems).toEqual([]);
  });

  it('parses every acceptance-test-config.yml of the real corpus', () => {
    const corpus = join(__dirname, '../../../../shared/corpus');
    if (!existsSync(corpus)) return;
    const files = execFileSync('find', [corpus, '-name', 'acceptance-test-config.yml'], { encoding: 'utf8' }).trim().split('\n');
    expect(files.length).toBeGreaterThan(50);
    const bad = files.map((f) => ({ f, r: loadCatConfig(join(f, '..')) })).filter(({ r }) => r.problems.length);
    expect(bad.map(({ f, r }) => `${f}: ${r.problems[0].message}`)).toEqual([]);
    const legacy = files.map((f) => loadCatConfig(join(f, '..')).config!).filter((c) => c.format === 'legacy');
    expect(legacy.length).toBeGreaterThan(5);
  });
});
