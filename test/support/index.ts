import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync, cpSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The Conveyor checkout these tests run from. */
export const REPO_ROOT = resolve(__dirname, '..', '..');
/** Real connectors (../shared/corpus), as users have them. */
export const CORPUS = resolve(REPO_ROOT, '..', 'shared', 'corpus');

export type FileTree = Record<string, string | object>;

/** Write an inline file tree (`{ 'a/b.json': {…}, 'c.txt': '…' }`) under `root`. Objects are written as JSON. */
export function writeTree(root: string, files: FileTree): void {
  for (const [path, content] of Object.entries(files)) {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, typeof content === 'string' ? content : JSON.stringify(content, null, 2) + '\n');
  }
}

export interface TempDir {
  dir: string;
  cleanup(): void;
}

export function tempDir(prefix = 'conveyor-'): TempDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface WorkspaceOptions {
  /** nx.json `plugins` entries; default every Conveyor stage plugin that is built. */
  plugins?: unknown[];
  /** Extra nx.json fields. */
  nx?: Record<string, unknown>;
  /** Extra installed packages: package name → folder (e.g. the test stage plugins in test/fixtures). */
  packages?: Record<string, string>;
}

export const FIXTURE_STAGES = {
  '@conveyor-test/first': join(REPO_ROOT, 'test/fixtures/stage-plugins/first'),
  '@conveyor-test/second': join(REPO_ROOT, 'test/fixtures/stage-plugins/second'),
};

/** node_modules for a temp workspace: this checkout's packages (symlinked one by one) plus `extra`. */
function linkNodeModules(dest: string, extra: Record<string, string>): void {
  const src = join(REPO_ROOT, 'node_modules');
  if (!Object.keys(extra).length) {
    symlinkSync(src, dest, 'dir');
    return;
  }
  mkdirSync(dest);
  for (const entry of readdirSync(src)) {
    if (entry.startsWith('@')) {
      mkdirSync(join(dest, entry));
      for (const pkg of readdirSync(join(src, entry))) symlinkSync(join(src, entry, pkg), join(dest, entry, pkg), 'dir');
    } else symlinkSync(join(src, entry), join(dest, entry), 'dir');
  }
  for (const [name, dir] of Object.entries(extra)) {
    mkdirSync(dirname(join(dest, name)), { recursive: true });
    symlinkSync(dir, join(dest, name), 'dir');
  }
}

export const STAGE_PLUGINS = ['@conveyor/import-check', '@conveyor/migrate', '@conveyor/cat', '@conveyor/release'];

/** Stage plugins of this checkout that are built (dist/ exists), so tests use what is really there. */
export function builtStagePlugins(): string[] {
  return STAGE_PLUGINS.filter((p) => existsSync(join(REPO_ROOT, 'plugins', p.split('/')[1], 'dist', 'index.js')));
}

/**
 * A throwaway Nx workspace using this checkout's installed packages (node_modules is symlinked), with
 * `files` written into it. Nx's cache and workspace data stay inside it.
 */
export function tempWorkspace(files: FileTree, options: WorkspaceOptions = {}): TempDir {
  const t = tempDir('conveyor-ws-');
  linkNodeModules(join(t.dir, 'node_modules'), options.packages ?? {});
  writeTree(t.dir, {
    'package.json': { name: 'fleet', private: true },
    'nx.json': {
      cacheDirectory: '.nx/cache',
      analytics: false,
      neverConnectToCloud: true,
      useDaemonProcess: false,
      defaultBase: 'main',
      plugins: options.plugins ?? builtStagePlugins(),
      ...options.nx,
    },
    '.gitignore': 'node_modules\n.nx\ndist\n',
    ...files,
  });
  return t;
}

/** Copy a real connector from the corpus into `dest` (e.g. `connectors/source-x`). */
export function copyConnector(from: string, root: string, dest: string): void {
  cpSync(from, join(root, dest), { recursive: true, filter: (src) => !src.endsWith('FILES.txt') && !src.endsWith('SOURCE.json') });
}

/** Make `dir` a git repository on branch `main` with everything committed (local identity, no signing). */
/** The user's own git configuration (signing, hooks, default branch) must not leak into tests. */
const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe', env: GIT_ENV });
}

/** Make `dir` a git repository on branch `main` with everything committed (local identity, no signing). */
export function gitInit(dir: string, message = 'initial'): void {
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'dev@conveyor.test');
  git(dir, 'config', 'user.name', 'Conveyor Test');
  git(dir, 'config', 'commit.gpgsign', 'false');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', message);
}

export interface TestRepo extends TempDir {
  git(...args: string[]): string;
  /** Write files (relative path → content; `null` deletes a file or folder). */
  write(files: Record<string, string | null>): void;
  /** Commit everything; returns the new commit's hash. */
  commit(message: string): string;
}

/** A throwaway git repository holding `files`, committed on `main`. */
export function gitRepo(files: FileTree): TestRepo {
  const t = tempDir('conveyor-git-');
  writeTree(t.dir, files);
  gitInit(t.dir, 'base');
  return {
    ...t,
    git: (...args) => git(t.dir, ...args),
    write: (tree) => {
      for (const [p, content] of Object.entries(tree)) {
        if (content === null) rmSync(join(t.dir, p), { force: true, recursive: true });
        else writeTree(t.dir, { [p]: content });
      }
    },
    commit: (message) => {
      git(t.dir, 'add', '--all');
      git(t.dir, 'commit', '--quiet', '--allow-empty', '-m', message);
      return git(t.dir, 'rev-parse', 'HEAD').trim();
    },
  };
}

export interface NxResult {
  code: number;
  output: string;
}

/** Run the workspace's nx CLI without daemon or TUI, output streamed as CI would see it. */
export function runNx(cwd: string, args: string[], env: Record<string, string> = {}): NxResult {
  const r = spawnSync(process.execPath, [join(cwd, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', CI: 'true', FORCE_COLOR: '0', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? 1, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
