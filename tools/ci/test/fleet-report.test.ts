import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without type declarations
import { main } from '../fleet-report.mjs';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'conveyor-fleet-report-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function report(dir: string, project: string, stage: string, fields: Record<string, unknown>) {
  mkdirSync(join(dir, project), { recursive: true });
  writeFileSync(join(dir, project, `${stage}.json`), JSON.stringify({ stage, project, findings: [], startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1200, ...fields }));
}

describe('fleet report over shard artifacts', () => {
  it('merges the reports of every shard, keeps cat JUnit suites, and adds a test case per other report', () => {
    const a = join(tmp, 'reports-1');
    const b = join(tmp, 'reports-2');
    report(a, 'source-auth0', 'import-check', { ok: true, summary: 'ui' });
    report(a, 'source-auth0', 'cat', { ok: true, summary: '7 passed' });
    writeFileSync(
      join(a, 'source-auth0', 'cat.junit.xml'),
      '<?xml version="1.0"?>\n<testsuites name="source-auth0 cat"><testsuite name="spec" tests="1" failures="0"><testcase name="spec_message"/></testsuite>\n<testsuite name="basic_read" tests="1" failures="0"><testcase name="basic_read"/></testsuite></testsuites>\n',
    );
    report(b, 'source-posthog', 'import-check', {
      ok: false,
      summary: 'invalid: `incremental_sync` is a CustomIncrementalSync <not allowed here>',
      findings: [{ rule: 'schema', severity: 'error', message: 'expected DatetimeBasedCursor', file: 'connectors/source-posthog/source_posthog/manifest.yaml', line: 41, column: 7 }],
    });
    // The same task restored from the cache in another shard: counted once, the newest report wins.
    report(b, 'source-auth0', 'import-check', { ok: true, summary: 'ui (newer)', startedAt: '2026-01-02T00:00:00.000Z' });
    writeFileSync(join(b, 'unrelated.json'), '{"name":"not a report"}');

    const out = join(tmp, 'fleet');
    const r = main(['--out', out, '--fail-on-error', a, b]);
    expect(r.code).toBe(1);
    const fleet = JSON.parse(readFileSync(join(out, 'fleet-report.json'), 'utf8'));
    expect(fleet.ok).toBe(false);
    expect(fleet.stages).toEqual({
      cat: { total: 1, passed: 1, failed: 0, durationMs: 1200 },
      'import-check': { total: 2, passed: 1, failed: 1, durationMs: 2400 },
    });
    expect(fleet.reports.find((x: { project: string; stage: string }) => x.project === 'source-auth0' && x.stage === 'import-check').summary).toBe('ui (newer)');

    const junit = readFileSync(join(out, 'fleet.junit.xml'), 'utf8');
    // CAT's per-suite names get the connector's name, so suites of different connectors stay apart.
    expect(junit).toContain('<testsuite name="source-auth0 spec" tests="1"');
    expect(junit).toContain('<testsuite name="source-auth0 basic_read" tests="1"');
    // cat has its own JUnit, so it is not summarised twice; import-check gets one case per connector.
    expect(junit.match(/<testcase /g)).toHaveLength(2 + 2);
    expect(junit).toContain('<failure message="invalid: `incremental_sync` is a CustomIncrementalSync &lt;not allowed here&gt;">');
    expect(junit).toContain('connectors/source-posthog/source_posthog/manifest.yaml:41');

    const md = readFileSync(join(out, 'fleet-report.md'), 'utf8');
    expect(md).toContain('| import-check | 2 | 1 | 1 |');
    expect(md).toContain('- **source-posthog** `import-check`: invalid: `incremental_sync` is a CustomIncrementalSync <not allowed here> (connectors/source-posthog/source_posthog/manifest.yaml:41)');
  });

  it('carries timings from run to run: earlier durations stay, new measurements replace them', () => {
    const r1 = join(tmp, 'run-1');
    report(r1, 'source-a', 'cat', { ok: true, summary: 'ok', durationMs: 5000 });
    report(r1, 'source-b', 'cat', { ok: true, summary: 'ok', durationMs: 7000 });
    main(['--out', join(tmp, 'fleet-1'), r1]);
    const r2 = join(tmp, 'run-2');
    report(r2, 'source-b', 'cat', { ok: false, summary: 'failed', durationMs: 9000 });
    main(['--out', join(tmp, 'fleet-2'), '--timings', join(tmp, 'fleet-1', 'timings.json'), r2]);
    const timings = JSON.parse(readFileSync(join(tmp, 'fleet-2', 'timings.json'), 'utf8'));
    expect(timings).toMatchObject({ kind: 'conveyor-timings', stages: { cat: { 'source-a': 5000, 'source-b': 9000 } } });
    // The first run has no earlier timings: a warning, not a failure.
    const first = main(['--out', join(tmp, 'fleet-0'), '--timings', join(tmp, 'nowhere.json'), r1]);
    expect(first.stdout).toContain('no timings yet');
  });

  it('writes nothing on --dry-run and explains missing arguments', () => {
    report(join(tmp, 'r'), 'source-x', 'import-check', { ok: true, summary: 'ui' });
    const r = main(['--dry-run', join(tmp, 'r')]);
    expect(r.stdout).toContain('1 report(s), 0 JUnit file(s) (dry run: nothing written)');
    expect(existsSync(join(tmp, 'fleet'))).toBe(false);
    expect(() => main([join(tmp, 'r')])).toThrow(/--out is required/);
    expect(() => main(['--out', join(tmp, 'o')])).toThrow(/at least one folder/);
  });
});
