#!/usr/bin/env node
// The README's demo: every registered stage over the sample connectors in connectors/, mutating stages in
// --dry-run (nothing in the checkout changes), then the fleet report. A stage that fails a connector is part of
// the demo (the samples include a custom component and nested config on purpose); the demo itself fails only
// when a stage could not produce its reports.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const nxBin = join(root, 'node_modules/nx/dist/bin/nx.js');
const env = { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' };
const samples = readdirSync(join(root, 'connectors')).filter((n) => existsSync(join(root, 'connectors', n, 'metadata.yaml')));
const registered = JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8')).plugins.map((p) => (typeof p === 'string' ? p : p.plugin));
const has = (plugin) => registered.includes(plugin) && existsSync(join(root, 'plugins', plugin.split('/')[1], 'dist'));

const steps = [
  { stage: 'import-check', plugin: '@conveyor/import-check', args: ['--batch'] },
  { stage: 'migrate', plugin: '@conveyor/migrate', args: ['--dry-run', '--layout=manifest-only'] },
  { stage: 'cat', plugin: '@conveyor/cat', args: [] },
  { stage: 'release', plugin: '@conveyor/release', args: ['--dry-run', '--bump=patch', '--message=Demo release through Conveyor'] },
].filter((s) => has(s.plugin));

const nx = (args) => {
  console.log(`\n$ nx ${args.join(' ')}`);
  return spawnSync(process.execPath, [nxBin, ...args], { cwd: root, stdio: 'inherit', env }).status;
};

if (spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' }).status !== 0) process.exit(1);
const projects = samples.join(',');
for (const step of steps) nx(['run-many', '-t', step.stage, `--projects=${projects}`, '--output-style=stream', '--nx-bail=false', ...step.args]);
if (existsSync(join(root, 'project.json'))) nx(['run', 'workspace:fleet-report', '--output-style=stream']);

// Summary from the reports the stages wrote.
let missing = 0;
const rows = [];
for (const name of samples) {
  const cells = [name];
  for (const step of steps) {
    const file = join(root, 'dist/conveyor', name, `${step.stage}.json`);
    if (!existsSync(file)) {
      cells.push('—');
      continue;
    }
    const r = JSON.parse(readFileSync(file, 'utf8'));
    cells.push(`${r.ok ? 'ok' : 'FAIL'}: ${brief(String(r.summary))}`);
  }
  rows.push(cells);
}
for (const step of steps) {
  const applicable = samples.filter((n) => existsSync(join(root, 'dist/conveyor', n, `${step.stage}.json`)));
  if (!applicable.length) {
    console.error(`no ${step.stage} report was written`);
    missing++;
  }
}
console.log('\n' + ['connector', ...steps.map((s) => s.stage)].join(' | '));
for (const r of rows) console.log(r.join(' | '));
console.log(`
What to expect: source-custom-pager uses a custom Python component, so import-check says yaml-only and names
the CDK component that can replace it, migrate (manifest-only) moves it to a root components.py, and its CATs
cannot run in the TypeScript engine (release, which depends on cat, does not run). source-nested-config reads nested
config: try \`npx nx run source-nested-config:import-check --fix --dry-run\`. The CATs replay the HTTP
cassettes in each connector's integration_tests/cassettes/, offline and without credentials.`);
if (existsSync(join(root, 'dist/conveyor/fleet/index.html'))) console.log(`\nfleet report: ${join(root, 'dist/conveyor/fleet/index.html')}`);
process.exit(missing ? 1 : 0);

/** The first clause of a stage summary, whole words only (the full text is in the report). */
function brief(summary) {
  const head = summary.split(/ — |; | \(/)[0];
  return head.length <= 56 ? head : `${head.slice(0, 55).replace(/\s+\S*$/, '')}…`;
}
