// What the splitter reads: the affected connectors (from Nx) and their last measured durations (from the
// stage reports `dist/conveyor/<project>/<stage>.json` the stage-kit writes, or from a previous fleet report).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Projects that have `target`, affected between base and head (or all of them with `all`).
 * Nx decides: it applies the project graph, including @conveyor/fleet's implicit dependencies.
 * @param {{ cwd: string, target: string, base?: string, head?: string, all?: boolean, exclude?: string }} o
 * @returns {string[]}
 */
export function listProjects(o) {
  const nx = join(o.cwd, 'node_modules', '.bin', 'nx');
  if (!existsSync(nx)) throw new Error(`Nx is not installed in ${o.cwd} (looked for node_modules/.bin/nx); run npm ci first`);
  const args = [nx, 'show', 'projects', '--json', '--withTarget', o.target];
  if (!o.all) {
    args.push('--affected');
    if (o.base) args.push(`--base=${o.base}`);
    if (o.head) args.push(`--head=${o.head}`);
  }
  if (o.exclude) args.push(`--exclude=${o.exclude}`);
  let out;
  try {
    out = execFileSync(process.execPath, args, {
      cwd: o.cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { NX_DAEMON: 'false', NX_TUI: 'false', ...process.env },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    const err = /** @type {{ stderr?: string, stdout?: string, message: string }} */ (e);
    throw new Error(`nx show projects failed:\n${(err.stderr || err.stdout || err.message).trim()}`);
  }
  // Nx may print notices before the JSON; the list is the last line that parses as an array.
  const line = out.trim().split('\n').reverse().find((l) => l.trim().startsWith('['));
  if (!line) throw new Error(`nx show projects printed no JSON list:\n${out.slice(0, 500)}`);
  return JSON.parse(line);
}

/**
 * Last measured duration (ms) per project: its report `reportsDir/<project>/<stage>.json` first; for projects
 * without one, a previous run's fleet report (CI keeps one as an artifact or in its cache).
 * @param {string[]} projects @param {{ reportsDir: string, stage: string, timingsFile?: string }} o
 * @returns {{ durations: Map<string, number>, problems: string[] }}
 */
export function readDurations(projects, o) {
  const durations = new Map();
  const problems = [];
  for (const project of projects) {
    const file = join(o.reportsDir, project, `${o.stage}.json`);
    if (!existsSync(file)) continue;
    try {
      const report = JSON.parse(readFileSync(file, 'utf8'));
      if (typeof report.durationMs === 'number' && report.durationMs >= 0) durations.set(project, report.durationMs);
      else problems.push(`${file}: no numeric durationMs; counting this connector as typical`);
    } catch (e) {
      problems.push(`${file}: not valid JSON (${/** @type {Error} */ (e).message}); counting this connector as typical`);
    }
  }
  if (o.timingsFile) {
    const known = readTimings(o.timingsFile, problems)[o.stage] ?? {};
    for (const [project, ms] of Object.entries(known)) if (!durations.has(project) && projects.includes(project)) durations.set(project, ms);
  }
  return { durations, problems };
}

/**
 * Durations by stage and project from a timings file (`fleet/timings.json`, carried from run to run by CI) or a
 * fleet report. A missing file is normal on the first run; a file that is not one of these is an error.
 * @returns {Record<string, Record<string, number>>}
 */
export function readTimings(file, problems = []) {
  let data;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const err = /** @type {Error & { code?: string }} */ (e);
    if (err.code === 'ENOENT') {
      problems.push(`${file}: no timings yet (first run?); connectors without a report count as typical`);
      return {};
    }
    throw new Error(`${file}: expected timings.json or fleet-report.json from tools/ci/fleet-report.mjs: ${err.message}`);
  }
  if (data && typeof data.stages === 'object' && data.kind === 'conveyor-timings') return data.stages;
  if (data && Array.isArray(data.reports)) {
    const out = {};
    for (const r of data.reports) if (typeof r.durationMs === 'number') (out[r.stage] ??= {})[r.project] = r.durationMs;
    return out;
  }
  throw new Error(`${file}: expected timings.json ({"kind":"conveyor-timings","stages":{…}}) or a fleet-report.json`);
}
