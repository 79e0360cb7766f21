// The CI pipeline of tools/ci/README.md on the real corpus: affected → shards → one `nx run-many --batch` per
// shard → one fleet report and one JUnit file from all the shards' reports.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtPlugins, FLEET_CORPUS, fleetRepo, git, nx, run, REPO_ROOT, type FleetRepo } from '../../tools/ci/test/support';

const SHARD = join(REPO_ROOT, 'tools/ci/shard.mjs');
const FLEET_REPORT = join(REPO_ROOT, 'tools/ci/fleet-report.mjs');
const ALL = readdirSync(FLEET_CORPUS).filter((n) => existsSync(join(FLEET_CORPUS, n, 'metadata.yaml'))).sort();

interface MatrixEntry {
  shard: number;
  of: number;
  projects: string;
  count: number;
  estimatedMs: number;
  unmeasured: number;
}

async function shard(dir: string, args: string[]): Promise<{ include: MatrixEntry[]; log: string }> {
  const r = await run(process.execPath, [SHARD, ...args], dir);
  expect(r.code, r.output).toBe(0);
  const line = r.output.split('\n').find((l) => l.startsWith('{"include"'));
  return { ...JSON.parse(line!), log: r.output };
}

describe.skipIf(!builtPlugins(['import-check']).length)('sharding the corpus fleet', () => {
  let repo: FleetRepo;
  let dir: string;
  let withTarget: string[];
  beforeAll(async () => {
    repo = fleetRepo({ connectors: ALL, plugins: ['@conveyor/import-check'] });
    dir = repo.clone('ci');
    const r = await nx(dir, ['show', 'projects', '--withTarget', 'import-check', '--json']);
    withTarget = JSON.parse(r.output.trim().split('\n').pop()!).sort();
  }, 180_000);
  afterAll(() => repo?.cleanup());

  it('splits every affected connector with the target into shards, each exactly once', async () => {
    const m = await shard(dir, ['-t', 'import-check', '--shards', '4', `--base=${repo.firstCommit}`, '--head=HEAD']);
    expect(m.include).toHaveLength(4);
    const placed = m.include.flatMap((s) => s.projects.split(','));
    expect(placed.sort()).toEqual(withTarget);
    // Python and Java connectors have no import-check target, so no shard gets them.
    expect(withTarget.length).toBeLessThan(ALL.length);
    expect(placed).not.toContain('source-github');
    expect(placed).not.toContain('destination-redis');
    // Never measured: balanced by count.
    const counts = m.include.map((s) => s.count);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(m.log).toContain('0 with a measured duration');
  });

  it('runs each shard with run-many --batch, then balances the next split by the measured durations', { timeout: 240_000 }, async () => {
    const m = await shard(dir, ['-t', 'import-check', '--shards', '2', `--base=${repo.firstCommit}`]);
    const artifacts = join(dir, '..', 'artifacts');
    for (const s of m.include) {
      // Each shard is its own machine: a fresh clone, its own dist/, uploaded as an artifact.
      const machine = repo.clone(`shard-${s.shard}`);
      const r = await nx(machine, ['run-many', '-t', 'import-check', `--projects=${s.projects}`, '--batch', '--output-style=stream']);
      // Some corpus connectors really fail import-check: that shard's job fails, its reports still count.
      expect(r.output).toContain(`import-check for ${s.count} project`);
      cpSync(join(machine, 'dist/conveyor'), join(artifacts, `reports-${s.shard}`), { recursive: true });
      const ran = readdirSync(join(machine, 'dist/conveyor')).sort();
      expect(ran).toEqual(s.projects.split(',').sort());
    }

    const out = join(dir, '..', 'fleet');
    const agg = await run(process.execPath, [FLEET_REPORT, '--out', out, '--fail-on-error', artifacts], dir);
    const fleet = JSON.parse(readFileSync(join(out, 'fleet-report.json'), 'utf8'));
    expect(fleet.reports.map((r: { project: string }) => r.project).sort()).toEqual(withTarget);
    const failedOnes = fleet.reports.filter((r: { ok: boolean }) => !r.ok).map((r: { project: string }) => r.project);
    expect(fleet.stages['import-check']).toMatchObject({ total: withTarget.length, failed: failedOnes.length });
    expect(agg.code).toBe(failedOnes.length ? 1 : 0);
    const junit = readFileSync(join(out, 'fleet.junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)?.length).toBe(withTarget.length);
    expect(junit.match(/<failure /g)?.length ?? 0).toBe(failedOnes.length);
    const md = readFileSync(join(out, 'fleet-report.md'), 'utf8');
    expect(md).toContain(`| import-check | ${withTarget.length} | ${withTarget.length - failedOnes.length} | ${failedOnes.length} |`);
    for (const p of failedOnes) expect(md).toContain(`**${p}** \`import-check\``);

    // The next run restores last run's reports (CI cache) and splits by measured time.
    mkdirSync(join(dir, 'dist'), { recursive: true });
    for (const s of m.include) cpSync(join(artifacts, `reports-${s.shard}`), join(dir, 'dist/conveyor'), { recursive: true });
    const next = await shard(dir, ['-t', 'import-check', '--shards', '3', `--base=${repo.firstCommit}`]);
    expect(next.log).toContain(`${withTarget.length} with a measured duration`);
    expect(next.include.every((s) => s.unmeasured === 0)).toBe(true);
    // …or from the fleet report alone, when the per-connector reports are gone.
    const fromFleet = await shard(repo.clone('fresh'), ['-t', 'import-check', '--shards', '3', `--base=${repo.firstCommit}`, '--timings', join(out, 'fleet-report.json')]);
    expect(fromFleet.include.map((s) => s.estimatedMs)).toEqual(next.include.map((s) => s.estimatedMs));
  });

  it('shards only what a commit touched', async () => {
    for (const c of ['source-auth0', 'source-notion']) {
      const f = join(dir, 'connectors', c, 'metadata.yaml');
      writeFileSync(f, readFileSync(f, 'utf8') + '# touched\n');
    }
    git(dir, 'add', '-A');
    git(dir, '-c', 'user.email=ci@conveyor.test', '-c', 'user.name=CI', 'commit', '-q', '-m', 'touch two connectors');
    const m = await shard(dir, ['-t', 'import-check', '--shards', '4', '--base=HEAD~1']);
    expect(m.include.map((s) => s.projects).sort()).toEqual(['source-auth0', 'source-notion']);
  });

  it('prints an empty matrix when nothing is affected, and explains a bad base', async () => {
    const none = await shard(dir, ['-t', 'import-check', '--shards', '4', '--base=HEAD']);
    expect(none.include).toEqual([]);
    const bad = await run(process.execPath, [SHARD, '-t', 'import-check', '--shards', '2', '--base=no-such-ref'], dir);
    expect(bad.code).toBe(1);
    expect(bad.output).toMatch(/nx show projects failed/);
  });
});
