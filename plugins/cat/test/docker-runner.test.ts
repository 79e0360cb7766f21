/**
 * The docker runner end to end, with a stand-in `docker` client first on PATH: it records its argv and
 * "runs the image" by starting the fake source with the container paths mapped back to the mounted folder.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stage } from '../src/stage';
import { API_KEY, FAKE_SOURCE, connectorFiles, makeConnector, startMockApi } from './support';

let api: Awaited<ReturnType<typeof startMockApi>>;
let bin: string;
const savedPath = process.env.PATH;

beforeAll(async () => {
  api = await startMockApi();
  bin = mkdtempSync(join(tmpdir(), 'fake-docker-'));
  writeFileSync(
    join(bin, 'docker'),
    `#!${process.execPath}
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(join(bin, 'calls.jsonl'))}, JSON.stringify(args) + '\\n');
if (args[0] !== 'run') process.exit(0);
const [host, inside, mode] = args[args.indexOf('-v') + 1].split(':');
if (mode !== 'ro') process.exit(99);
const image = args.findIndex((a) => a.startsWith('airbyte/'));
const rest = args.slice(image + 1).map((a) => a.replace(inside, host));
const r = spawnSync(process.execPath, [${JSON.stringify(FAKE_SOURCE)}, ...rest], { stdio: 'inherit' });
process.exit(r.status ?? 1);
`,
  );
  chmodSync(join(bin, 'docker'), 0o755);
  process.env.PATH = `${bin}:${savedPath}`;
});

afterAll(async () => {
  process.env.PATH = savedPath;
  rmSync(bin, { recursive: true, force: true });
  await api.close();
});

describe('docker runner through the stage', () => {
  it('is the default for a Python connector and runs every suite through `docker run`', async () => {
    const fx = makeConnector('source-fake', connectorFiles(api.url));
    try {
      const { report, output } = await stage.runOne(fx.root, {}, fx.workspace);
      const tests = report.tests as { status: string; suite: string; name: string; message: string }[];
      expect(report.runner).toBe('docker: airbyte/source-fake:dev');
      expect(tests.filter((t) => t.status === 'failed')).toEqual([]);
      const calls = readFileSync(join(bin, 'calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);
      const commands = calls.map((a) => a[a.indexOf('airbyte/source-fake:dev') + 1]);
      expect(new Set(commands)).toEqual(new Set(['spec', 'check', 'discover', 'read']));
      const check = calls.find((a) => a.includes('check'))!;
      expect(check).toEqual(['run', '--rm', '--init', '--name', expect.stringMatching(/^conveyor-cat-/), '-v', expect.stringMatching(/conveyor-cat-\w+:\/conveyor\/inputs:ro$/), '-e', 'FAKE_MODE', 'airbyte/source-fake:dev', 'check', '--config', '/conveyor/inputs/config.json']);
      expect(JSON.stringify(calls)).not.toContain(API_KEY);
      expect(output).not.toContain(API_KEY);
    } finally {
      fx.cleanup();
    }
  });
});
