// Throwaway Conveyor workspaces in git, as a fleet's CI sees them: root configs in a first commit,
// connectors from the real corpus in a second, cloned as many times as a test needs.
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const FLEET_CORPUS = resolve(REPO_ROOT, '..', 'shared', 'corpus', 'fleet-2024-06');

/** Conveyor plugins of this checkout that are built, in stage order (a test uses what is really there). */
export function builtPlugins(names = ['import-check', 'cat', 'fleet']): string[] {
  return names.filter((n) => existsSync(join(REPO_ROOT, 'plugins', n, 'dist', 'index.js'))).map((n) => `@conveyor/${n}`);
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/**
 * A node_modules for throwaway workspaces: every installed package linked from this checkout, except the
 * @conveyor packages, which are copied. The stage kit fingerprints plugins installed outside the workspace
 * by their files, and this checkout's files change while other work goes on; a frozen copy keeps task
 * hashes identical from one clone to the next, as a release installed from the registry would.
 */
export function snapshotNodeModules(dest: string): string {
  const src = join(REPO_ROOT, 'node_modules');
  mkdirSync(dest, { recursive: true });
  for (const entry of readdirSync(src)) {
    if (entry === '@conveyor') continue;
    symlinkSync(join(src, entry), join(dest, entry));
  }
  mkdirSync(join(dest, '@conveyor'));
  for (const pkg of readdirSync(join(src, '@conveyor'))) {
    const real = realpathSync(join(src, '@conveyor', pkg));
    cpSync(real, join(dest, '@conveyor', pkg), {
      recursive: true,
      dereference: false,
      filter: (p) => !/\/(node_modules|test)(\/|$)|\.tsbuildinfo$/.test(p.slice(real.length)),
    });
  }
  return dest;
}

/**
 * package.json + package-lock.json naming the installed @conveyor packages as ordinary registry installs, the
 * way a fleet's repository has them: Nx then hashes each plugin by its lockfile entry. The integrity is a hash
 * of the built package, so changed plugin code reads like a new release.
 */
export function conveyorLockfile(nodeModules = join(REPO_ROOT, 'node_modules')): { packageJson: object; lockfile: object } {
  const scope = join(nodeModules, '@conveyor');
  const deps: Record<string, string> = {};
  const packages: Record<string, object> = {};
  for (const short of readdirSync(scope).sort()) {
    const dir = join(scope, short);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const h = createHash('sha512');
    const dist = join(dir, 'dist');
    for (const f of existsSync(dist) ? filesUnder(dist) : []) h.update(f.slice(dir.length)).update(readFileSync(f));
    // A caret range, as `npm install` writes it: a patch release then changes only the lockfile.
    deps[pkg.name] = `^${pkg.version}`;
    packages[`node_modules/${pkg.name}`] = {
      version: pkg.version,
      resolved: `https://registry.npmjs.org/${pkg.name}/-/${short}-${pkg.version}.tgz`,
      integrity: `sha512-${h.digest('base64')}`,
      license: 'MIT',
    };
  }
  return {
    packageJson: { name: 'fleet', version: '0.0.0', private: true, dependencies: deps },
    lockfile: { name: 'fleet', version: '0.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'fleet', version: '0.0.0', dependencies: deps }, ...packages } },
  };
}

export interface FleetRepo {
  origin: string;
  /** The commit holding only the root configs: `--base` for "every connector is new". */
  firstCommit: string;
  clone(name: string): string;
  cleanup(): void;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** A git repository with root configs (commit 1) and `connectors` copied from the corpus (commit 2). */
export function fleetRepo(opts: { connectors: string[]; plugins: unknown[]; nx?: Record<string, unknown>; files?: Record<string, string> }): FleetRepo {
  const tmp = mkdtempSync(join(tmpdir(), 'conveyor-fleet-'));
  const origin = join(tmp, 'origin');
  mkdirSync(origin);
  const modules = snapshotNodeModules(join(tmp, 'node_modules'));
  const base = JSON.parse(readFileSync(join(REPO_ROOT, 'nx.json'), 'utf8'));
  const { packageJson, lockfile } = conveyorLockfile(modules);
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(origin, rel)), { recursive: true });
    writeFileSync(join(origin, rel), text);
  };
  write('nx.json', JSON.stringify({ ...base, plugins: opts.plugins, ...opts.nx }, null, 2) + '\n');
  write('package.json', JSON.stringify(packageJson, null, 2) + '\n');
  write('package-lock.json', JSON.stringify(lockfile, null, 2) + '\n');
  cpSync(join(REPO_ROOT, 'tsconfig.base.json'), join(origin, 'tsconfig.base.json'));
  write('.gitignore', 'node_modules\n.nx\ndist\nsecrets\n');
  git(origin, 'init', '-q', '-b', 'main');
  git(origin, 'config', 'user.email', 'ci@conveyor.test');
  git(origin, 'config', 'user.name', 'Conveyor CI');
  git(origin, 'config', 'commit.gpgsign', 'false');
  git(origin, 'add', '-A');
  git(origin, 'commit', '-q', '-m', 'workspace');
  const firstCommit = git(origin, 'rev-parse', 'HEAD');
  for (const c of opts.connectors) {
    cpSync(join(FLEET_CORPUS, c), join(origin, 'connectors', c), { recursive: true, filter: (src) => !src.endsWith('FILES.txt') });
  }
  for (const [rel, text] of Object.entries(opts.files ?? {})) write(rel, text);
  git(origin, 'add', '-A');
  git(origin, 'commit', '-q', '-m', 'connectors');
  return {
    origin,
    firstCommit,
    clone(name) {
      const dir = join(tmp, name);
      git(tmp, 'clone', '-q', origin, dir);
      symlinkSync(modules, join(dir, 'node_modules'), 'dir');
      return dir;
    },
    cleanup: () => rmSync(tmp, { recursive: true, force: true }),
  };
}

export interface RunResult {
  code: number;
  output: string;
}

/** Run Nx in `cwd` without blocking the event loop (a test's in-process server keeps answering). */
export function nx(cwd: string, args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return run(process.execPath, [join(cwd, 'node_modules', '.bin', 'nx'), ...args], cwd, env);
}

export function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0', CI: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? 1, output }));
  });
}
