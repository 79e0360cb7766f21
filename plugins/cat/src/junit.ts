import type { TestResult } from './run/outcome';

const escape = (s: string) =>
  s
    // XML 1.0 forbids most control characters; a connector's garbage output must not break the file.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/** JUnit XML (the dialect CI systems read): one testsuite per CAT suite, one testcase per test. */
export function toJunit(project: string, results: readonly TestResult[]): string {
  const suites = new Map<string, TestResult[]>();
  for (const r of results) suites.set(r.suite, [...(suites.get(r.suite) ?? []), r]);
  const count = (rs: readonly TestResult[], s: TestResult['status']) => rs.filter((r) => r.status === s).length;
  const secs = (rs: readonly TestResult[]) => (rs.reduce((n, r) => n + r.durationMs, 0) / 1000).toFixed(3);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escape(`${project} cat`)}" tests="${results.length}" failures="${count(results, 'failed')}" skipped="${count(results, 'skipped')}" time="${secs(results)}">`,
  ];
  for (const [suite, rs] of suites) {
    out.push(`  <testsuite name="${escape(suite)}" tests="${rs.length}" failures="${count(rs, 'failed')}" skipped="${count(rs, 'skipped')}" time="${secs(rs)}">`);
    for (const r of rs) {
      const attrs = `classname="${escape(`${project}.${suite}`)}" name="${escape(r.name)}" time="${(r.durationMs / 1000).toFixed(3)}"${r.file ? ` file="${escape(r.file)}"` : ''}${r.line ? ` line="${r.line}"` : ''}`;
      if (r.status === 'passed') out.push(`    <testcase ${attrs}/>`);
      else if (r.status === 'skipped') out.push(`    <testcase ${attrs}><skipped message="${escape(r.message)}"/></testcase>`);
      else out.push(`    <testcase ${attrs}><failure message="${escape(r.message.split('\n')[0].slice(0, 500))}">${escape(r.message)}</failure></testcase>`);
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}
