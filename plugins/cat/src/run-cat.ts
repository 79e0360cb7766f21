import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '@conveyor/connector';
import { maskSecrets, type StageContext, type StageOutcome } from '@conveyor/stage-kit';
import { loadCatConfig } from './config/load';
import { toJunit } from './junit';
import { CatRun } from './run/context';
import { runSuites, type SuiteSelection } from './run/orchestrate';
import type { TestResult } from './run/outcome';
import { Secrets } from './run/secrets';
import { selectRunner, type RunnerOptions } from './runner-select';

export interface CatOptions extends RunnerOptions {
  /** `all`; `static` (spec + file checks, no credentials); `live` (the rest, reusing a fresh cat-static report). */
  suites: SuiteSelection;
  /** Record HTTP traffic into integration_tests/cassettes/ (manifest runner). */
  record: boolean;
  /** Cap every test's timeout (seconds), e.g. in CI. */
  maxTimeoutSeconds?: number;
  /** Largest protocol message accepted, in MB (Airbyte's worker: 20). */
  maxMessageMb: number;
}

export const DEFAULT_CAT_OPTIONS: CatOptions = { suites: 'all', record: false, maxMessageMb: 20 };

/** Run CAT on one connector and write `<name>.junit.xml`; the stage kit writes `<name>.json` from the outcome. */
export async function runCat(ctx: StageContext<CatOptions>, name: 'cat' | 'cat-static', selection: SuiteSelection): Promise<StageOutcome> {
  const { connector, options } = ctx;
  const secrets = new Secrets((s) => ctx.addSecret(s));
  const loaded = loadCatConfig(connector.root);
  if (!loaded.config && connector.kind === 'destination' && !existsSync(join(connector.root, 'acceptance-test-config.yml'))) {
    // CAT tests sources; destinations are tested by their own integration tests.
    const results: TestResult[] = [{ suite: 'files', name: 'acceptance_test_config', status: 'skipped', message: 'destination without acceptance-test-config.yml: CAT tests sources', durationMs: 0 }];
    writeJunit(ctx, name, results, secrets);
    return { ok: true, summary: 'skipped: destination without acceptance-test-config.yml', tests: results };
  }
  if (!loaded.config) {
    const results: TestResult[] = [{ suite: 'files', name: 'acceptance_test_config', status: 'failed', message: loaded.problems.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`).join('\n'), durationMs: 0 }];
    writeJunit(ctx, name, results, secrets);
    return { ok: false, summary: `acceptance-test-config.yml: ${loaded.problems[0].message}`, findings: loaded.problems, tests: results };
  }
  const config = loaded.config;
  const runner = selectRunner(connector, config, options, ctx.workspaceRoot);
  if (options.record && !(runner instanceof Error) && runner.kind !== 'manifest') ctx.log(`  note: --record only applies to the manifest runner; ${runner.description} is not recorded`);
  const run = new CatRun(connector, config, runner, secrets, {
    record: Boolean(options.record),
    maxTimeoutSeconds: options.maxTimeoutSeconds === undefined ? undefined : Number(options.maxTimeoutSeconds),
    maxMessageBytes: Math.round(Number(options.maxMessageMb ?? 20) * 1e6),
  });
  let reused: TestResult[] = [];
  let effective = selection;
  if (selection === 'live') {
    // The credential-free suites ran (or came from Nx's cache) as the cat-static target just before.
    const previous = readStaticReport(ctx.reportDir);
    if (previous) reused = previous;
    else effective = 'all';
  }
  await runSuites(run, config, effective);
  const results = [...reused, ...run.results];
  writeJunit(ctx, name, results, secrets);
  for (const r of results) if (r.status === 'failed') ctx.log(`  ✖ ${r.suite} › ${r.name}: ${r.message}`);
  const count = (s: TestResult['status']) => results.filter((r) => r.status === s).length;
  const failed = count('failed');
  return {
    ok: failed === 0,
    summary: `${count('passed')} passed, ${failed} failed, ${count('skipped')} skipped${skipReason(results)}`,
    findings: results.filter((r) => r.status === 'failed').map((r): Problem => ({ rule: `cat/${r.suite}`, severity: 'error', message: `${r.name}: ${r.message}`, file: r.file, line: r.line })),
    tests: results.map(({ suite, name: test, status, message, durationMs }) => ({ suite, name: test, status, message, durationMs })),
    invocations: run.invocations,
    runner: runner instanceof Error ? `none: ${runner.message}` : runner.description,
    strictness: config.strictness,
    configFormat: config.format,
  };
}

/**
 * Why tests were skipped, in the summary line: "16 skipped" alone reads like a pass, when often no live
 * suite ran at all (no credentials). Names the most common reason, and how many others there are.
 */
export function skipReason(results: readonly TestResult[]): string {
  const reasons = new Map<string, number>();
  for (const r of results) {
    if (r.status !== 'skipped' || !r.message) continue;
    const reason = r.message.replace(/^not evaluated: /, '');
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  if (!reasons.size) return '';
  const [top, n] = [...reasons].sort((a, b) => b[1] - a[1])[0];
  const others = reasons.size - 1;
  return ` (${n === 1 && others === 0 ? '' : `${n}: `}${top}${others ? `; ${others} other reason${others > 1 ? 's' : ''} in the report` : ''})`;
}

function writeJunit(ctx: StageContext<CatOptions>, name: string, results: TestResult[], secrets: Secrets): void {
  mkdirSync(ctx.reportDir, { recursive: true });
  writeFileSync(join(ctx.reportDir, `${name}.junit.xml`), maskSecrets(toJunit(ctx.project, results), secrets.masked));
}

function readStaticReport(dir: string): TestResult[] | undefined {
  const file = join(dir, 'cat-static.json');
  if (!existsSync(file)) return undefined;
  try {
    const report = JSON.parse(readFileSync(file, 'utf8')) as { tests?: TestResult[] };
    return Array.isArray(report.tests) ? report.tests : undefined;
  } catch {
    return undefined;
  }
}
