/**
 * The declarative conformance suite (golden outputs recorded from Airbyte's Python CDK): every case is run
 * through the engine against a strict replay server on the recorded port, and again from the cassette file;
 * the requests must be exactly the recorded ones and the normalised output must equal expected/.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand, type Command } from '../src/source';
import { readCassette, type CassetteEntry } from '../src/http/transport';
import { startReplayServer } from './support/replay-server';
import { compareLines, compareTraces, jsonEqual, normaliseRead, normaliseTraces } from './support/compare';

const ROOT = process.env.CONVEYOR_CONFORMANCE_DIR ?? path.resolve(__dirname, '../../../../shared/conformance/declarative');
const cases = existsSync(ROOT) ? readdirSync(ROOT).filter((d) => !d.startsWith('_') && existsSync(path.join(ROOT, d, 'manifest.yaml'))).sort() : [];
const results = new Map<string, boolean>();

type Phase = 'spec' | 'check' | 'discover' | 'read' | 'read-with-state';

async function runPhase(dir: string, phase: Phase, mode: 'server' | 'cassette'): Promise<{ messages: any[]; code: number; problems: string[] }> {
  const json = (f: string): any => JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
  const manifest = parseYaml(readFileSync(path.join(dir, 'manifest.yaml'), 'utf8')) as Record<string, unknown>;
  const cassette: CassetteEntry[] = readCassette(path.join(dir, 'cassette.jsonl'));
  const exchanges = cassette.filter((e) => e.phase === phase);
  const port = Number(/:(\d+)/.exec(String(JSON.stringify(manifest)).match(/http:\/\/127\.0\.0\.1:\d+/)![0])![1]);
  const server = mode === 'server' ? await startReplayServer(port, exchanges, cassette.flatMap((e) => Object.keys(e.request.headers))) : undefined;
  const messages: any[] = [];
  try {
    const command: Command = phase === 'read-with-state' ? 'read' : phase;
    const code = await runCommand(
      {
        command,
        manifest,
        manifestDir: dir,
        config: json('config.json'),
        catalog: json('catalog.json'),
        state: phase === 'read-with-state' ? json('state.json') : undefined,
        cassette: mode === 'cassette' ? path.join(dir, 'cassette.jsonl') : undefined,
        sleepScale: 0.01,
      },
      (m) => messages.push(JSON.parse(JSON.stringify(m))),
    );
    const problems = server ? [...server.mismatches] : [];
    if (server && server.consumed() !== exchanges.length) problems.push(`only ${server.consumed()} of ${exchanges.length} recorded ${phase} requests were made`);
    return { messages, code, problems };
  } finally {
    await server?.close();
  }
}

describe.skipIf(!cases.length)('declarative conformance (CDK v7.28.2 golden cases)', () => {
  afterAll(() => {
    const passed = [...results.values()].filter(Boolean).length;
    console.log(`conformance: ${passed}/${cases.length} cases pass fully`);
  });

  for (const name of cases) {
    const dir = path.join(ROOT, name);
    const expected = (f: string): any => JSON.parse(readFileSync(path.join(dir, 'expected', f), 'utf8'));
    const expectedLines = (f: string): any[] => readFileSync(path.join(dir, 'expected', f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const hasState = existsSync(path.join(dir, 'state.json'));
    const readFails = existsSync(path.join(dir, 'expected', 'trace.json'));

    for (const mode of ['server', 'cassette'] as const) {
      it(`${name} (${mode === 'server' ? 'strict replay server' : '--cassette'})`, async () => {
        const problems: string[] = [];
        for (const phase of ['spec', 'check', 'discover', 'read', ...(hasState ? ['read-with-state'] : [])] as Phase[]) {
          if (mode === 'cassette' && (phase === 'spec' || phase === 'discover')) continue;
          const { messages, code, problems: requestProblems } = await runPhase(dir, phase, mode);
          problems.push(...requestProblems.map((p) => `${phase}: ${p}`));
          const one = (type: string): any => messages.filter((m) => m.type === type);
          if (phase === 'spec' || phase === 'check' || phase === 'discover') {
            const type = { spec: 'SPEC', check: 'CONNECTION_STATUS', discover: 'CATALOG' }[phase];
            const got = one(type);
            if (got.length !== 1 || !jsonEqual(got[0], expected(`${phase}.json`))) problems.push(`${phase}: got ${JSON.stringify(got.length ? got : messages)}`);
            if (code !== 0) problems.push(`${phase}: exit code ${code}`);
            continue;
          }
          const file = phase === 'read' ? 'read.jsonl' : 'read-with-state.jsonl';
          problems.push(...compareLines(expectedLines(file), normaliseRead(messages)).map((p) => `${phase}: ${p}`));
          const wantCode = phase === 'read' && readFails ? 1 : 0;
          if (code !== wantCode) problems.push(`${phase}: exit code ${code}, expected ${wantCode}`);
          if (phase === 'read' && readFails) problems.push(...compareTraces(expected('trace.json'), normaliseTraces(messages)).map((p) => `trace: ${p}`));
          else if (normaliseTraces(messages).length) problems.push(`${phase}: unexpected error traces ${JSON.stringify(normaliseTraces(messages))}`);
        }
        results.set(name, (results.get(name) ?? true) && problems.length === 0);
        expect(problems).toEqual([]);
      });
    }
  }
});
