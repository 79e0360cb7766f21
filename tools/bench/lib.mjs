// Shared helpers for benchmarks: throwaway Nx workspaces over this checkout's installed packages.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CORPUS = resolve(REPO_ROOT, '..', 'shared', 'corpus');
export const FIXTURE_STAGES = {
  '@conveyor-test/first': join(REPO_ROOT, 'test/fixtures/stage-plugins/first'),
  '@conveyor-test/second': join(REPO_ROOT, 'test/fixtures/stage-plugins/second'),
};

/** A temp Nx workspace whose node_modules links this checkout's packages plus `extra` ones. */
export function makeWorkspace(plugins, extra = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-bench-'));
  const src = join(REPO_ROOT, 'node_modules');
  const dest = join(dir, 'node_modules');
  mkdirSync(dest);
  for (const entry of readdirSync(src)) {
    if (entry.startsWith('@')) {
      mkdirSync(join(dest, entry));
      for (const pkg of readdirSync(join(src, entry))) symlinkSync(join(src, entry, pkg), join(dest, entry, pkg));
    } else symlinkSync(join(src, entry), join(dest, entry));
  }
  for (const [name, target] of Object.entries(extra)) {
    mkdirSync(dirname(join(dest, name)), { recursive: true });
    symlinkSync(target, join(dest, name));
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench', private: true }));
  writeFileSync(join(dir, '.gitignore'), 'node_modules\n.nx\ndist\n');
  writeFileSync(join(dir, 'nx.json'), JSON.stringify({ cacheDirectory: '.nx/cache', analytics: false, neverConnectToCloud: true, useDaemonProcess: false, plugins }, null, 2));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Copy the fleet corpus `count` times over (folders renamed `<name>-<i>`) into `<dir>/airbyte-integrations/connectors`. */
export function replicateFleet(dir, count, { only } = {}) {
  const fleet = join(CORPUS, 'fleet-2024-06');
  const names = readdirSync(fleet).filter((n) => !n.startsWith('_'));
  const root = join(dir, 'airbyte-integrations', 'connectors');
  mkdirSync(root, { recursive: true });
  for (let i = 0; i < count; i++) {
    const name = names[i % names.length];
    const target = join(root, `${name}-${Math.floor(i / names.length)}`);
    cpSync(join(fleet, name), target, { recursive: true, filter: (p) => !p.endsWith('FILES.txt') && (!only || only(p.slice(join(fleet, name).length + 1))) });
  }
  return root;
}

export function nx(dir, args, env = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(dir, 'node_modules/nx/dist/bin/nx.js'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', CI: 'true', NX_NO_CLOUD: 'true', FORCE_COLOR: '0', ...env },
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { code: r.status, output: (r.stdout ?? '') + (r.stderr ?? ''), seconds };
}

export function machine() {
  // The load average says how much of the 2 cores other work took while this ran (the machine is shared).
  return { node: process.version, cpus: cpus().length, model: cpus()[0]?.model, loadAverage1m: Number(loadavg()[0].toFixed(2)), date: new Date().toISOString() };
}

export function writeResult(name, result) {
  mkdirSync(join(REPO_ROOT, 'tools/bench/results'), { recursive: true });
  const file = join(REPO_ROOT, 'tools/bench/results', `${name}.json`);
  writeFileSync(file, JSON.stringify({ ...result, machine: machine() }, null, 2) + '\n');
  return file;
}

export function gitInit(dir) {
  const g = (...a) => execFileSync('git', a, { cwd: dir, stdio: 'pipe' });
  g('init', '-q', '-b', 'main');
  g('config', 'user.email', 'bench@conveyor.test');
  g('config', 'user.name', 'bench');
  g('add', '-A');
  g('commit', '-qm', 'bench');
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export { existsSync, join };
