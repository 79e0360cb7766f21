// Benchmark: sharding a fleet of 500 connectors, and a 4-shard run against one unsharded run.
//   node tools/bench/shard.mjs [--connectors 500] [--shards 4]
// 1. Time to compute shards: the splitter alone (durations in memory), the CLI reading 500 reports, and the
//    CLI end to end including `nx show projects --affected` on the 500-connector workspace.
// 2. A simulated CI: four shard processes on this machine (fresh clones, `nx run-many --batch`) against one
//    cache server, against one unsharded process on its own cache server; then the same four shards again on
//    fresh clones, which the remote cache should answer.
// Writes tools/bench/results/shard.json.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCacheServer, listen } from '../cache-server/server.mjs';
import { splitIntoShards, weighProjects, imbalance } from '../ci/lib/balance.mjs';
import { main as shardCli } from '../ci/shard.mjs';
import { REPO_ROOT, replicateFleet, writeResult } from './lib.mjs';

const { values: args } = parseArgs({ options: { connectors: { type: 'string', default: '500' }, shards: { type: 'string', default: '4' } } });
const N = Number(args.connectors);
const SHARDS = Number(args.shards);
const tmp = mkdtempSync(join(tmpdir(), 'conveyor-bench-shard-'));
const git = (cwd, ...a) => execFileSync('git', a, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const seconds = (t0) => Number(process.hrtime.bigint() - t0) / 1e9;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function run(cmd, argv, cwd, env = {}) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', CI: 'true', FORCE_COLOR: '0', ...env } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code, output, seconds: seconds(t0) }));
  });
}
const nx = (cwd, argv, env) => run(process.execPath, [join(cwd, 'node_modules/.bin/nx'), ...argv], cwd, env);

/**
 * node_modules linking this checkout's packages, with the @conveyor ones copied: plugins are fingerprinted by
 * their files, and a frozen copy keeps task hashes stable while this checkout changes (see tools/ci/test/support.ts).
 */
function snapshotNodeModules(dest) {
  const src = join(REPO_ROOT, 'node_modules');
  mkdirSync(join(dest, '@conveyor'), { recursive: true });
  for (const entry of readdirSync(src)) if (entry !== '@conveyor') symlinkSync(join(src, entry), join(dest, entry));
  for (const pkg of readdirSync(join(src, '@conveyor'))) {
    const real = realpathSync(join(src, '@conveyor', pkg));
    cpSync(real, join(dest, '@conveyor', pkg), { recursive: true, filter: (p) => !/\/(node_modules|test)(\/|$)|\.tsbuildinfo$/.test(p.slice(real.length)) });
  }
  return dest;
}

/** The @conveyor packages as registry installs in a lockfile, so Nx can hash the plugins (see tools/ci/test/support.ts). */
function lockfile(modules) {
  const scope = join(modules, '@conveyor');
  const deps = {};
  const packages = {};
  for (const short of readdirSync(scope).sort()) {
    const pkg = JSON.parse(readFileSync(join(scope, short, 'package.json'), 'utf8'));
    deps[pkg.name] = `^${pkg.version}`;
    const h = createHash('sha512').update(pkg.name + pkg.version);
    const walk = (d) => existsSync(d) && readdirSync(d).forEach((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : h.update(readFileSync(join(d, f)))));
    walk(join(scope, short, 'dist'));
    packages[`node_modules/${pkg.name}`] = { version: pkg.version, resolved: `https://registry.npmjs.org/${pkg.name}/-/${short}-${pkg.version}.tgz`, integrity: `sha512-${h.digest('base64')}` };
  }
  return { deps, lock: { name: 'fleet', lockfileVersion: 3, requires: true, packages: { '': { name: 'fleet', dependencies: deps }, ...packages } } };
}

