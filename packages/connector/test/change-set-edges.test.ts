import { chmodSync, existsSync, lstatSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChangeSet, recoverInterruptedChanges } from '@conveyor/connector';
import { tempDir, writeTree, type TempDir } from '../../../test/support';

// A disk that refuses one write: any path ending in `fail-here`, so a test can break a change set mid-way.
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const writeFileSync: typeof fs.writeFileSync = (file, ...rest) => {
    if (String(file).includes('fail-here')) throw Object.assign(new Error(`ENOSPC: no space left on device, write '${String(file)}'`), { code: 'ENOSPC' });
    return fs.writeFileSync(file, ...rest);
  };
  return { ...fs, default: { ...fs, writeFileSync }, writeFileSync };
});

let t: TempDir;
afterEach(() => t?.cleanup());
const read = (p: string) => (existsSync(join(t.dir, p)) ? readFileSync(join(t.dir, p), 'utf8') : null);

describe('ChangeSet edge cases', () => {
  it('moves a whole folder, and binary files byte for byte', () => {
    t = tempDir();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe]);
    writeTree(t.dir, { 'source_x/schemas/a.json': '{"a":1}', 'source_x/schemas/shared/b.json': '{}' });
    writeFileSync(join(t.dir, 'icon.png'), png);
    const cs = new ChangeSet(t.dir).move('source_x/schemas', 'schemas').move('icon.png', 'assets/icon.png');
    expect(cs.diff()).toContain('Binary files a/icon.png and /dev/null differ');
    cs.apply();
    expect(read('schemas/a.json')).toBe('{"a":1}');
    expect(read('schemas/shared/b.json')).toBe('{}');
    expect(existsSync(join(t.dir, 'source_x'))).toBe(false);
    expect(readFileSync(join(t.dir, 'assets/icon.png')).equals(png)).toBe(true);
  });

  it('refuses to move onto an existing file, or from nothing, naming the path', () => {
    t = tempDir();
    writeTree(t.dir, { 'source_x/components.py': 'new', 'components.py': 'precious' });
    expect(() => new ChangeSet(t.dir).move('source_x/components.py', 'components.py').apply()).toThrow(/components.py already exists/);
    expect(read('components.py')).toBe('precious');
    const missing = new ChangeSet(t.dir).move('missing.py', 'components.py');
    expect(missing.touched()).toEqual([]);
    expect(missing.conflicts().map((c) => c.message)).toEqual([expect.stringMatching(/missing.py.*found nothing/)]);
    expect(() => missing.apply()).toThrow(/missing.py.*found nothing/);
    new ChangeSet(t.dir).move('source_x/components.py', 'components.py', { overwrite: true }).apply();
    expect(read('components.py')).toBe('new');
  });

  it('creates the folder it works in when it does not exist yet', () => {
    t = tempDir();
    const root = join(t.dir, 'connectors/source-new');
    expect(new ChangeSet(root).write('metadata.yaml', 'data: {}\n').apply()).toEqual(['metadata.yaml']);
    expect(readFileSync(join(root, 'metadata.yaml'), 'utf8')).toBe('data: {}\n');
    expect(existsSync(join(root, '.conveyor-changeset'))).toBe(false);
  });

  it('refuses paths outside its folder', () => {
    t = tempDir();
    expect(() => new ChangeSet(t.dir).write('../escape.txt', 'x')).toThrow(/expected a path inside the folder/);
    expect(() => new ChangeSet(t.dir).delete('/etc/passwd')).toThrow(/expected a path inside the folder/);
  });

  it('replaces a folder by a file and a file by a folder, and can undo both', () => {
    t = tempDir();
    writeTree(t.dir, { 'spec/a.yaml': 'a', 'spec/empty/.keep': '', 'schemas': 'was a file' });
    new ChangeSet(t.dir).delete('spec').write('spec', 'now a file').delete('schemas').write('schemas/x.json', '{}').apply();
    expect(read('spec')).toBe('now a file');
    expect(read('schemas/x.json')).toBe('{}');
    // A step that fails undoes the swap as well.
    const failing = new ChangeSet(t.dir).delete('spec').write('spec/b.yaml', 'b').delete('schemas').write('schemas', 'file again').write('fail-here', 'x');
    expect(() => failing.apply()).toThrow(/ENOSPC/);
    expect(read('spec')).toBe('now a file');
    expect(read('schemas/x.json')).toBe('{}');
  });

  it('says clearly when a write lands on a folder with files or under a file', () => {
    t = tempDir();
    writeTree(t.dir, { 'dir/a.txt': 'a', 'file.txt': 'f' });
    expect(() => new ChangeSet(t.dir).write('dir', 'x').apply()).toThrow(/cannot write dir: it is a folder with files/);
    expect(new ChangeSet(t.dir).write('file.txt/inner', 'x').conflicts()[0].message).toMatch(/file.txt is a file, expected a folder/);
    expect(read('dir/a.txt')).toBe('a');
    expect(existsSync(join(t.dir, '.conveyor-changeset'))).toBe(false);
  });

  it('keeps symlinks as links when it restores them, and deletes links to folders', () => {
    t = tempDir();
    writeTree(t.dir, { 'shared/schema.json': '{}', 'pkg/real.txt': 'r' });
    symlinkSync('../shared', join(t.dir, 'pkg/schemas'));
    symlinkSync('real.txt', join(t.dir, 'pkg/alias.txt'));
    expect(() => new ChangeSet(t.dir).delete('pkg').write('fail-here', 'x').apply()).toThrow(/ENOSPC/);
    expect(readlinkSync(join(t.dir, 'pkg/schemas'))).toBe('../shared');
    expect(lstatSync(join(t.dir, 'pkg/alias.txt')).isSymbolicLink()).toBe(true);
    expect(new ChangeSet(t.dir).delete('pkg').touched()).toEqual(['pkg/alias.txt', 'pkg/real.txt', 'pkg/schemas']);
    new ChangeSet(t.dir).delete('pkg').apply();
    expect(existsSync(join(t.dir, 'pkg'))).toBe(false);
    expect(read('shared/schema.json')).toBe('{}');
  });

  it('keeps the permissions of a file it rewrites', () => {
    t = tempDir();
    writeTree(t.dir, { 'run.sh': '#!/bin/sh\necho 1\n' });
    chmodSync(join(t.dir, 'run.sh'), 0o755);
    new ChangeSet(t.dir).write('run.sh', '#!/bin/sh\necho 2\n').apply();
    expect(statSync(join(t.dir, 'run.sh')).mode & 0o777).toBe(0o755);
  });

  it('names the journal when it cannot read it, and plans only after recovering', () => {
    t = tempDir();
    writeTree(t.dir, { 'a.txt': 'A', '.conveyor-changeset/journal.json': '{"entries": [' });
    expect(() => recoverInterruptedChanges(t.dir)).toThrow(/\.conveyor-changeset\/journal\.json: cannot read the change-set journal/);
    writeTree(t.dir, { 'a.txt': 'half-applied', '.conveyor-changeset/backup/0': 'A', '.conveyor-changeset/journal.json': JSON.stringify({ entries: [{ path: 'a.txt', existed: true, backup: 'backup/0' }] }) });
    // The plan is computed against the restored file, so writing the original content is a no-op.
    expect(new ChangeSet(t.dir).write('a.txt', 'A').apply()).toEqual([]);
    expect(read('a.txt')).toBe('A');
  });
});
