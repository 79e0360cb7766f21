#!/usr/bin/env node
// Affected connectors for a target, split into N balanced shards, printed as a CI matrix:
//   node tools/ci/shard.mjs -t cat --shards 4 --base origin/main --head HEAD
//   → {"include":[{"shard":1,"of":4,"projects":"source-a,source-b",...},...]}
// Each shard then runs `nx run-many -t cat --projects=<projects> --batch`.
import { appendFileSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { imbalance, splitIntoShards, weighProjects } from './lib/balance.mjs';
import { listProjects, readDurations } from './lib/inputs.mjs';

const USAGE = `usage: shard.mjs -t <target> --shards <N> [--base <ref>] [--head <ref>] [--all]
                 [--projects a,b | --projects-file list.txt] [--stage <name>] [--reports dist/conveyor]
                 [--timings timings.json] [--cwd <workspace>] [--github-output] [--dry-run]
  Prints {"include":[{shard, of, projects, count, estimatedMs, unmeasured}]} on stdout, a summary on stderr.
  --timings        last durations from an earlier run (fleet-report.mjs's timings.json or fleet-report.json),
                   for connectors without a report in --reports (default dist/conveyor)
  --index K        print only shard K's projects (comma-separated), for CIs that give each parallel job its
                   number (GitLab CI_NODE_INDEX, CircleCI CIRCLE_NODE_INDEX + 1): every job splits alike
  --github-output  also append matrix=<json> and count=<n> to $GITHUB_OUTPUT
  --dry-run        print the summary only (no JSON, no $GITHUB_OUTPUT)`;

/** @param {string[]} argv */
export function main(argv) {
  const { values: a } = parseArgs({
    args: argv,
    options: {
      target: { type: 'string', short: 't' },
      shards: { type: 'string', short: 'n' },
      base: { type: 'string' },
      head: { type: 'string' },
      all: { type: 'boolean', default: false },
      exclude: { type: 'string' },
      projects: { type: 'string' },
      'projects-file': { type: 'string' },
      stage: { type: 'string' },
      reports: { type: 'string' },
      timings: { type: 'string' },
      cwd: { type: 'string', default: process.cwd() },
      index: { type: 'string' },
      'github-output': { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (a.help) return { stdout: USAGE + '\n', stderr: '', code: 0 };
  if (!a.target) throw new UsageError('--target (-t) is required: the Nx target the shards will run, e.g. -t cat');
  const count = Number(a.shards);
  if (!a.shards || !Number.isInteger(count) || count < 1) throw new UsageError(`--shards must be a positive integer, got ${JSON.stringify(a.shards ?? null)}`);
  const cwd = resolve(a.cwd);

  let projects;
  if (a.projects !== undefined) projects = a.projects.split(/[\s,]+/).filter(Boolean);
  else if (a['projects-file']) projects = readFileSync(a['projects-file'], 'utf8').split(/[\s,]+/).filter(Boolean);
  else projects = listProjects({ cwd, target: a.target, base: a.base, head: a.head, all: a.all, exclude: a.exclude });

  // Reports are named after the stage, which is the target name unless nx.json renamed the target.
  const stage = a.stage ?? a.target;
  const { durations, problems } = readDurations(projects, {
    reportsDir: resolve(cwd, a.reports ?? 'dist/conveyor'),
    stage,
    timingsFile: a.timings ? resolve(cwd, a.timings) : undefined,
  });
  const shards = splitIntoShards(weighProjects(projects, durations), count);
  const matrix = { include: shards.map((s) => ({ ...s, projects: s.projects.join(',') })) };

  const lines = [...problems.map((p) => `warning: ${p}`)];
  lines.push(`${projects.length} connector(s) with target ${a.target} → ${shards.length} shard(s); ${durations.size} with a measured duration`);
  for (const s of shards) {
    // With nothing measured the weights are counts, and a time estimate would be made up.
    const estimate = durations.size ? `, ~${Math.round(s.estimatedMs / 1000)} s` : '';
    lines.push(`  shard ${s.shard}/${s.of}: ${s.count} connector(s)${estimate}${s.unmeasured && durations.size ? ` (${s.unmeasured} unmeasured, counted as typical)` : ''}`);
  }
  if (shards.length) lines.push(`  max load / ideal = ${imbalance(shards).toFixed(3)}`);
  const json = JSON.stringify(matrix);
  if (a.index !== undefined) {
    const k = Number(a.index);
    if (!Number.isInteger(k) || k < 1 || k > count) throw new UsageError(`--index must be a shard number from 1 to ${count}, got ${JSON.stringify(a.index)}`);
    // Fewer connectors than shards: the surplus jobs get an empty list and have nothing to run.
    return { stdout: a['dry-run'] ? '' : (shards[k - 1]?.projects.join(',') ?? '') + '\n', stderr: lines.join('\n') + '\n', code: 0 };
  }
  if (a['github-output'] && !a['dry-run']) {
    if (!process.env.GITHUB_OUTPUT) throw new UsageError('--github-output needs $GITHUB_OUTPUT (set by GitHub Actions)');
    appendFileSync(process.env.GITHUB_OUTPUT, `matrix=${json}\ncount=${shards.length}\n`);
  }
  return { stdout: a['dry-run'] ? '' : json + '\n', stderr: lines.join('\n') + '\n', code: 0 };
}

export class UsageError extends Error {}

// Run as a script (not when imported by tests).
if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  try {
    const r = main(process.argv.slice(2));
    process.stderr.write(r.stderr);
    process.stdout.write(r.stdout);
    process.exitCode = r.code;
  } catch (e) {
    const err = /** @type {Error & { code?: string }} */ (e);
    const usage = err instanceof UsageError || String(err.code).startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`shard: ${err.message}\n${usage ? USAGE + '\n' : ''}`);
    process.exitCode = usage ? 2 : 1;
  }
}