// --- the fleet repository: configs first, then N connectors (manifest connectors of the corpus, repeated)
const origin = join(tmp, 'origin');
mkdirSync(origin);
const modules = snapshotNodeModules(join(tmp, 'node_modules'));
const { deps, lock } = lockfile(modules);
const nxJson = JSON.parse(readFileSync(join(REPO_ROOT, 'nx.json'), 'utf8'));
writeFileSync(join(origin, 'nx.json'), JSON.stringify({ ...nxJson, plugins: ['@conveyor/import-check'] }, null, 2));
writeFileSync(join(origin, 'package.json'), JSON.stringify({ name: 'fleet', private: true, dependencies: deps }, null, 2));
writeFileSync(join(origin, 'package-lock.json'), JSON.stringify(lock, null, 2));
writeFileSync(join(origin, '.gitignore'), 'node_modules\n.nx\ndist\n');
git(origin, 'init', '-q', '-b', 'main');
git(origin, 'config', 'user.email', 'bench@conveyor.test');
git(origin, 'config', 'user.name', 'bench');
git(origin, 'add', '-A');
git(origin, 'commit', '-qm', 'workspace');
const base = git(origin, 'rev-parse', 'HEAD');
replicateFleet(origin, N);
git(origin, 'add', '-A');
git(origin, 'commit', '-qm', 'connectors');
let clones = 0;
const clone = () => {
  const dir = join(tmp, `clone-${++clones}`);
  git(tmp, 'clone', '-q', '--local', origin, dir);
  symlinkSync(modules, join(dir, 'node_modules'), 'dir');
  return dir;
};

// --- 1. time to compute shards
const planner = clone();
const listed = await nx(planner, ['show', 'projects', '--affected', `--base=${base}`, '--withTarget', 'import-check', '--json']);
const projects = JSON.parse(listed.output.trim().split('\n').pop());
let s = 7;
const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const durations = new Map(projects.map((p) => [p, Math.round(rand() < 0.9 ? 2000 + rand() * 8000 : 30_000 + rand() * 200_000)]));
const pure = [];
for (let i = 0; i < 50; i++) {
  const t0 = process.hrtime.bigint();
  splitIntoShards(weighProjects(projects, durations), SHARDS);
  pure.push(seconds(t0) * 1000);
}
for (const p of projects) {
  mkdirSync(join(planner, 'dist/conveyor', p), { recursive: true });
  writeFileSync(join(planner, 'dist/conveyor', p, 'cat.json'), JSON.stringify({ stage: 'cat', project: p, ok: true, summary: 'ok', durationMs: durations.get(p) }));
}
writeFileSync(join(planner, 'projects.txt'), projects.join('\n'));
const fromReports = [];
for (let i = 0; i < 5; i++) {
  const t0 = process.hrtime.bigint();
  shardCli(['-t', 'cat', '--shards', String(SHARDS), '--projects-file', join(planner, 'projects.txt'), '--cwd', planner]);
  fromReports.push(seconds(t0) * 1000);
}
const endToEnd = [];
let matrix;
for (let i = 0; i < 3; i++) {
  const r = await run(process.execPath, [join(REPO_ROOT, 'tools/ci/shard.mjs'), '-t', 'import-check', '--shards', String(SHARDS), `--base=${base}`], planner);
  if (r.code !== 0) throw new Error(r.output);
  endToEnd.push(r.seconds);
  matrix = JSON.parse(r.output.split('\n').find((l) => l.startsWith('{')));
}
const balance = imbalance(splitIntoShards(weighProjects(projects, durations), SHARDS));

// --- 2. simulated CI run: one unsharded process vs SHARDS processes, each against a cache server
async function server(name) {
  const token = `bench-${name}`;
  const dir = join(tmp, `store-${name}`);
  const stats = { gets: 0, hits: 0, puts: 0 };
  const log = [];
  const srv = createCacheServer({
    dir,
    readWriteTokens: [token],
    onEvent: (e) => {
      log.push(e);
      if (e.method === 'GET') (stats.gets++, e.status === 200 && stats.hits++);
      else if (e.method === 'PUT' && e.status === 200) stats.puts++;
    },
  });
  const url = await listen(srv);
  return { env: { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token }, stats, log, close: () => new Promise((r) => srv.close(r)) };
}
const runTarget = (dir, list, env) => nx(dir, ['run-many', '-t', 'import-check', ...(list ? [`--projects=${list}`] : []), '--batch', '--output-style=stream'], env);
const tasksOf = (out) => Number(/for (\d+) projects?/.exec(out)?.[1] ?? 0);

