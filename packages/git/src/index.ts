import { simpleGit, type SimpleGit } from 'simple-git';

/**
 * The one wrapper over simple-git: flat functions, an explicit `cwd`, argument arrays, no shell strings.
 * Works in shallow CI clones (a missing base ref is reported, not guessed).
 */
function git(cwd: string): SimpleGit {
  return simpleGit({ baseDir: cwd, binary: 'git', maxConcurrentProcesses: 2, trimmed: false });
}

export async function isRepo(cwd: string): Promise<boolean> {
  try {
    return await git(cwd).checkIsRepo();
  } catch {
    return false;
  }
}

export async function repoRoot(cwd: string): Promise<string> {
  return (await git(cwd).revparse(['--show-toplevel'])).trim();
}

/**
 * Files with uncommitted changes (staged, unstaged or untracked) under `paths` (pathspecs relative to cwd), as
 * paths relative to the repository root (git's porcelain format). A rename lists both its old and new path.
 * Read NUL-separated, so names with spaces, quotes or non-ASCII letters come back exactly as on disk.
 */
export async function uncommittedFiles(cwd: string, paths: string[] = ['.']): Promise<string[]> {
  const status = await git(cwd).raw(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...paths]);
  const fields = status.split('\0');
  const out: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i];
    if (entry.length < 4) continue;
    out.push(entry.slice(3));
    // `R  new\0old` / `C  new\0old`: the source path is the next field.
    if (entry[0] === 'R' || entry[0] === 'C') out.push(fields[++i]);
  }
  return out;
}

export async function currentBranch(cwd: string): Promise<string> {
  return (await git(cwd).revparse(['--abbrev-ref', 'HEAD'])).trim();
}

export async function refExists(cwd: string, ref: string): Promise<boolean> {
  // simple-git only rejects when git writes to stderr, and `--quiet` keeps it silent: read the output instead.
  try {
    return (await git(cwd).raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim() !== '';
  } catch {
    return false;
  }
}

/** The default branch: origin's HEAD when known, else the first of main/master that exists. */
export async function defaultBranch(cwd: string): Promise<string | undefined> {
  try {
    const ref = (await git(cwd).raw(['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD'])).trim();
    if (ref) return ref.replace('refs/remotes/', '');
  } catch {
    // no remote HEAD
  }
  for (const b of ['main', 'master', 'origin/main', 'origin/master']) if (await refExists(cwd, b)) return b;
  return undefined;
}

export async function mergeBase(cwd: string, a: string, b = 'HEAD'): Promise<string | undefined> {
  try {
    return (await git(cwd).raw(['merge-base', a, b])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Content of `path` (relative to the repository root) at `ref`, or undefined when it did not exist there. */
export async function showFile(cwd: string, ref: string, path: string): Promise<string | undefined> {
  try {
    return await git(cwd).raw(['show', `${ref}:${path}`]);
  } catch {
    return undefined;
  }
}

export async function createBranch(cwd: string, name: string): Promise<void> {
  await git(cwd).raw(['checkout', '-b', name]);
}

export async function branchExists(cwd: string, name: string): Promise<boolean> {
  return refExists(cwd, `refs/heads/${name}`);
}

/** Commit exactly `files` (paths relative to cwd; deletions included), nothing else that happens to be staged. */
export async function commitFiles(cwd: string, files: string[], message: string): Promise<string> {
  const g = git(cwd);
  await g.raw(['add', '--all', '--', ...files]);
  await g.raw(['commit', '--quiet', '-m', message, '--only', '--', ...files]);
  return (await g.revparse(['HEAD'])).trim();
}

export async function push(cwd: string, branch: string, remote = 'origin'): Promise<void> {
  await git(cwd).raw(['push', '--set-upstream', remote, branch]);
}

/**
 * Files changed between `base` and the working tree (committed or not, new files included), relative to the
 * repository root, NUL-separated so any name comes back as on disk.
 */
export async function changedFiles(cwd: string, base: string): Promise<string[]> {
  const g = git(cwd);
  const diffed = await g.raw(['diff', '-z', '--name-only', '--no-renames', base, '--']);
  // `git diff` does not see files git does not track yet; ls-files prints them relative to cwd, hence --full-name.
  const untracked = await g.raw(['ls-files', '-z', '--others', '--exclude-standard', '--full-name']);
  return [...new Set([...diffed.split('\0'), ...untracked.split('\0')].filter(Boolean))];
}

/** Files under `path` (relative to the repository root) as committed at `ref`; [] when the path did not exist there. */
export async function listFilesAt(cwd: string, ref: string, path: string): Promise<string[]> {
  try {
    // -z: without it git quotes names with spaces or non-ASCII letters.
    const out = await git(cwd).raw(['ls-tree', '-r', '-z', '--name-only', '--full-tree', ref, '--', path]);
    return out.split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** Commit id `ref` points at, or undefined when it does not resolve. */
export async function resolveRef(cwd: string, ref: string): Promise<string | undefined> {
  try {
    return (await git(cwd).raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the local branch `name` exists. (`git rev-parse --verify --quiet` exits 1 without stderr for a missing
 * ref, which simple-git does not turn into an error, so this asks `git branch --list` instead.)
 */
export async function localBranchExists(cwd: string, name: string): Promise<boolean> {
  const out = await git(cwd).raw(['branch', '--list', '--format=%(refname:short)', '--', name]);
  return out.split('\n').some((l) => l.trim() === name);
}
