import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { listFiles } from './connector';
import { unifiedDiff } from './diff';

export type Change =
  | { op: 'write'; path: string; content: string }
  | { op: 'delete'; path: string }
  | { op: 'move'; from: string; to: string };

interface JournalEntry {
  path: string;
  existed: boolean;
  backup?: string;
}

const JOURNAL_DIR = '.conveyor-changeset';

/**
 * Several file writes, deletes and moves under one root that land together or not at all.
 * Before touching anything, every file the changes affect is copied into a journal under the root;
 * if a step fails the journal restores them, and if the process dies mid-way the next
 * `recoverInterruptedChanges(root)` (every mutating stage calls it first) restores them.
 */
export class ChangeSet {
  readonly changes: Change[] = [];
  constructor(readonly root: string) {}

  write(path: string, content: string): this {
    this.changes.push({ op: 'write', path, content });
    return this;
  }
  /** Delete a file or a whole folder. */
  delete(path: string): this {
    this.changes.push({ op: 'delete', path });
    return this;
  }
  move(from: string, to: string): this {
    this.changes.push({ op: 'move', from, to });
    return this;
  }
  get isEmpty(): boolean {
    return this.simulate().size === 0;
  }

  /** Final content of every path the changes touch (`null` = deleted), computed without writing. */
  simulate(): Map<string, string | null> {
    const state = new Map<string, string | null>();
    const current = (p: string) => (state.has(p) ? state.get(p)! : readIfFile(join(this.root, p)));
    const filesUnder = (p: string) => {
      const onDisk = isDirectory(join(this.root, p)) ? listFiles(this.root, p) : [];
      const pending = [...state.keys()].filter((k) => k.startsWith(p + '/'));
      return [...new Set([...onDisk, ...pending])];
    };
    for (const c of this.changes) {
      if (c.op === 'write') state.set(c.path, c.content);
      else if (c.op === 'delete') {
        const files = filesUnder(c.path);
        if (files.length) for (const f of files) state.set(f, null);
        else state.set(c.path, null);
      } else {
        const content = current(c.from);
        state.set(c.from, null);
        state.set(c.to, content);
      }
    }
    // Drop no-op entries so a second run of an idempotent plan is empty.
    for (const [p, content] of state) if (content === readIfFile(join(this.root, p))) state.delete(p);
    return state;
  }

  /** Paths (relative to root) that applying would change. */
  touched(): string[] {
    return [...this.simulate().keys()].sort();
  }

  diff(displayPrefix = ''): string {
    return [...this.simulate()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([p, content]) => unifiedDiff(readIfFile(join(this.root, p)), content, displayPrefix + p))
      .join('');
  }

  /** Apply every change, or none. Returns the touched paths. */
  apply(): string[] {
    const plan = this.simulate();
    if (plan.size === 0) return [];
    recoverInterruptedChanges(this.root);
    const journalDir = join(this.root, JOURNAL_DIR);
    mkdirSync(join(journalDir, 'backup'), { recursive: true });
    const entries: JournalEntry[] = [];
    let i = 0;
    for (const p of plan.keys()) {
      const abs = join(this.root, p);
      const existed = existsSync(abs);
      const entry: JournalEntry = { path: p, existed };
      if (existed) {
        entry.backup = `backup/${i++}`;
        copyFileSync(abs, join(journalDir, entry.backup));
      }
      entries.push(entry);
    }
    writeFileSync(join(journalDir, 'journal.json'), JSON.stringify({ root: this.root, entries }, null, 1));
    try {
      let step = 0;
      for (const [p, content] of plan) {
        testPause(step++);
        const abs = join(this.root, p);
        if (content === null) rmSync(abs, { force: true });
        else {
          mkdirSync(dirname(abs), { recursive: true });
          const tmp = `${abs}.conveyor-tmp`;
          writeFileSync(tmp, content);
          renameSync(tmp, abs);
        }
      }
      removeEmptyDirs(this.root, [...plan].filter(([, c]) => c === null).map(([p]) => p));
    } catch (e) {
      restore(this.root);
      throw e;
    }
    rmSync(journalDir, { recursive: true, force: true });
    return [...plan.keys()].sort();
  }
}

/** Restore the files of a change set that was interrupted (process killed); true when something was restored. */
export function recoverInterruptedChanges(root: string): boolean {
  if (!existsSync(join(root, JOURNAL_DIR, 'journal.json'))) {
    rmSync(join(root, JOURNAL_DIR), { recursive: true, force: true });
    return false;
  }
  restore(root);
  return true;
}

function restore(root: string): void {
  const journalDir = join(root, JOURNAL_DIR);
  const { entries } = JSON.parse(readFileSync(join(journalDir, 'journal.json'), 'utf8')) as { entries: JournalEntry[] };
  for (const e of entries) {
    const abs = join(root, e.path);
    removeQuietly(`${abs}.conveyor-tmp`);
    if (e.existed && e.backup) {
      mkdirSync(dirname(abs), { recursive: true });
      copyFileSync(join(journalDir, e.backup), abs);
    } else removeQuietly(abs);
  }
  removeEmptyDirs(root, entries.filter((e) => !e.existed).map((e) => e.path));
  rmSync(journalDir, { recursive: true, force: true });
}

/** Remove a file that may not exist, or whose parent may be a file (ENOTDIR): both mean nothing to remove. */
function removeQuietly(abs: string): void {
  try {
    rmSync(abs, { force: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
  }
}

function removeEmptyDirs(root: string, paths: string[]): void {
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

function readIfFile(abs: string): string | null {
  try {
    return readFileSync(abs, 'utf8');
  } catch {
    return null;
  }
}

function isDirectory(abs: string): boolean {
  try {
    return statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

/** Test hook: `CONVEYOR_TEST_PAUSE_AT_STEP=n` blocks before step n so a test can kill the process mid-apply. */
function testPause(step: number): void {
  const at = process.env.CONVEYOR_TEST_PAUSE_AT_STEP;
  if (at !== undefined && Number(at) === step) {
    process.stderr.write(`conveyor: paused before change ${step}\n`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.env.CONVEYOR_TEST_PAUSE_MS ?? 30_000));
  }
}

export function relativePath(root: string, abs: string): string {
  return relative(root, abs).split('\\').join('/');
}
