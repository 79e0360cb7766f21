import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative } from 'node:path';
import { unifiedDiff } from './diff';
import { ConveyorError } from './problem';
import { busyError, discardJournal, hasJournal, journalDir, liveOwner, lockJournal, lstatOrUndefined, removeEmptyParents, removeEmptyTree, removeQuietly, restoreFromJournal, writeJournal } from './journal';

export type Change =
  | { op: 'write'; path: string; content: string }
  | { op: 'delete'; path: string }
  | { op: 'move'; from: string; to: string; overwrite?: boolean };

type Content = string | Buffer | null;

/**
 * Several file writes, deletes and moves under one root that land together or not at all.
 * Before touching anything, every path the changes affect is copied into a journal under the root;
 * if a step fails the journal restores them, and if the process dies mid-way the next
 * `recoverInterruptedChanges(root)` (every mutating stage calls it first, and so does `apply`) restores them.
 * Paths are relative to the root and may not leave it. Moves copy bytes, so binary files survive them.
 */
export class ChangeSet {
  readonly changes: Change[] = [];
  /**
   * The plan the previews (isEmpty, simulate, summary, touched, diff, conflicts) share, so asking several of
   * them reads the files once. Recomputed when a change is added; `apply` always plans afresh, under its lock.
   */
  private preview?: ReturnType<ChangeSet['plan']>;
  constructor(readonly root: string) {}

  write(path: string, content: string): this {
    return this.add({ op: 'write', path: this.checked(path, 'write'), content });
  }
  /** Delete a file or a whole folder. */
  delete(path: string): this {
    return this.add({ op: 'delete', path: this.checked(path, 'delete') });
  }
  /** Move a file or a whole folder. Refuses to replace an existing file unless `overwrite` is set. */
  move(from: string, to: string, options: { overwrite?: boolean } = {}): this {
    return this.add({ op: 'move', from: this.checked(from, 'move'), to: this.checked(to, 'move'), overwrite: options.overwrite });
  }
  private add(change: Change): this {
    this.changes.push(change);
    this.preview = undefined;
    return this;
  }
  private previewPlan(): ReturnType<ChangeSet['plan']> {
    return (this.preview ??= this.plan());
  }
  get isEmpty(): boolean {
    return this.previewPlan().files.size === 0;
  }

  /** What applying would do to each file, sorted by path: `create`, `modify` or `delete`. */
  summary(): { op: 'create' | 'modify' | 'delete'; path: string }[] {
    return [...this.previewPlan().files]
      .map(([path, content]) => ({ op: content === null ? ('delete' as const) : lstatOrUndefined(join(this.root, path)) ? ('modify' as const) : ('create' as const), path }))
      .sort((a, b) => a.path.localeCompare(b.path));
  }

  /** Final content of every path the changes touch (`null` = deleted), computed without writing. */
  simulate(): Map<string, string | null> {
    const out = new Map<string, string | null>();
    for (const [p, c] of this.previewPlan().files) out.set(p, c === null ? null : c.toString());
    return out;
  }

  /**
   * What makes the plan impossible (a move from nothing or onto an existing file, a file written over a folder
   * or under a file); `apply` refuses with these before touching anything. Each names the path and what was expected.
   */
  conflicts(): ConveyorError[] {
    return this.previewPlan().conflicts;
  }

  /** Paths (relative to root) that applying would change. */
  touched(): string[] {
    return [...this.previewPlan().files.keys()].sort();
  }

