import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandRunner, dockerRunner, invokeConnector, manifestRunner, type AirbyteMessage } from '../src/index';

let dir: string;
let log: string;
let docker: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'protocol-runners-'));
  log = join(dir, 'docker-calls.jsonl');
  // A stand-in `docker` client: records its argv, what the mounted input folder holds (and its modes), and
  // answers like a connector image would; `run … read` hangs so the timeout path can be seen.
  docker = join(dir, 'docker');
  writeFileSync(
    docker,
    `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
const entry = { args, env: process.env.API_REGION ?? null, deploymentMode: process.env.DEPLOYMENT_MODE ?? null };
const mount = args[args.indexOf('-v') + 1];
if (args[0] === 'run' && mount) {
  const host = mount.split(':')[0];
  entry.dirMode = (fs.statSync(host).mode & 0o777).toString(8);
  entry.files = Object.fromEntries(fs.readdirSync(host).map((f) => [f, { mode: (fs.statSync(host + '/' + f).mode & 0o777).toString(8), text: fs.readFileSync(host + '/' + f, 'utf8') }]));
}
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(entry) + '\\n');
if (args[0] === 'run' && args.includes('check')) console.log(JSON.stringify({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'SUCCEEDED' } }));
if (args[0] === 'run' && args.includes('read')) setInterval(() => {}, 1000);
`,
  );
  chmodSync(docker, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const calls = () => readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('docker runner', () => {
  it('runs the exact docker argv with inputs mounted read-only from a private folder, then removes it', async () => {
    writeFileSync(log, '');
    const runner = dockerRunner({ image: 'airbyte/source-x:dev', cwd: dir, env: { API_REGION: 'eu' }, dockerBin: docker });
    const messages: AirbyteMessage[] = [];
    const result = await invokeConnector(runner, { command: 'check', config: { api_key: 'k' }, timeoutMs: 10_000, onMessage: (m) => messages.push(m) });
    expect(result.exitCode).toBe(0);
    expect(messages).toEqual([{ type: 'CONNECTION_STATUS', connectionStatus: { status: 'SUCCEEDED' } }]);
    const [call] = calls();
    const inputDir = call.args[6].split(':')[0];
    expect(call.args).toEqual(['run', '--rm', '--init', '--name', expect.stringMatching(/^conveyor-cat-[0-9a-f]{12}$/), '-v', `${inputDir}:/conveyor/inputs:ro`, '-e', 'API_REGION', 'airbyte/source-x:dev', 'check', '--config', '/conveyor/inputs/config.json']);
    // The value travels in the client's environment, never in the argv.
    expect(call.env).toBe('eu');
    expect(call.dirMode).toBe('700');
    expect(call.files).toEqual({ 'config.json': { mode: '600', text: '{"api_key":"k"}' } });
    expect(existsSync(inputDir)).toBe(false);
  });

  it('passes per-invocation environment (a test\'s DEPLOYMENT_MODE) by name, with the value only in the environment', async () => {
    writeFileSync(log, '');
    const runner = dockerRunner({ image: 'airbyte/source-x:dev', cwd: dir, env: { API_REGION: 'eu' }, dockerBin: docker });
    await invokeConnector(runner, { command: 'check', config: {}, timeoutMs: 10_000, env: { DEPLOYMENT_MODE: 'CLOUD' }, onMessage: () => {} });
    await invokeConnector(runner, { command: 'check', config: {}, timeoutMs: 10_000, onMessage: () => {} });
    const [withMode, without] = calls();
    expect(withMode.args.slice(7, 11)).toEqual(['-e', 'API_REGION', '-e', 'DEPLOYMENT_MODE']);
    expect(withMode.deploymentMode).toBe('CLOUD');
    expect(without.args).not.toContain('DEPLOYMENT_MODE');
    expect(without.deploymentMode).toBe(process.env.DEPLOYMENT_MODE ?? null);
  });

  it('passes catalog and state to read, and on timeout kills the client and `docker kill`s the container', async () => {
    writeFileSync(log, '');
    const runner = dockerRunner({ image: 'airbyte/source-x:1.2.3', cwd: dir, dockerBin: docker });
    const result = await invokeConnector(runner, { command: 'read', config: {}, catalog: { streams: [] }, state: [], timeoutMs: 500, onMessage: () => undefined });
    expect(result.timedOut).toBe(true);
    const [run, kill] = calls();
    expect(run.args.slice(7)).toEqual(['airbyte/source-x:1.2.3', 'read', '--config', '/conveyor/inputs/config.json', '--catalog', '/conveyor/inputs/catalog.json', '--state', '/conveyor/inputs/state.json']);
    expect(kill.args).toEqual(['kill', run.args[4]]);
  });
});

describe('command runner', () => {
  it('runs the argv in the connector folder and reports a missing executable clearly', async () => {
    const runner = commandRunner({ command: [process.execPath, '-e', 'console.log(JSON.stringify({type:"LOG",log:{level:"INFO",message:process.cwd()}}))'], cwd: dir });
    const msgs: AirbyteMessage[] = [];
    await invokeConnector(runner, { command: 'spec', timeoutMs: 10_000, onMessage: (m) => msgs.push(m) });
    expect(msgs).toEqual([{ type: 'LOG', log: { level: 'INFO', message: dir } }]);
    const missing = await invokeConnector(commandRunner({ command: ['no-such-connector-binary'], cwd: dir }), { command: 'spec', timeoutMs: 10_000, onMessage: () => undefined });
    expect(missing.spawnError).toMatch(/ENOENT/);
  });
});

describe('manifest runner', () => {
  it('calls the engine CLI with the manifest, inputs and cassette flags', async () => {
    const cli = join(dir, 'fake-cli.js');
    writeFileSync(cli, `console.log(JSON.stringify({ type: 'LOG', log: { level: 'INFO', message: JSON.stringify(process.argv.slice(2)) } }));`);
    const runner = manifestRunner({ manifestPath: 'manifest.yaml', cwd: dir, cliPath: cli });
    const argvOf = async (command: 'spec' | 'read', recording?: { cassette?: string; record?: string }) => {
      let argv: string[] = [];
      await invokeConnector(runner, { command, config: {}, catalog: { streams: [] }, timeoutMs: 10_000, recording, onMessage: (m) => m.type === 'LOG' && (argv = JSON.parse(m.log.message)) });
      return argv.map((a) => a.replace(/\/[^ ]*conveyor-cat-[^/]+/, '<tmp>'));
    };
    expect(await argvOf('spec')).toEqual(['spec', '--manifest-path', join(dir, 'manifest.yaml')]);
    expect(await argvOf('read', { cassette: 'c.jsonl' })).toEqual(['read', '--manifest-path', join(dir, 'manifest.yaml'), '--config', '<tmp>/config.json', '--catalog', '<tmp>/catalog.json', '--cassette', 'c.jsonl']);
    expect((await argvOf('read', { record: 'r.jsonl' })).slice(-2)).toEqual(['--record', 'r.jsonl']);
  });
});
