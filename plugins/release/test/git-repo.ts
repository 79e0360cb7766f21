import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TestRepo {
  dir: string;
  git(...args: string[]): string;
  /** Write files (relative paths → content; null deletes). */
  write(files: Record<string, string | null>): void;
  commit(message: string): string;
  cleanup(): void;
}

/** A throwaway repository on branch `main` with a local identity and signing off, holding `files` in one commit. */
export function gitRepo(files: Record<string, string>): TestRepo {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-release-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'Conveyor Test');
  git('config', 'commit.gpgsign', 'false');
  const write = (fs: Record<string, string | null>) => {
    for (const [p, content] of Object.entries(fs)) {
      const abs = join(dir, p);
      if (content === null) rmSync(abs, { force: true, recursive: true });
      else {
        mkdirSync(dirname(abs), { recursive: true });
        writeFileSync(abs, content);
      }
    }
  };
  const commit = (message: string) => {
    git('add', '--all');
    git('commit', '--quiet', '--allow-empty', '-m', message);
    return git('rev-parse', 'HEAD').trim();
  };
  write(files);
  commit('base');
  return { dir, git, write, commit, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
