import { existsSync } from 'node:fs';
import type { SuiteKey } from '../config/shape';
import { MANDATORY_AT_HIGH, type CatConfig, type TestEntry } from '../config/types';
import { basicReadSuite } from '../suites/basic-read';
import { connectorAttributesSuite } from '../suites/connector-attributes';
import { connectorDocumentationSuite } from '../suites/connector-documentation';
import { connectionSuite, discoverySuite } from '../suites/connection-discovery';
import { fullRefreshSuite } from '../suites/full-refresh';
import { incrementalSuite } from '../suites/incremental';
import { configMatchesSpec, specSuite } from '../suites/spec';
import type { CatRun } from './context';
import { fail, failIfAny, skip } from './outcome';

export type SuiteSelection = 'all' | 'static' | 'live';

/** Suites that need no credentials: they are cached on the connector's files (and its docs page) alone. */
export const STATIC_SUITES: readonly SuiteKey[] = ['spec', 'connector_documentation'];
export const LIVE_SUITES: readonly SuiteKey[] = ['connection', 'discovery', 'basic_read', 'full_refresh', 'incremental', 'connector_attributes'];

/**
 * The entries of a suite to run, or undefined after recording why it does not run: absent (skipped, or
 * failed when mandatory at high strictness) or bypassed.
 */
async function entriesFor(run: CatRun, config: CatConfig, suite: SuiteKey): Promise<TestEntry[] | undefined> {
  const group = config.suites[suite];
  if (group?.tests.length) return group.tests;
  await run.test(suite, suite, undefined, () => {
    if (group?.bypass_reason !== undefined) skip(`bypassed: ${group.bypass_reason}`);
    if (config.strictness === 'high' && MANDATORY_AT_HIGH.includes(suite)) fail(`\`acceptance_tests.${suite}\` is required at test_strictness_level high (add tests, or a bypass_reason)`);
    skip(`not configured in acceptance-test-config.yml`);
  });
  return undefined;
}

export async function runSuites(run: CatRun, config: CatConfig, selection: SuiteSelection): Promise<void> {
  if (selection !== 'live') {
    await run.test('files', 'referenced_files', undefined, () => failIfAny(referencedFileProblems(run, config), 'problems with referenced files'));
    const spec = await entriesFor(run, config, 'spec');
    if (spec) await specSuite(run, spec);
    // Never mandatory (CAT: MANDATORY_FOR_TEST_STRICTNESS_LEVELS = []), so an absent suite leaves no entry.
    const docs = config.suites.connector_documentation && (await entriesFor(run, config, 'connector_documentation'));
    if (docs) await connectorDocumentationSuite(run, docs);
  }
  if (selection === 'static') return;
  const specEntries = config.suites.spec?.tests ?? [];
  if (specEntries.length) await configMatchesSpec(run, specEntries);
  const connection = await entriesFor(run, config, 'connection');
  if (connection) await connectionSuite(run, connection);
  const discovery = await entriesFor(run, config, 'discovery');
  if (discovery) await discoverySuite(run, discovery);
  const basicRead = await entriesFor(run, config, 'basic_read');
  if (basicRead) await basicReadSuite(run, basicRead, config);
  const fullRefresh = await entriesFor(run, config, 'full_refresh');
  if (fullRefresh) await fullRefreshSuite(run, fullRefresh);
  const incremental = await entriesFor(run, config, 'incremental');
  if (incremental) await incrementalSuite(run, incremental, config);
  const attributes = config.suites.connector_attributes && (await entriesFor(run, config, 'connector_attributes'));
  if (attributes) await connectorAttributesSuite(run, attributes);
}

/**
 * Files the config names that are not secret must exist and parse: a typo in a catalog path should fail
 * in the cached, credential-free part, not after a ten-minute read.
 */
function referencedFileProblems(run: CatRun, config: CatConfig): string[] {
  const problems: string[] = [];
  const check = (rel: string | undefined, what: string, lines = false) => {
    if (!rel || rel.split('/')[0] === 'secrets') return;
    const file = run.path(rel);
    if (!existsSync(file)) return problems.push(`${what} ${rel} does not exist`);
    try {
      if (lines) return void run.readLines(rel);
      run.readJson(rel, what);
    } catch (e) {
      problems.push((e as Error).message);
    }
  };
  for (const [suite, group] of Object.entries(config.suites)) {
    for (const t of group?.tests ?? []) {
      const where = `${suite}${t.index ? ` #${t.index + 1}` : ''}`;
      check(t.config_path, `${where}: config`);
      check(t.configured_catalog_path, `${where}: configured catalog`);
      check(t.expect_records?.path, `${where}: expected records`, true);
      check(t.future_state?.future_state_path, `${where}: future state`);
    }
  }
  return problems;
}