const single = await server('unsharded');
const u = clone();
const unsharded = await runTarget(u, undefined, single.env);
const shardStore = await server('sharded');
const cold = matrix.include.map((m) => ({ m, dir: clone() }));
let t0 = process.hrtime.bigint();
const coldRuns = await Promise.all(cold.map(({ m, dir }) => runTarget(dir, m.projects, shardStore.env)));
const coldWall = seconds(t0);
const coldStats = { ...shardStore.stats };
const coldPuts = new Set(shardStore.log.filter((e) => e.method === 'PUT' && e.status === 200).map((e) => e.hash));
const warm = matrix.include.map((m) => ({ m, dir: clone() }));
t0 = process.hrtime.bigint();
const warmRuns = await Promise.all(warm.map(({ m, dir }) => runTarget(dir, m.projects, shardStore.env)));
const warmWall = seconds(t0);
const warmHitsOfColdResults = new Set(shardStore.log.filter((e) => e.method === 'GET' && e.status === 200 && coldPuts.has(e.hash)).map((e) => e.hash)).size;
await single.close();
await shardStore.close();

const result = {
  connectors: N,
  projectsWithTarget: projects.length,
  shards: SHARDS,
  computeShards: {
    splitterOnlyMs: { median: median(pure), runs: pure.length },
    cliFromReportsMs: { median: median(fromReports), runs: fromReports },
    cliWithNxAffectedSeconds: { median: median(endToEnd), runs: endToEnd },
    maxLoadOverIdeal: Number(balance.toFixed(4)),
  },
  simulatedRun: {
    target: 'import-check (nx run-many --batch)',
    unsharded: { seconds: unsharded.seconds, tasks: tasksOf(unsharded.output), exit: unsharded.code, cache: { ...single.stats } },
    shardedCold: { wallSeconds: coldWall, perShardSeconds: coldRuns.map((r) => r.seconds), tasks: coldRuns.map((r) => tasksOf(r.output)), cache: coldStats },
    shardedWarm: {
      wallSeconds: warmWall,
      perShardSeconds: warmRuns.map((r) => r.seconds),
      cache: { gets: shardStore.stats.gets - coldStats.gets, hits: shardStore.stats.hits - coldStats.hits, puts: shardStore.stats.puts - coldStats.puts },
      storedByColdPassAndHit: `${warmHitsOfColdResults}/${coldPuts.size}`,
    },
    ratioShardedColdOverUnsharded: Number((coldWall / unsharded.seconds).toFixed(3)),
    ratioShardedWarmOverUnsharded: Number((warmWall / unsharded.seconds).toFixed(3)),
  },
  load: { cpus: cpus().length, loadavg1mAtEnd: loadavg()[0] },
  notes: [
    `All ${SHARDS} shards ran as processes on this one ${cpus().length}-core machine, which other engineers were using at the same time: they compete for the same cores, so the cold ratio shows contention, not what ${SHARDS} CI machines would give (there, each shard's wall time is roughly its own per-shard time).`,
    'Failing connectors (the corpus has real import-check failures) are not cached, so the warm pass re-runs them; every passing task is a remote hit.',
    'import-check is fast per connector, so Nx start-up and graph construction are a large share of each shard; a stage like cat with real reads shards better.',
  ],
};
const file = writeResult('shard', result);
console.log(JSON.stringify(result, null, 2));
console.log(`written ${file}`);
rmSync(tmp, { recursive: true, force: true });
