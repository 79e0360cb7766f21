import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM scripts without type declarations
import { imbalance, splitIntoShards, weighProjects } from '../lib/balance.mjs';
// @ts-expect-error plain ESM scripts without type declarations
import { main } from '../shard.mjs';

interface Shard {
  shard: number;
  of: number;
  projects: string[];
  estimatedMs: number;
}
interface MatrixEntry {
  shard: number;
  of: number;
  projects: string;
  count: number;
  estimatedMs: number;
}

/** A fleet of `n` connectors with skewed durations (most quick, a few very slow), from a fixed seed. */
function generatedFleet(n: number, seed = 42): Map<string, number> {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const out = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const r = rand();
    // 80% take 2–10 s, 18% take 10–60 s, 2% take 1–5 minutes (the CAT suites with real reads).
    const ms = r < 0.8 ? 2000 + rand() * 8000 : r < 0.98 ? 10_000 + rand() * 50_000 : 60_000 + rand() * 240_000;
    out.set(`source-gen-${String(i).padStart(4, '0')}`, Math.round(ms));
  }
  return out;
}

function everyOnce(shards: { projects: string[] }[], expected: string[]) {
  const all = shards.flatMap((s) => s.projects);
  expect(all.length).toBe(expected.length);
  expect([...all].sort()).toEqual([...expected].sort());
}

describe('shard balancing on a generated fleet of 1,000 connectors', () => {
  const durations = generatedFleet(1000);
  const projects = [...durations.keys()];

  it('puts every connector in exactly one shard and keeps the slowest shard close to the ideal', () => {
    for (const n of [2, 4, 8, 16, 32]) {
      const shards: Shard[] = splitIntoShards(weighProjects(projects, durations), n);
      expect(shards).toHaveLength(n);
      everyOnce(shards, projects);
      const total = [...durations.values()].reduce((a, b) => a + b, 0);
      const heaviest = Math.max(...durations.values());
      // Greedy longest-first never overshoots the ideal by more than one connector …
      expect(Math.max(...shards.map((s) => s.estimatedMs))).toBeLessThanOrEqual(total / n + heaviest);
      // … and on a fleet this size that is within a few percent.
      expect(imbalance(shards)).toBeLessThan(n <= 8 ? 1.01 : 1.05);
    }
  });

  it('gives the same shards whatever order the connectors are listed in', () => {
    const reversed = [...projects].reverse();
    const shuffled = [...projects].sort((a, b) => (a.slice(-2) < b.slice(-2) ? -1 : a.slice(-2) > b.slice(-2) ? 1 : 0));
    const a = splitIntoShards(weighProjects(projects, durations), 6);
    expect(splitIntoShards(weighProjects(reversed, durations), 6)).toEqual(a);
    expect(splitIntoShards(weighProjects(shuffled, durations), 6)).toEqual(a);
  });

  it('balances by count when nothing was ever measured, and treats new connectors as typical', () => {
    const byCount: Shard[] = splitIntoShards(weighProjects(projects, new Map()), 7);
    const sizes = byCount.map((s) => s.projects.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);

    const partial = new Map([...durations].slice(0, 500));
    const weighed = weighProjects(projects, partial);
    const unmeasured = weighed.filter((w: { measured: boolean }) => !w.measured);
    expect(unmeasured).toHaveLength(500);
    const known = [...partial.values()].sort((x, y) => x - y);
    const median = (known[249] + known[250]) / 2;
    expect(unmeasured.every((w: { weight: number }) => w.weight === median)).toBe(true);
  });

  it('makes no empty shards when there are fewer connectors than shards, and refuses a bad count', () => {
    const shards: Shard[] = splitIntoShards(weighProjects(['a', 'b', 'c'], new Map()), 10);
    expect(shards.map((s) => s.of)).toEqual([3, 3, 3]);
    expect(splitIntoShards([], 4)).toEqual([]);
    expect(() => splitIntoShards([], 0)).toThrow(/positive integer/);
  });
});

