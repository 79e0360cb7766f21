import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { ConveyorError } from './problem';

/**
 * The undo log of a change set: a copy of every path it is about to change, written before the first change.
 * A symlink is kept as a link (copying would turn it into a file, or fail on a link to a folder).
 */
export interface JournalEntry {
  path: string;
  existed: boolean;
  backup?: string;
  link?: string;
}

export const JOURNAL_DIR = '.conveyor-changeset';
const JOURNAL_FILE = 'journal.json';

export function journalDir(root: string): string {
  return join(root, JOURNAL_DIR);
}

const OWNER_FILE = 'owner.json';

interface Owner {
  pid: number;
  host: string;
  since: string;
}

/**
 * Take the folder's change-set lock (the journal folder, created exclusively) so two processes never apply
 * change sets to one folder at once; a second one gets a ConveyorError naming the first.
 */
export function lockJournal(root: string): void {
  const dir = journalDir(root);
  // A change set may create its folder (a new connector).
  mkdirSync(root, { recursive: true });
  try {
    mkdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    throw busyError(root, readOwner(root));
  }
  const owner: Owner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  writeFileSync(join(dir, OWNER_FILE), JSON.stringify(owner));
}

/** The process holding the lock when it is still running (on this machine, or any other: that cannot be told). */
export function liveOwner(root: string): Owner | undefined {
  const owner = readOwner(root);
  if (!owner || owner.pid === process.pid) return undefined;
  if (owner.host !== hostname()) return owner;
  try {
    process.kill(owner.pid, 0);
    return owner;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? owner : undefined;
  }
}

export function busyError(root: string, owner: Owner | undefined): ConveyorError {
  const who = owner ? `process ${owner.pid} on ${owner.host} (since ${owner.since})` : 'another process';
  return new ConveyorError(
    `${who} is applying a change set in this folder; expected one at a time. If that process is gone, run again (or delete ${journalDir(root)})`,
    { file: root },
  );
}

function readOwner(root: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(join(journalDir(root), OWNER_FILE), 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}

/** Copy what is at each path into the (locked) journal folder, then commit the journal with an atomic rename. */
export function writeJournal(root: string, paths: Iterable<string>, removedDirs: string[]): void {
  const dir = journalDir(root);
  mkdirSync(join(dir, 'backup'), { recursive: true });
  const entries: JournalEntry[] = [];
  let i = 0;
  for (const p of paths) {
    const abs = join(root, p);
    const stat = lstatOrUndefined(abs);
    // A folder at a path the change writes a file to: its files are journaled on their own paths.
    const entry: JournalEntry = { path: p, existed: stat !== undefined && !stat.isDirectory() };
    if (!entry.existed) {
      // nothing to copy
    } else if (stat?.isSymbolicLink()) entry.link = readlinkSync(abs);
    else if (stat) {
      entry.backup = `backup/${i++}`;
      copyFileSync(abs, join(dir, entry.backup));
    }
    entries.push(entry);
  }
  // Until journal.json exists nothing has been changed, so a kill before the rename leaves nothing to undo.
  writeFileSync(join(dir, `${JOURNAL_FILE}.tmp`), JSON.stringify({ root, entries, removedDirs }, null, 1));
  renameSync(join(dir, `${JOURNAL_FILE}.tmp`), join(dir, JOURNAL_FILE));
}

export function hasJournal(root: string): boolean {
  return existsSync(join(journalDir(root), JOURNAL_FILE));
}

export function discardJournal(root: string): void {
  rmSync(journalDir(root), { recursive: true, force: true });
}

/** Put every journaled path back as it was, then drop the journal. */
export function restoreFromJournal(root: string): void {
  const dir = journalDir(root);
  const file = join(dir, JOURNAL_FILE);
  let journal: { entries: JournalEntry[]; removedDirs?: string[] };
  try {
    journal = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConveyorError(
      `cannot read the change-set journal (${(e as Error).message}); expected the JSON written before an interrupted change. ` +
        `The previous files are in ${join(dir, 'backup')}: restore them by hand, then delete ${dir}`,
      { file },
    );
  }
  // Best effort for every path, so one stubborn file does not leave the others changed.
  const failures: string[] = [];
  const attempt = (path: string, undo: () => void) => {
    try {
      undo();
    } catch (e) {
      failures.push(`${path}: ${(e as Error).message}`);
    }
  };
  // First undo what the change created (a new file may sit where an old folder was), then put the old back.
  for (const e of journal.entries) {
    attempt(e.path, () => {
      removeQuietly(join(root, `${e.path}.conveyor-tmp`));
      if (!e.existed) removeQuietly(join(root, e.path));
    });
  }
  removeEmptyParents(root, journal.entries.filter((e) => !e.existed).map((e) => e.path));
  for (const e of journal.entries) {
    if (!e.existed) continue;
    attempt(e.path, () => {
      const abs = join(root, e.path);
      clearWay(root, e.path);
      if (e.link !== undefined) symlinkSync(e.link, abs);
      else if (e.backup) copyFileSync(join(dir, e.backup), abs);
    });
  }
  for (const d of journal.removedDirs ?? []) attempt(d, () => mkdirSync(join(root, d), { recursive: true }));
  if (failures.length)
    throw new ConveyorError(`could not restore ${failures.length} path(s); the journal is kept so recovery can run again:\n  ${failures.join('\n  ')}`, { file });
  discardJournal(root);
}

/** Make room for a restored file: its parent folders exist and nothing (file, link, empty folder) sits at it. */
function clearWay(root: string, rel: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  const abs = join(root, rel);
  const stat = lstatOrUndefined(abs);
  if (!stat) return;
  if (stat.isDirectory()) removeEmptyTree(abs);
  else rmSync(abs, { force: true });
}

/** Remove a file that may not exist, or whose parent may be a file (ENOTDIR): both mean nothing to remove. */
export function removeQuietly(abs: string): void {
  try {
    rmSync(abs, { force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_FS_EISDIR' || code === 'EISDIR') removeEmptyTree(abs);
    else if (code !== 'ENOTDIR') throw e;
  }
}

/** Remove the folders that held `paths` (deepest first) where they are now empty; never a folder with files. */
export function removeEmptyParents(root: string, paths: string[]): void {
  const dirs = new Set<string>();
  for (const p of paths) for (let d = dirname(p); d !== '.' && d !== ''; d = dirname(d)) dirs.add(d);
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
    try {
      rmdirSync(join(root, d));
    } catch {
      // not empty, or already gone
    }
  }
}

/** Remove `abs` and the folders below it when none of them holds a file; true when it is gone. */
export function removeEmptyTree(abs: string): boolean {
  let entries;
  try {
    entries = readdirSync(abs, { withFileTypes: true });
  } catch {
    return !existsSync(abs);
  }
  let empty = true;
  for (const e of entries) if (!(e.isDirectory() && removeEmptyTree(join(abs, e.name)))) empty = false;
  if (!empty) return false;
  try {
    rmdirSync(abs);
    return true;
  } catch {
    return false;
  }
}

export function lstatOrUndefined(abs: string) {
  try {
    return lstatSync(abs);
  } catch {
    return undefined;
  }
}
