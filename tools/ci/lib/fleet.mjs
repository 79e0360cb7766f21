// Gather the per-connector stage reports of many shards into one fleet report and one JUnit file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * @typedef {{ stage: string, project: string, ok: boolean, summary: string, durationMs?: number, startedAt?: string,
 *   findings?: { rule: string, severity: string, message: string, file?: string, line?: number }[] }} StageReport
 * @typedef {{ file: string, report: StageReport }} Found
 */

/** Every stage report (`<project>/<stage>.json` with matching fields) and JUnit file under the given folders. */
export function collect(dirs) {
  /** @type {Found[]} */
  const reports = [];
  /** @type {string[]} */
  const junit = [];
  /** @type {string[]} */
  const problems = [];
  const walk = (dir) => {
    let names;
    try {
      names = readdirSync(dir).sort();
    } catch (e) {
      problems.push(`${dir}: cannot read (${/** @type {Error} */ (e).message})`);
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (name !== 'node_modules' && name !== '.git') walk(path);
      } else if (name.endsWith('.junit.xml')) junit.push(path);
      else if (name.endsWith('.json')) {
        let report;
        try {
          report = JSON.parse(readFileSync(path, 'utf8'));
        } catch {
          continue; // not every JSON file in an artifact is a report
        }
        if (report && typeof report.stage === 'string' && typeof report.project === 'string' && typeof report.ok === 'boolean') reports.push({ file: path, report });
      }
    }
  };
  for (const d of dirs) walk(d);
  return { reports: latestPerTask(reports), junit, problems };
}

/** One report per project and stage: a shard may restore another's report from the cache; the newest wins. */
function latestPerTask(found) {
  const byKey = new Map();
  for (const f of found) {
    const key = `${f.report.project}\0${f.report.stage}`;
    const prev = byKey.get(key);
    if (!prev || (f.report.startedAt ?? '') > (prev.report.startedAt ?? '')) byKey.set(key, f);
  }
  return [...byKey.values()].sort((a, b) => a.report.project.localeCompare(b.report.project) || a.report.stage.localeCompare(b.report.stage));
}

/** The fleet report: totals per stage, and one row per connector and stage. */
export function summarize(found) {
  const stages = {};
  for (const { report: r } of found) {
    const s = (stages[r.stage] ??= { total: 0, passed: 0, failed: 0, durationMs: 0 });
    s.total++;
    r.ok ? s.passed++ : s.failed++;
    s.durationMs += r.durationMs ?? 0;
  }
  return {
    generatedAt: new Date().toISOString(),
    ok: found.every((f) => f.report.ok),
    stages,
    reports: found.map(({ report: r }) => ({
      project: r.project,
      stage: r.stage,
      ok: r.ok,
      summary: r.summary,
      durationMs: r.durationMs,
      errors: (r.findings ?? []).filter((f) => f.severity === 'error').length,
    })),
  };
}

/** Markdown for $GITHUB_STEP_SUMMARY: totals, then the failures with their first error. */
export function toMarkdown(fleet, found) {
  const out = ['## Conveyor fleet report', '', '| stage | connectors | passed | failed |', '|---|---:|---:|---:|'];
  for (const [stage, s] of Object.entries(fleet.stages)) out.push(`| ${stage} | ${s.total} | ${s.passed} | ${s.failed} |`);
  const failed = found.filter((f) => !f.report.ok);
  if (failed.length) {
    out.push('', '### Failures', '');
    for (const { report: r } of failed) {
      const first = (r.findings ?? []).find((f) => f.severity === 'error');
      const where = first?.file ? ` (${first.file}${first.line ? `:${first.line}` : ''})` : '';
      out.push(`- **${r.project}** \`${r.stage}\`: ${oneLine(r.summary)}${where}`);
    }
  }
  return out.join('\n') + '\n';
}

/**
 * One JUnit document: the test suites of every `*.junit.xml` (cat writes one per connector) plus a test case
 * per report of stages that write no JUnit of their own, so a CI test view shows every connector and stage.
 */
export function mergeJunit(found, junitFiles, root) {
  const suites = [];
  const covered = new Set();
  for (const file of junitFiles) {
    const xml = readFileSync(file, 'utf8');
    const inner = xml.match(/<testsuite\b[^>]*\/>|<testsuite\b[\s\S]*?<\/testsuite>/g) ?? [];
    // dist/conveyor/<project>/<stage>.junit.xml → that task has its own test cases.
    const m = /([^/\\]+)[/\\]([^/\\]+)\.junit\.xml$/.exec(file);
    if (m) covered.add(`${m[1]}\0${m[2]}`);
    // One connector's suites are named after CAT's suites (spec, connection …); across a fleet they need
    // the connector's name to tell them apart.
    const project = m?.[1];
    suites.push(
      ...inner.map((suite) =>
        project ? suite.replace(/^<testsuite\b([^>]*?)\bname="([^"]*)"/, (all, before, name) => (name.includes(esc(project)) ? all : `<testsuite${before}name="${esc(project)} ${name}"`)) : suite,
      ),
    );
  }
  const byStage = new Map();
  for (const f of found) {
    if (covered.has(`${f.report.project}\0${f.report.stage}`)) continue;
    const list = byStage.get(f.report.stage) ?? [];
    list.push(f);
    byStage.set(f.report.stage, list);
  }
  for (const [stage, list] of byStage) {
    const failures = list.filter((f) => !f.report.ok).length;
    const time = list.reduce((t, f) => t + (f.report.durationMs ?? 0), 0) / 1000;
    const cases = list.map(({ report: r, file }) => {
      const attrs = `classname="${esc(r.project)}" name="${esc(`${r.project}:${stage}`)}" time="${((r.durationMs ?? 0) / 1000).toFixed(3)}" file="${esc(relative(root, file))}"`;
      if (r.ok) return `    <testcase ${attrs}/>`;
      const detail = (r.findings ?? []).map((p) => `${p.severity} ${p.rule}: ${p.message}${p.file ? ` (${p.file}${p.line ? `:${p.line}` : ''})` : ''}`).join('\n');
      return `    <testcase ${attrs}>\n      <failure message="${esc(oneLine(r.summary))}">${esc(detail)}</failure>\n    </testcase>`;
    });
    suites.push(`  <testsuite name="conveyor ${esc(stage)}" tests="${list.length}" failures="${failures}" errors="0" time="${time.toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="conveyor fleet">\n${suites.join('\n')}\n</testsuites>\n`;
}

function oneLine(s) {
  const line = String(s ?? '').split('\n')[0];
  return line.length > 200 ? line.slice(0, 197) + '…' : line;
}

function esc(s) {
  return String(s).replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]);
}

/**
 * Timings to carry to the next run: the previous ones, overwritten by every duration measured now. A run
 * that touched only a few connectors keeps the others' last measurements, so shards stay balanced.
 */
export function mergeTimings(previous, found) {
  const stages = structuredClone(previous ?? {});
  for (const { report: r } of found) if (typeof r.durationMs === 'number') (stages[r.stage] ??= {})[r.project] = r.durationMs;
  return { kind: 'conveyor-timings', updatedAt: new Date().toISOString(), stages };
}
