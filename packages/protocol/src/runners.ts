import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { InputPaths } from './private-files';
import type { ConnectorCommand } from './types';

/** Where the docker runner mounts the private input folder inside the container. */
export const CONTAINER_INPUT_DIR = '/conveyor/inputs';

export interface Recording {
  /** Replay HTTP traffic from this cassette (manifest runner only). */
  cassette?: string;
  /** Record HTTP traffic to this cassette (manifest runner only). */
  record?: string;
}

/** How to start a connector: turns a command plus its input files into an argv. */
export interface ConnectorRunner {
  kind: 'command' | 'docker' | 'manifest';
  /** One line for reports: what runs the connector. */
  description: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** `envNames`: variables set for this invocation only (their values are in the process environment). */
  argv(command: ConnectorCommand, inputs: InputPaths, recording?: Recording, envNames?: string[]): string[];
  /** Called once a timeout fired, with the argv that timed out. */
  onTimeout?(argv: string[]): Promise<void>;
}

function commandArgs(command: ConnectorCommand, paths: { config?: string; catalog?: string; state?: string }): string[] {
  const out: string[] = [command];
  if (command !== 'spec' && paths.config) out.push('--config', paths.config);
  if (command === 'read') {
    if (paths.catalog) out.push('--catalog', paths.catalog);
    if (paths.state) out.push('--state', paths.state);
  }
  return out;
}

export interface CommandRunnerOptions {
  /** e.g. `["python", "main.py"]` or `["node", "main.js"]`, run in `cwd`. */
  command: string[];
  cwd: string;
  env?: Record<string, string>;
}

/** Run the connector as a local process in its folder (the way `python main.py spec` is run by hand). */
export function commandRunner(opts: CommandRunnerOptions): ConnectorRunner {
  if (!Array.isArray(opts.command) || opts.command.length === 0 || !opts.command.every((a) => typeof a === 'string'))
    throw new Error('the command runner needs `command`: an argv list such as ["python", "main.py"]');
  return {
    kind: 'command',
    description: `command: ${opts.command.join(' ')} (in ${opts.cwd})`,
    cwd: opts.cwd,
    env: { ...process.env, ...(opts.env ?? {}) },
    argv: (command, inputs) => [...opts.command, ...commandArgs(command, inputs)],
  };
}

export interface DockerRunnerOptions {
  image: string;
  cwd: string;
  /** Passed as `-e NAME` with the value in the client's environment, so values never appear in an argv. */
  env?: Record<string, string>;
  dockerBin?: string;
}

/**
 * Run the connector image with `docker run`. Inputs are mounted read-only from the private temp folder; the
 * container gets a unique name so a timeout can `docker kill` it (killing the client does not stop it).
 */
export function dockerRunner(opts: DockerRunnerOptions): ConnectorRunner {
  const docker = opts.dockerBin ?? 'docker';
  const names = new Map<string, string>();
  return {
    kind: 'docker',
    description: `docker: ${opts.image}`,
    cwd: opts.cwd,
    env: { ...process.env, ...(opts.env ?? {}) },
    argv(command, inputs, _recording, envNames = []) {
      const name = `conveyor-cat-${randomBytes(6).toString('hex')}`;
      const inside = (p?: string) => (p ? `${CONTAINER_INPUT_DIR}/${p.slice(inputs.dir.length + 1)}` : undefined);
      const argv = [docker, 'run', '--rm', '--init', '--name', name, '-v', `${inputs.dir}:${CONTAINER_INPUT_DIR}:ro`];
      for (const key of [...new Set([...Object.keys(opts.env ?? {}), ...envNames])].sort()) argv.push('-e', key);
      argv.push(opts.image, ...commandArgs(command, { config: inside(inputs.config), catalog: inside(inputs.catalog), state: inside(inputs.state) }));
      names.set(argv.join('\0'), name);
      return argv;
    },
    async onTimeout(argv) {
      const name = names.get(argv.join('\0'));
      if (!name) return;
      await new Promise<void>((done) => {
        const p = spawn(docker, ['kill', name], { stdio: 'ignore', env: process.env });
        const t = setTimeout(() => (p.kill('SIGKILL'), done()), 10_000);
        p.on('error', () => (clearTimeout(t), done()));
        p.on('exit', () => (clearTimeout(t), done()));
      });
    },
  };
}

export interface ManifestRunnerOptions {
  /** Absolute path of the manifest. */
  manifestPath: string;
  cwd: string;
  env?: Record<string, string>;
  /** Path of `@conveyor/engine`'s CLI; default: resolved from `paths`. */
  cliPath?: string;
  /** Folders to resolve `@conveyor/engine` from (workspace root first). */
  paths?: string[];
}

/** Where `@conveyor/engine`'s CLI is, or a clear error saying how to get it. */
export function resolveEngineCli(paths: string[] = []): string {
  let pkgJson: string;
  try {
    pkgJson = require.resolve('@conveyor/engine/package.json', { paths: [...paths, __dirname] });
  } catch {
    throw new Error('the manifest runner needs @conveyor/engine (packages/engine in the Conveyor workspace): install it, or choose `runner: command` or `runner: docker`');
  }
  const cli = join(dirname(pkgJson), 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`@conveyor/engine is not built: ${cli} is missing (run \`npm run build\`)`);
  return cli;
}

/** Run a declarative manifest with Conveyor's own engine (`conveyor-manifest`), optionally against a cassette. */
export function manifestRunner(opts: ManifestRunnerOptions): ConnectorRunner {
  const cli = opts.cliPath ?? resolveEngineCli(opts.paths);
  const manifest = resolve(opts.cwd, opts.manifestPath);
  return {
    kind: 'manifest',
    description: `manifest: ${manifest} (engine ${cli})`,
    cwd: opts.cwd,
    env: { ...process.env, ...(opts.env ?? {}) },
    argv(command, inputs, recording) {
      const argv = [process.execPath, cli, command, '--manifest-path', manifest];
      if (command !== 'spec' && inputs.config) argv.push('--config', inputs.config);
      if (command === 'read' && inputs.catalog) argv.push('--catalog', inputs.catalog);
      if (command === 'read' && inputs.state) argv.push('--state', inputs.state);
      if (command !== 'spec' && recording?.record) argv.push('--record', recording.record);
      else if (command !== 'spec' && recording?.cassette) argv.push('--cassette', recording.cassette);
      return argv;
    },
  };
}