  diff(displayPrefix = ''): string {
    return [...this.previewPlan().files]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([p, content]) => {
        const before = readOnDisk(join(this.root, p));
        if ([before, content].some((c) => c !== null && Buffer.from(c).includes(0)))
          return `Binary files ${before === null ? '/dev/null' : 'a/' + displayPrefix + p} and ${content === null ? '/dev/null' : 'b/' + displayPrefix + p} differ\n`;
        return unifiedDiff(before && before.toString(), content && content.toString(), displayPrefix + p);
      })
      .join('');
  }

  /** Apply every change, or none. Returns the touched paths. */
  apply(): string[] {
    // A journal left by a killed run describes the disk before it: restore first, then plan against that.
    recoverInterruptedChanges(this.root);
    lockJournal(this.root);
    this.preview = undefined;
    let plan: ReturnType<ChangeSet['plan']>;
    try {
      // Planned under the lock, so no other change set moves the files between plan and apply.
      plan = this.plan();
      if (plan.conflicts.length) throw plan.conflicts.length === 1 ? plan.conflicts[0] : new ConveyorError(plan.conflicts.map((c) => c.message).join('\n'), { file: this.root });
      if (plan.files.size) writeJournal(this.root, plan.files.keys(), plan.removedDirs);
    } catch (e) {
      discardJournal(this.root);
      throw e;
    }
    const { files, removedDirs } = plan;
    if (files.size === 0) {
      discardJournal(this.root);
      return [];
    }
    try {
      let step = 0;
      // Deletes first: a new file may take the place of a deleted folder, or a new folder of a deleted file.
      const deletes = [...files].filter(([, c]) => c === null).map(([p]) => p);
      for (const p of deletes) {
        testPause(step++);
        removeQuietly(join(this.root, p));
      }
      for (const d of removedDirs) removeEmptyTree(join(this.root, d));
      removeEmptyParents(this.root, deletes);
      for (const [p, content] of files) {
        if (content === null) continue;
        testPause(step++);
        writeAtomically(join(this.root, p), content);
      }
    } catch (e) {
      restoreFromJournal(this.root);
      throw e;
    }
    discardJournal(this.root);
    return [...files.keys()].sort();
  }

  private checked(path: string, op: string): string {
    const p = normalize(path).split('\\').join('/');
    if (!path || isAbsolute(path) || p === '..' || p.startsWith('../') || p === '.')
      throw new ConveyorError(`cannot ${op} ${JSON.stringify(path)}: expected a path inside the folder, relative to it`, { file: this.root });
    return p;
  }

  /** The final state of every changed path, and the folders a delete or move empties. */
  private plan(): { files: Map<string, Content>; removedDirs: string[]; conflicts: ConveyorError[] } {
    const state = new Map<string, Content>();
    const removedDirs: string[] = [];
    const conflicts: ConveyorError[] = [];
    const current = (p: string): Content => (state.has(p) ? state.get(p)! : readOnDisk(join(this.root, p)));
    const filesUnder = (p: string) => {
      const onDisk = isDirectory(join(this.root, p)) ? walk(this.root, p) : [];
      const pending = [...state.keys()].filter((k) => k.startsWith(p + '/'));
      return [...new Set([...onDisk, ...pending])].filter((f) => state.get(f) !== null);
    };
    // Recorded, not thrown: a preview still shows the rest of the plan; apply refuses before touching anything.
    const fail = (message: string, p: string) => conflicts.push(new ConveyorError(message, { file: join(this.root, p) }));
    for (const c of this.changes) {
      if (c.op === 'write') state.set(c.path, c.content);
      else if (c.op === 'delete') {
        if (isDirectory(join(this.root, c.path)) || filesUnder(c.path).length) {
          removedDirs.push(c.path);
          for (const f of filesUnder(c.path)) state.set(f, null);
        } else state.set(c.path, null);
      } else if (c.from !== c.to) {
        const single = current(c.from);
        const files = single !== null && !isDirectory(join(this.root, c.from)) ? [c.from] : filesUnder(c.from);
        if (!files.length) {
          fail(`cannot move ${c.from} to ${c.to}: expected a file or folder at ${c.from}, found nothing`, c.from);
          continue;
        }
        if (files.length > 1 || files[0] !== c.from) removedDirs.push(c.from);
        const moves = files.map((f) => [f, c.to + f.slice(c.from.length)] as const);
        for (const [, dest] of moves)
          if (!c.overwrite && current(dest) !== null && !moves.some(([src]) => src === dest))
            fail(`cannot move ${c.from} to ${c.to}: ${dest} already exists (expected a free destination; pass { overwrite: true } to replace it)`, dest);
        const contents = moves.map(([src]) => current(src));
        for (const [src] of moves) state.set(src, null);
        moves.forEach(([, dest], i) => state.set(dest, contents[i]));
      }
    }
    for (const [p, content] of state) {
      if (content === null) continue;
      if (isDirectory(join(this.root, p)) && filesUnder(p).length)
        fail(`cannot write ${p}: it is a folder with files (expected a file path; delete the folder in the same change set first)`, p);
      for (let d = dirname(p); d !== '.' && d !== ''; d = dirname(d))
        if (state.get(d) !== null && lstatOrUndefined(join(this.root, d))?.isFile()) fail(`cannot write ${p}: ${d} is a file, expected a folder`, d);
    }
    // Drop no-op entries so a second run of an idempotent plan is empty.
    for (const [p, content] of state) {
      const abs = join(this.root, p);
      if (content === null) {
        if (lstatOrUndefined(abs) === undefined) state.delete(p);
      } else if (!isDirectory(abs) && readOnDisk(abs)?.equals(Buffer.from(content))) state.delete(p);
    }
    return { files: state, removedDirs: [...new Set(removedDirs)].filter((d) => isDirectory(join(this.root, d))), conflicts };
  }
}

/** Whether a change set applied in `root` was interrupted (its journal is still there) and waits for recovery. */
export function hasInterruptedChanges(root: string): boolean {
  return hasJournal(root);
}

/** Folder of the journal under `root` (excluded from dirty checks and reports). */
export function changeJournalDir(root: string): string {
  return journalDir(root);
}

/**
 * Restore the files of a change set that was interrupted (process killed); true when something was restored.
 * Throws a ConveyorError when another running process is applying a change set in `root`.
 */
export function recoverInterruptedChanges(root: string): boolean {
  if (!lstatOrUndefined(journalDir(root))) return false;
  // A journal whose process still runs is not interrupted: it is in use.
  const owner = liveOwner(root);
  if (owner) throw busyError(root, owner);
  if (!hasJournal(root)) {
    discardJournal(root);
    return false;
  }
  restoreFromJournal(root);
  return true;
}

/** Write through a temporary file and a rename, keeping the permissions of the file it replaces. */
function writeAtomically(abs: string, content: string | Buffer): void {
  const stat = lstatOrUndefined(abs);
  if (stat?.isDirectory()) removeEmptyTree(abs);
  mkdirSync(dirname(abs), { recursive: true });
  const tmp = `${abs}.conveyor-tmp`;
  writeFileSync(tmp, content);
  if (stat?.isFile()) chmodSync(tmp, stat.mode & 0o7777);
  renameSync(tmp, abs);
}

/** Bytes of the file at `abs` (following a link), or null when there is no readable file there. */
function readOnDisk(abs: string): Buffer | null {
  try {
    return readFileSync(abs);
  } catch {
    return null;
  }
}

function isDirectory(abs: string): boolean {
  return lstatOrUndefined(abs)?.isDirectory() ?? false;
}

/** Files and links (not followed) under `rel`, relative to root. */
function walk(root: string, rel: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    const child = `${rel}/${e.name}`;
    if (e.isDirectory()) out.push(...walk(root, child));
    else out.push(child);
  }
  return out;
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
