import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChangeSet, recoverInterruptedChanges, unifiedDiff } from '@conveyor/connector';
import { REPO_ROOT, tempDir, writeTree, type TempDir } from '../../../test/support';

let t: TempDir;
afterEach(() => t?.cleanup());

const snapshot = (root: string, paths: string[]) => Object.fromEntries(paths.map((p) => [p, existsSync(join(root, p)) ? readFileSync(join(root, p), 'utf8') : null]));

describe('ChangeSet', () => {
  it('applies writes, deletes (folders too) and moves together', () => {
    t = tempDir();
    writeTree(t.dir, { 'pkg/manifest.yaml': 'a: 1\n', 'pkg/schemas/x.json': '{}', 'pkg/schemas/y.json': '{}', 'keep.txt': 'k' });
    const cs = new ChangeSet(t.dir).move('pkg/manifest.yaml', 'manifest.yaml').write('manifest.yaml', 'a: 2\n').delete('pkg/schemas');
    expect(cs.touched()).toEqual(['manifest.yaml', 'pkg/manifest.yaml', 'pkg/schemas/x.json', 'pkg/schemas/y.json']);
    cs.apply();
    expect(readFileSync(join(t.dir, 'manifest.yaml'), 'utf8')).toBe('a: 2\n');
    expect(existsSync(join(t.dir, 'pkg'))).toBe(false);
    expect(existsSync(join(t.dir, '.conveyor-changeset'))).toBe(false);
    expect(new ChangeSet(t.dir).write('manifest.yaml', 'a: 2\n').isEmpty).toBe(true);
  });

  it('restores every file when a step fails', () => {
    t = tempDir();
    writeTree(t.dir, { 'a.txt': 'A', 'b.txt': 'B', blocker: 'a file, not a folder' });
    const before = snapshot(t.dir, ['a.txt', 'b.txt', 'c.txt']);
    const cs = new ChangeSet(t.dir).write('a.txt', 'A2').delete('b.txt').write('c.txt', 'C').write('blocker/inside.txt', 'fails');
    expect(() => cs.apply()).toThrow();
    expect(snapshot(t.dir, ['a.txt', 'b.txt', 'c.txt'])).toEqual(before);
    expect(existsSync(join(t.dir, '.conveyor-changeset'))).toBe(false);
  });

  it('is restored after the process is killed mid-way', async () => {
    t = tempDir();
    writeTree(t.dir, { 'a.txt': 'A', 'b.txt': 'B', 'c.txt': 'C' });
    const before = snapshot(t.dir, ['a.txt', 'b.txt', 'c.txt', 'd.txt']);
    const script = `
      const { ChangeSet } = require(${JSON.stringify(join(REPO_ROOT, 'packages/connector/dist/index.js'))});
      new ChangeSet(process.argv[1]).write('a.txt', 'A2').delete('b.txt').write('d.txt', 'D').write('c.txt', 'C2').apply();`;
    const child = spawn(process.execPath, ['-e', script, t.dir], { env: { ...process.env, CONVEYOR_TEST_PAUSE_AT_STEP: '2' }, stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((res) => child.stderr.on('data', (d: Buffer) => d.toString().includes('paused') && res()));
    child.kill('SIGKILL');
    await new Promise((res) => child.on('exit', res));
    // Two changes had landed when it died: the folder is half-migrated until recovery runs.
    expect(snapshot(t.dir, ['a.txt', 'b.txt', 'c.txt', 'd.txt'])).not.toEqual(before);
    expect(recoverInterruptedChanges(t.dir)).toBe(true);
    expect(snapshot(t.dir, ['a.txt', 'b.txt', 'c.txt', 'd.txt'])).toEqual(before);
  });

  it('lets one process at a time apply changes in a folder, and recovers once the holder is gone', async () => {
    t = tempDir();
    writeTree(t.dir, { 'a.txt': 'A' });
    const script = `
      const { ChangeSet } = require(${JSON.stringify(join(REPO_ROOT, 'packages/connector/dist/index.js'))});
      new ChangeSet(process.argv[1]).write('a.txt', 'from the child').apply();`;
    const child = spawn(process.execPath, ['-e', script, t.dir], { env: { ...process.env, CONVEYOR_TEST_PAUSE_AT_STEP: '0' }, stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((res) => child.stderr.on('data', (d: Buffer) => d.toString().includes('paused') && res()));
    const busy = new RegExp(`process ${child.pid} on .* is applying a change set in this folder; expected one at a time`);
    expect(() => new ChangeSet(t.dir).write('a.txt', 'from the parent').apply()).toThrow(busy);
    expect(() => recoverInterruptedChanges(t.dir)).toThrow(busy);
    child.kill('SIGKILL');
    await new Promise((res) => child.on('exit', res));
    expect(new ChangeSet(t.dir).write('a.txt', 'from the parent').apply()).toEqual(['a.txt']);
    expect(readFileSync(join(t.dir, 'a.txt'), 'utf8')).toBe('from the parent');
  });

  it('shows the plan as a unified diff without touching anything', () => {
    t = tempDir();
    writeTree(t.dir, { 'm.yaml': 'one\ntwo\nthree\n' });
    const diff = new ChangeSet(t.dir).write('m.yaml', 'one\n2\nthree\n').write('new.txt', 'x\n').diff();
    expect(diff).toContain('--- a/m.yaml\n+++ b/m.yaml\n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n');
    expect(diff).toContain('--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,1 @@\n+x\n');
    expect(readFileSync(join(t.dir, 'm.yaml'), 'utf8')).toBe('one\ntwo\nthree\n');
    writeFileSync(join(t.dir, 'unused'), '');
  });
});

describe('unifiedDiff', () => {
  it('keeps far-apart changes in separate hunks', () => {
    const a = Array.from({ length: 30 }, (_, i) => `l${i}`).join('\n') + '\n';
    const b = a.replace('l2\n', 'L2\n').replace('l27\n', 'L27\n');
    const d = unifiedDiff(a, b, 'f');
    expect(d.match(/^@@/gm)).toHaveLength(2);
    expect(d).toContain('@@ -1,6 +1,6 @@');
    expect(d).toContain('@@ -25,6 +25,6 @@');
  });
});

describe('ChangeSet previews', () => {
  it('summarise each file as created, modified or deleted, and see a change added after a preview', () => {
    t = tempDir();
    writeTree(t.dir, { 'keep.txt': 'k', 'old.txt': 'o' });
    const cs = new ChangeSet(t.dir).write('keep.txt', 'k2').delete('old.txt');
    expect(cs.summary()).toEqual([
      { op: 'modify', path: 'keep.txt' },
      { op: 'delete', path: 'old.txt' },
    ]);
    cs.write('new.txt', 'n');
    expect(cs.summary().map((c) => `${c.op} ${c.path}`)).toEqual(['modify keep.txt', 'create new.txt', 'delete old.txt']);
    expect(cs.touched()).toEqual(['keep.txt', 'new.txt', 'old.txt']);
  });
});
