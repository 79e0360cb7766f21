import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { branchExists, commitFiles, createBranch, currentBranch, defaultBranch, mergeBase, refExists, showFile, uncommittedFiles } from '@conveyor/git';
import { git, gitRepo, type TempDir } from '../../../test/support';

let repo: TempDir;
afterEach(() => repo.cleanup());

describe('@conveyor/git', () => {
  it('tells existing refs from missing ones', async () => {
    repo = gitRepo({ 'a.txt': 'a' });
    expect(await refExists(repo.dir, 'main')).toBe(true);
    expect(await refExists(repo.dir, 'no-such-branch')).toBe(false);
    expect(await branchExists(repo.dir, 'nope')).toBe(false);
    expect(await defaultBranch(repo.dir)).toBe('main');
  });

  it('commits exactly the named files on a new branch, and reads files at a ref', async () => {
    repo = gitRepo({ 'a.txt': 'a', 'b.txt': 'b' });
    await createBranch(repo.dir, 'feature');
    writeFileSync(join(repo.dir, 'a.txt'), 'a2');
    writeFileSync(join(repo.dir, 'b.txt'), 'b2');
    expect((await uncommittedFiles(repo.dir)).sort()).toEqual(['a.txt', 'b.txt']);
    await commitFiles(repo.dir, ['a.txt'], 'only a');
    expect(await currentBranch(repo.dir)).toBe('feature');
    expect(await uncommittedFiles(repo.dir)).toEqual(['b.txt']);
    expect(await showFile(repo.dir, 'HEAD', 'a.txt')).toBe('a2');
    expect(await showFile(repo.dir, 'main', 'a.txt')).toBe('a');
    expect(await showFile(repo.dir, 'main', 'missing.txt')).toBeUndefined();
    expect(await mergeBase(repo.dir, 'main')).toBe(git(repo.dir, 'rev-parse', 'main').trim());
  });
});
