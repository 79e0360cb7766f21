import type { Fleet } from './types';

/** A summary short enough for a CI job summary ($GITHUB_STEP_SUMMARY): counts, top blockers, what failed. */
export function renderFleetMarkdown(f: Fleet, maxFailures = 30): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const ready = f.connectors.filter((c) => c.verdict === 'ui').length;
  const checked = f.connectors.filter((c) => c.verdict).length;
  const out: string[] = [
    `## ${f.title}`,
    '',
    `${f.connectors.length} connectors · **${f.migration.done}/${f.migration.total}** manifest connectors are manifest-only · **${ready}/${checked}** import into the Builder UI · CAT **${f.cat.passed}** passed, **${f.cat.failed}** failed, ${f.cat.notRun} not run`,
    '',
    '| Layout | Connectors | ui | yaml-only | invalid | not checked |',
    '| :----- | ---------: | -: | --------: | ------: | ----------: |',
  ];
  for (const l of f.layouts) {
    const of = (v: string | undefined) => f.connectors.filter((c) => c.layout === l.key && c.verdict === v).length;
    out.push(`| ${l.key} | ${l.count} | ${of('ui')} | ${of('yaml-only')} | ${of('invalid')} | ${of(undefined)} |`);
  }
  if (f.blockingFindings.length) {
    out.push('', '### Most common blocking findings', '', '| Rule | Connectors | Examples |', '| :--- | ---------: | :------- |');
    for (const b of f.blockingFindings.slice(0, 10))
      out.push(`| \`${cell(b.key)}\` | ${b.count} | ${cell(b.connectors.slice(0, 5).join(', '))}${b.connectors.length > 5 ? ', …' : ''} |`);
  }
  const failing = f.connectors.filter((c) => Object.values(c.stages).some((s) => !s.ok) || c.problems.length);
  if (failing.length) {
    out.push('', `### Needs attention (${failing.length})`, '');
    for (const c of failing.slice(0, maxFailures)) {
      const bad = Object.entries(c.stages)
        .filter(([, s]) => !s.ok)
        .map(([stage, s]) => `${stage}: ${cell(s.summary)}`);
      out.push(`- **${c.project}** (${c.layout}) — ${[...bad, ...c.problems.map(cell)].join('; ')}`);
    }
    if (failing.length > maxFailures) out.push(`- … and ${failing.length - maxFailures} more (see fleet.json)`);
  }
  out.push('');
  return out.join('\n');
}
