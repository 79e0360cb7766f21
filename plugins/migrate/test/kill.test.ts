import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recoverInterruptedChanges } from '@conveyor/connector';
import { REPO_ROOT, copyConnector, tempDir, type TempDir } from '../../../test/support';
import { stage } from '../src/stage';
import { filesUnder } from './corpus';

let tmp: TempDir | undefined;
afterEach(() => tmp?.cleanup());

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(filesUnder(dir).map((f) => [f, readFileSync(join(dir, f), 'latin1')]));
}

/** Start a migration in a child process that pauses before change `step`, and SIGKILL it there. */
async function killMidway(dir: string, root: string, step: number): Promise<void> {
  const child = spawn(process.execPath, ['--conditions=conveyor-source', '-r', '@swc-node/register', join(__dirname, 'fixtures/migrate-child.ts'), dir, root, 'manifest-only'], {
    cwd: REPO_ROOT,
    env: { ...process.env, CONVEYOR_TEST_PAUSE_AT_STEP: String(step), CONVEYOR_TEST_PAUSE_MS: '60000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes(`paused before change ${step}`)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the child ended (code ${code}) before pausing: ${stderr}`)));
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('a migration killed mid-way', () => {
  it('leaves a half-applied folder that recovery restores byte for byte', async () => {
    tmp = tempDir('conveyor-migrate-kill-');
    copyConnector(join(REPO_ROOT, 'connectors', 'source-tasklist'), tmp.dir, 'connectors/source-tasklist');
    const dir = join(tmp.dir, 'connectors', 'source-tasklist');
    const before = snapshot(dir);
    await killMidway(dir, tmp.dir, 4);
    // Really interrupted: some files already changed, the journal is still there.
    expect(existsSync(join(dir, '.conveyor-changeset', 'journal.json'))).toBe(true);
    const during = Object.fromEntries(Object.entries(snapshot(dir)).filter(([f]) => !f.startsWith('.conveyor-changeset/')));
    expect(during).not.toEqual(before);
    expect(recoverInterruptedChanges(dir)).toBe(true);
    expect(snapshot(dir)).toEqual(before);
  });

  it('is restored by the next run, which then migrates as if nothing had happened', async () => {
    tmp = tempDir('conveyor-migrate-kill-');
    for (const name of ['killed', 'clean']) copyConnector(join(REPO_ROOT, 'connectors', 'source-tasklist'), tmp.dir, `${name}/source-tasklist`);
    const killed = join(tmp.dir, 'killed', 'source-tasklist');
    const clean = join(tmp.dir, 'clean', 'source-tasklist');
    await killMidway(killed, tmp.dir, 2);
    const next = await stage.runOne(killed, { layout: 'manifest-only', allowDirty: true }, tmp.dir);
    expect(next.report.ok, next.report.summary).toBe(true);
    expect(next.report.findings).toContainEqual(expect.objectContaining({ rule: 'interrupted', message: expect.stringContaining('restored') }));
    await stage.runOne(clean, { layout: 'manifest-only', allowDirty: true }, tmp.dir);
    expect(snapshot(killed)).toEqual(snapshot(clean));
  });
});
