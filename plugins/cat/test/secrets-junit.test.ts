import { describe, expect, it } from 'vitest';
import { toJunit } from '../src/junit';
import { redact, Secrets } from '../src/run/secrets';

const spec = {
  type: 'object',
  properties: {
    start_date: { type: 'string' },
    credentials: {
      oneOf: [
        { properties: { auth_type: { const: 'oauth' }, client_secret: { type: 'string', airbyte_secret: true } } },
        { properties: { auth_type: { const: 'key' }, api_key: { type: 'string', airbyte_secret: true } } },
      ],
    },
  },
};

describe('secrets', () => {
  it('masks airbyte_secret values (also inside oneOf) and undescribed fields of a secrets/ file, not described plain ones', () => {
    const registered: string[] = [];
    const s = new Secrets((v) => registered.push(v));
    s.addConfig({ start_date: '2024-01-01', credentials: { auth_type: 'key', api_key: 'k-123456' }, extra_host: 'db.internal' }, spec, true);
    expect(registered.sort()).toEqual(['db.internal', 'k-123456']);
    expect(s.leakIn('using k-123456 now')).toBe('credentials.api_key');
    expect(s.leakIn('start 2024-01-01 at db.internal')).toBeUndefined();
  });

  it('masks every string value when the spec is unknown', () => {
    const registered: string[] = [];
    new Secrets((v) => registered.push(v)).addConfig({ a: 'alpha', nested: { b: 'bravo' }, n: 5 }, undefined, false);
    expect(registered.sort()).toEqual(['alpha', 'bravo']);
  });

  it('redacts secret values for a config kept next to cassettes', () => {
    expect(redact({ start_date: '2024-01-01', credentials: { auth_type: 'oauth', client_secret: 'cs' } }, spec)).toEqual({ start_date: '2024-01-01', credentials: { auth_type: 'oauth', client_secret: '**********' } });
  });
});

describe('JUnit', () => {
  it('writes one testsuite per suite with failures and skips, and escapes what a connector printed', () => {
    const xml = toJunit('source-x', [
      { suite: 'spec', name: 'spec_message', status: 'passed', message: '', durationMs: 5 },
      { suite: 'basic_read', name: 'read', status: 'failed', message: 'line 3: not valid JSON: {"a" <b> & \u0000\u001b[31m', durationMs: 1500, file: '/c/acceptance-test-config.yml', line: 12 },
      { suite: 'basic_read', name: 'expect_records', status: 'skipped', message: 'not evaluated: the read failed', durationMs: 0 },
    ]);
    expect(xml).toContain('<testsuites name="source-x cat" tests="3" failures="1" skipped="1" time="1.505">');
    expect(xml).toContain('<testsuite name="basic_read" tests="2" failures="1" skipped="1" time="1.500">');
    expect(xml).toContain(
      '<testcase classname="source-x.basic_read" name="read" time="1.500" file="/c/acceptance-test-config.yml" line="12"><failure message="line 3: not valid JSON: {&quot;a&quot; &lt;b&gt; &amp; \ufffd\ufffd[31m">',
    );
    expect(xml).toContain('<skipped message="not evaluated: the read failed"/>');
  });
});

describe('record validators', () => {
  it('compile draft-04 style schemas (`$schema`, string `id`) and keep a field called id', async () => {
    const { compileRecordValidator, createAjv } = await import('../src/run/schemas');
    const v = compileRecordValidator(createAjv(), { $schema: 'http://json-schema.org/draft-04/schema#', id: 'http://x/users', type: 'object', properties: { id: { type: 'integer' } } }, true);
    expect(v({ id: 1 })).toBeUndefined();
    expect(v({ id: 'a' })).toBe('field `id` must be integer (got "a")');
    expect(v({ id: 1, other: 2 })).toBe('field `other` is not declared in the stream schema (fail_on_extra_columns)');
  });
});