describe('shard CLI reading reports from disk', () => {
  let ws: string;
  const durations = generatedFleet(1000, 7);
  beforeAll(() => {
    ws = mkdtempSync(join(tmpdir(), 'conveyor-shard-'));
    let i = 0;
    for (const [project, ms] of durations) {
      // Every fifth connector has never run cat: it has no report.
      if (i++ % 5 === 0) continue;
      mkdirSync(join(ws, 'dist', 'conveyor', project), { recursive: true });
      writeFileSync(join(ws, 'dist', 'conveyor', project, 'cat.json'), JSON.stringify({ stage: 'cat', project, ok: true, summary: 'ok', findings: [], durationMs: ms }));
    }
    writeFileSync(join(ws, 'projects.txt'), [...durations.keys()].join('\n'));
  });
  afterAll(() => rmSync(ws, { recursive: true, force: true }));

  it('prints a CI matrix whose shards cover the list once, with estimates from the reports', () => {
    const r = main(['-t', 'cat', '--shards', '4', '--projects-file', join(ws, 'projects.txt'), '--cwd', ws]);
    const matrix: { include: MatrixEntry[] } = JSON.parse(r.stdout);
    expect(matrix.include.map((m) => [m.shard, m.of])).toEqual([[1, 4], [2, 4], [3, 4], [4, 4]]);
    everyOnce(matrix.include.map((m) => ({ projects: m.projects.split(',') })), [...durations.keys()]);
    expect(r.stderr).toMatch(/1000 connector\(s\) with target cat → 4 shard\(s\); 800 with a measured duration/);
    const loads = matrix.include.map((m) => m.estimatedMs);
    expect(Math.max(...loads) / (loads.reduce((a, b) => a + b) / 4)).toBeLessThan(1.01);
    // The same inputs give byte-identical output: a re-run shard gets the same list.
    expect(main(['-t', 'cat', '--shards', '4', '--projects-file', join(ws, 'projects.txt'), '--cwd', ws]).stdout).toBe(r.stdout);
  });

  it('gives each parallel job its own shard with --index, together covering the list once', () => {
    const args = ['-t', 'cat', '--shards', '5', '--projects-file', join(ws, 'projects.txt'), '--cwd', ws];
    const lists = [1, 2, 3, 4, 5].map((k) => main([...args, '--index', String(k)]).stdout.trim());
    everyOnce(lists.map((l: string) => ({ projects: l.split(',') })), [...durations.keys()]);
    const matrix = JSON.parse(main(args).stdout).include.map((m: MatrixEntry) => m.projects);
    expect(lists).toEqual(matrix);
    expect(main(['-t', 'cat', '--shards', '4', '--projects', 'source-a', '--index', '3', '--cwd', ws]).stdout).toBe('\n');
    expect(() => main([...args, '--index', '6'])).toThrow(/from 1 to 5/);
  });

  it('warns about a report it cannot read and still places that connector', () => {
    const project = [...durations.keys()][1];
    writeFileSync(join(ws, 'dist', 'conveyor', project, 'cat.json'), '{ not json');
    const r = main(['-t', 'cat', '--shards', '3', '--projects', `${project},${[...durations.keys()][2]}`, '--cwd', ws]);
    expect(r.stderr).toContain(`${project}/cat.json: not valid JSON`);
    expect(JSON.parse(r.stdout).include.flatMap((m: MatrixEntry) => m.projects.split(','))).toContain(project);
  });

  it('fills in durations from a timings file for connectors that have no report here', () => {
    const [a, b] = ['source-new-a', 'source-new-b'];
    writeFileSync(join(ws, 'timings.json'), JSON.stringify({ kind: 'conveyor-timings', stages: { cat: { [a]: 90_000, [b]: 10_000 } } }));
    const r = main(['-t', 'cat', '--shards', '2', '--projects', `${a},${b},source-new-c`, '--cwd', ws, '--timings', 'timings.json']);
    const shards: MatrixEntry[] = JSON.parse(r.stdout).include;
    // c is unmeasured and counts as the median (50 s): it joins b, not the 90 s connector.
    expect(shards.map((s) => s.projects)).toEqual([a, `${b},source-new-c`]);
    expect(r.stderr).toContain('2 with a measured duration');
    expect(() => main(['-t', 'cat', '--shards', '2', '--projects', a, '--cwd', ws, '--timings', 'projects.txt'])).toThrow(/expected timings.json/);
  });

  it('appends the matrix to $GITHUB_OUTPUT for a workflow, and explains missing arguments', () => {
    const out = join(ws, 'github-output');
    writeFileSync(out, '');
    process.env.GITHUB_OUTPUT = out;
    try {
      main(['-t', 'cat', '--shards', '2', '--projects', 'source-a,source-b,source-c', '--cwd', ws, '--github-output']);
    } finally {
      delete process.env.GITHUB_OUTPUT;
    }
    const text = require('node:fs').readFileSync(out, 'utf8') as string;
    expect(text).toMatch(/^matrix=\{"include":\[.*\]\}\ncount=2\n$/);
    expect(() => main(['--shards', '2'])).toThrow(/--target/);
    expect(() => main(['-t', 'cat', '--shards', 'many'])).toThrow(/positive integer/);
  });
});
