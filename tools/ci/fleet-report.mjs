#!/usr/bin/env node
// Aggregate the reports of every shard into one fleet report:
//   node tools/ci/fleet-report.mjs --out fleet shard-reports/*
// writes fleet/fleet-report.json (also usable as --timings for the next shard split), fleet/fleet-report.md
// (append it to $GITHUB_STEP_SUMMARY) and fleet/fleet.junit.xml (one JUnit file for the test view).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { collect, mergeJunit, mergeTimings, summarize, toMarkdown } from './lib/fleet.mjs';
import { readTimings } from './lib/inputs.mjs';

const USAGE = `usage: fleet-report.mjs --out <folder> [--timings previous/timings.json] [--fail-on-error] [--dry-run] <reports folder>...
  Reads <project>/<stage>.json reports and *.junit.xml files under each folder (e.g. downloaded shard artifacts).
  Writes fleet-report.json, fleet-report.md, fleet.junit.xml and timings.json (the previous timings updated with
  this run's durations: give it to the next \`shard.mjs --timings\`).`;

/** @param {string[]} argv */
export function main(argv) {
  const { values: a, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      timings: { type: 'string' },
      'fail-on-error': { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (a.help) return { stdout: USAGE + '\n', code: 0 };
  if (!positionals.length) throw Object.assign(new Error('give at least one folder of reports'), { usage: true });
  if (!a.out && !a['dry-run']) throw Object.assign(new Error('--out is required (or --dry-run to only print the summary)'), { usage: true });
  const { reports, junit, problems } = collect(positionals.map((p) => resolve(p)));
  const fleet = summarize(reports);
  const md = toMarkdown(fleet, reports);
  if (!a['dry-run']) {
    const out = resolve(a.out);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'fleet-report.json'), JSON.stringify(fleet, null, 2) + '\n');
    writeFileSync(join(out, 'fleet-report.md'), md);
    writeFileSync(join(out, 'fleet.junit.xml'), mergeJunit(reports, junit, process.cwd()));
    const previous = a.timings ? readTimings(resolve(a.timings), problems) : {};
    writeFileSync(join(out, 'timings.json'), JSON.stringify(mergeTimings(previous, reports), null, 2) + '\n');
  }
  const notes = problems.map((p) => `warning: ${p}\n`).join('');
  const tail = `${reports.length} report(s), ${junit.length} JUnit file(s)${a['dry-run'] ? ' (dry run: nothing written)' : ` → ${a.out}`}\n`;
  return { stdout: notes + md + tail, code: a['fail-on-error'] && !fleet.ok ? 1 : 0 };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  try {
    const r = main(process.argv.slice(2));
    process.stdout.write(r.stdout);
    process.exitCode = r.code;
  } catch (e) {
    const err = /** @type {Error & { usage?: boolean, code?: string }} */ (e);
    const usage = err.usage || String(err.code).startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`fleet-report: ${err.message}\n${usage ? USAGE + '\n' : ''}`);
    process.exitCode = usage ? 2 : 1;
  }
}
