import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface InputFiles {
  config?: unknown;
  catalog?: unknown;
  state?: unknown;
}

export type InputPaths = { dir: string } & { [K in keyof InputFiles]?: string };

/**
 * Write a connector's inputs where only this user can read them (0700 folder, 0600 files), the way the
 * platform worker hands a job its config, and remove them whatever happens.
 */
export async function withPrivateFiles<T>(files: InputFiles, fn: (paths: InputPaths) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-cat-'));
  chmodSync(dir, 0o700);
  try {
    const paths: InputPaths = { dir };
    for (const key of ['config', 'catalog', 'state'] as const) {
      if (files[key] === undefined) continue;
      const file = join(dir, `${key}.json`);
      writeFileSync(file, JSON.stringify(files[key]), { mode: 0o600 });
      paths[key] = file;
    }
    return await fn(paths);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
