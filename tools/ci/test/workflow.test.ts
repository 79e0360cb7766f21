import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const README = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

/** The README's GitHub Actions workflow, as a user would copy it. */
function workflow(): { text: string; doc: { jobs: Record<string, { needs?: string | string[]; steps: { run?: string; uses?: string }[]; strategy?: { matrix: string } }> } } {
  const section = README.slice(README.indexOf('## GitHub Actions'));
  const m = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('no yaml block under "## GitHub Actions"');
  return { text: m[1], doc: parse(m[1]) };
}

describe('the README workflow', () => {
  it('is valid YAML with the pipeline affected → shards → per-shard runs → fleet report', () => {
    const { doc } = workflow();
    expect(Object.keys(doc.jobs)).toEqual(['plan', 'shard', 'report']);
    expect(doc.jobs.shard.needs).toBe('plan');
    expect(doc.jobs.shard.strategy?.matrix).toContain('fromJSON(needs.plan.outputs.matrix)');
    expect(doc.jobs.report.needs).toEqual(['plan', 'shard']);
    const runs = (job: string) => doc.jobs[job].steps.map((s) => s.run ?? '').join('\n');
    expect(runs('plan')).toContain('tools/ci/shard.mjs');
    expect(runs('shard')).toMatch(/nx run-many -t "\$TARGET" --projects="\$PROJECTS" --batch/);
    expect(runs('report')).toContain('tools/ci/fleet-report.mjs');
    expect(doc.jobs.report.steps.some((s) => s.uses?.startsWith('mikepenz/action-junit-report'))).toBe(true);
  });

  it('only uses options the scripts have', () => {
    const { text } = workflow();
    const seen: string[] = [];
    for (const script of ['shard.mjs', 'fleet-report.mjs']) {
      const source = readFileSync(join(__dirname, '..', script), 'utf8');
      const calls = text.split(/node tools\/ci\//).slice(1).filter((c) => c.startsWith(script));
      expect(calls.length).toBeGreaterThan(0);
      for (const call of calls) {
        const flags = [...call.split(/\n\s*(?:- |[\w-]+:)/)[0].matchAll(/\s--([a-z-]+)/g)].map((f) => f[1]);
        for (const flag of flags) expect(source, `${script} --${flag}`).toMatch(new RegExp(`['\\s]${flag}'?:\\s*\\{`));
        seen.push(...flags);
      }
    }
    expect(new Set(seen)).toEqual(new Set(['shards', 'base', 'head', 'timings', 'github-output', 'out', 'dry-run', 'fail-on-error']));
  });
});
