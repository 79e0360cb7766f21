import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { branchExists, changedFiles, commitFiles, listFilesAt, createBranch, currentBranch, defaultBranch, mergeBase, refExists, showFile, uncommittedFiles } from '@conveyor/git';
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

  it('lists uncommitted files by their real names, repository-relative, renames with both paths', async () => {
    repo = gitRepo({ 'connectors/source-a/old name.yaml': 'x', 'keep.txt': 'k' });
    git(repo.dir, 'mv', 'connectors/source-a/old name.yaml', 'connectors/source-a/new "name".yaml');
    mkdirSync(join(repo.dir, 'connectors/source-a/schemas'));
    writeFileSync(join(repo.dir, 'connectors/source-a/schemas/café.json'), '{}');
    expect((await uncommittedFiles(join(repo.dir, 'connectors/source-a'))).sort()).toEqual([
      'connectors/source-a/new "name".yaml',
      'connectors/source-a/old name.yaml',
      'connectors/source-a/schemas/café.json',
    ]);
  });

  it('lists files changed since a base, new untracked ones included', async () => {
    repo = gitRepo({ 'a.txt': 'a', 'b.txt': 'b', '.gitignore': 'ignored.log\n' });
    git(repo.dir, 'checkout', '-q', '-b', 'feature');
    writeFileSync(join(repo.dir, 'a.txt'), 'a2');
    git(repo.dir, 'commit', '-qam', 'a2');
    writeFileSync(join(repo.dir, 'b.txt'), 'b2');
    mkdirSync(join(repo.dir, 'sub'));
    writeFileSync(join(repo.dir, 'sub/new file.txt'), 'n');
    writeFileSync(join(repo.dir, 'ignored.log'), 'x');
    expect((await changedFiles(join(repo.dir, 'sub'), 'main')).sort()).toEqual(['a.txt', 'b.txt', 'sub/new file.txt']);
    git(repo.dir, 'add', '-A');
    git(repo.dir, 'commit', '-qm', 'more');
    expect(await listFilesAt(repo.dir, 'HEAD', 'sub')).toEqual(['sub/new file.txt']);
    writeFileSync(join(repo.dir, 'sub/café.md'), 'c');
    git(repo.dir, 'add', '-A');
    git(repo.dir, 'commit', '-qm', 'accent');
    expect(await listFilesAt(repo.dir, 'HEAD', 'sub')).toEqual(['sub/café.md', 'sub/new file.txt']);
  });
});
