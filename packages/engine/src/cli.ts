#!/usr/bin/env node
/**
 * conveyor-manifest spec|check|discover|read --manifest-path M [--config C] [--catalog K] [--state S]
 *                   [--cassette F] [--record F]
 * One Airbyte message per stdout line; exit codes as the CDK's entrypoint (read failure → 1).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runCommand, type Command } from './source';
import { errorTrace, type AirbyteMessage } from './protocol';
import { parseJson } from './json';

const USAGE = `usage: conveyor-manifest spec|check|discover|read --manifest-path M [--config C] [--catalog K] [--state S] [--cassette F] [--record F]`;
const FLAGS = new Set(['manifest-path', 'config', 'catalog', 'state', 'cassette', 'record']);

export function parseArgs(argv: string[]): { command: Command; flags: Record<string, string> } {
  const [command, ...rest] = argv;
  if (!['spec', 'check', 'discover', 'read'].includes(command)) throw new Error(`unknown command ${JSON.stringify(command ?? '')}\n${USAGE}`);
  const flags: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(rest[i]);
    if (!m || !FLAGS.has(m[1])) throw new Error(`unknown argument ${JSON.stringify(rest[i])}\n${USAGE}`);
    const value = m[2] ?? rest[++i];
    if (value === undefined) throw new Error(`--${m[1]} needs a value\n${USAGE}`);
    flags[m[1]] = value;
  }
  if (!flags['manifest-path']) throw new Error(`--manifest-path is required\n${USAGE}`);
  if (command !== 'spec' && !flags.config) throw new Error(`${command} needs --config\n${USAGE}`);
  if (command === 'read' && !flags.catalog) throw new Error(`read needs --catalog\n${USAGE}`);
  return { command: command as Command, flags };
}

function readJson(file: string, what: string): any {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${what} ${file}: ${(e as Error).message}`);
  }
  try {
    return parseJson(text);
  } catch (e) {
    throw new Error(`${what} ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    // stdout carries protocol messages only, so usage goes to stderr.
    process.stderr.write(`${USAGE}\n`);
    return argv.length === 0 ? 1 : 0;
  }
  let buffer = '';
  const flush = (): void => {
    if (buffer) process.stdout.write(buffer);
    buffer = '';
  };
  const emit = (m: AirbyteMessage): void => {
    buffer += `${JSON.stringify(m)}\n`;
    if (buffer.length > 262144) flush();
  };
  try {
    const { command, flags } = parseArgs(argv);
    const manifestPath = flags['manifest-path'];
    let manifest: Record<string, unknown>;
    try {
      manifest = parseYaml(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`cannot load manifest ${manifestPath}: ${(e as Error).message}`);
    }
    const code = await runCommand(
      {
        command,
        manifest,
        manifestDir: path.dirname(path.resolve(manifestPath)),
        config: flags.config ? readJson(flags.config, 'config') : undefined,
        catalog: flags.catalog ? readJson(flags.catalog, 'catalog') : undefined,
        state: flags.state ? readJson(flags.state, 'state') : undefined,
        cassette: flags.cassette,
        record: flags.record,
      },
      emit,
    );
    flush();
    return code;
  } catch (e) {
    emit(errorTrace((e as Error).message, undefined, 'config_error'));
    flush();
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`${(e as Error).stack}\n`);
      process.exitCode = 1;
    },
  );
}
