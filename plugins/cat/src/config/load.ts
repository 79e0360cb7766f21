import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { locate, readYamlFile, type Problem, type YamlFile } from '@conveyor/connector';
import { checkShape, coerceBooleans, formatPath } from './check-shape';
import { configShape, SUITES, type SuiteKey } from './shape';
import type { CatConfig, Named, SuiteConfig, TestEntry } from './types';

export const CONFIG_FILE = 'acceptance-test-config.yml';

export interface LoadedConfig {
  config?: CatConfig;
  problems: Problem[];
}

/** Read and check a connector's acceptance-test-config.yml, migrating the legacy `tests:` format. */
export function loadCatConfig(root: string, fileName = CONFIG_FILE): LoadedConfig {
  const path = join(root, fileName);
  if (!existsSync(path)) return { problems: [{ rule: 'cat-config', severity: 'error', message: `${fileName} not found: CAT needs it to know which suites to run`, file: path }] };
  const file = readYamlFile(path, path);
  if (file.errors.length) return { problems: file.errors };
  return parseCatConfig(file);
}

export function parseCatConfig(file: YamlFile): LoadedConfig {
  let raw = file.value as Record<string, unknown> | null;
  const err = (message: string, at: (string | number)[] = []): Problem => ({ rule: 'cat-config', severity: 'error', message, file: file.file, ...locate(file, at) });
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { problems: [err('expected a mapping with `connector_image` and `acceptance_tests`')] };
  if (raw.acceptance_tests !== undefined && raw.tests !== undefined) return { problems: [err('both `acceptance_tests` (current format) and `tests` (legacy format) are present; keep only `acceptance_tests`', ['tests'])] };
  const legacy = raw.tests !== undefined;
  const shape = configShape(legacy);
  raw = coerceBooleans(raw, shape) as Record<string, unknown>;
  const problems = checkShape(file, raw, shape);
  if (problems.length) return { problems };

  const suites: Partial<Record<SuiteKey, SuiteConfig>> = {};
  const source = (legacy ? raw.tests : raw.acceptance_tests) as Record<string, unknown> | null | undefined;
  for (const suite of SUITES) {
    const value = source?.[suite];
    if (value === undefined) continue;
    const basePath = legacy ? ['tests', suite] : ['acceptance_tests', suite];
    const group = (legacy ? { tests: value } : value ?? {}) as { bypass_reason?: string; tests?: Record<string, unknown>[] | null };
    if (group.bypass_reason !== undefined && group.tests?.length) {
      problems.push(err(`\`acceptance_tests.${suite}\` has both \`bypass_reason\` and \`tests\`: a suite is either bypassed or tested`, [...basePath, 'bypass_reason']));
      continue;
    }
    const tests = (group.tests ?? []).map((t, index) => {
      const at = legacy ? [...basePath, index] : [...basePath, 'tests', index];
      return { ...migrateEntry(suite, t ?? {}), index, line: locate(file, at).line } as TestEntry;
    });
    suites[suite] = { bypass_reason: group.bypass_reason === undefined ? undefined : String(group.bypass_reason), tests };
  }
  const config: CatConfig = {
    file: file.file,
    format: legacy ? 'legacy' : 'current',
    connector_image: raw.connector_image as string | undefined,
    base_path: raw.base_path as string | undefined,
    strictness: (raw.test_strictness_level as 'high' | 'low' | undefined) ?? 'low',
    env: Object.fromEntries(Object.entries((raw.custom_environment_variables ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)])),
    suites,
  };
  problems.push(...strictnessProblems(config, file, legacy));
  return { config: problems.length ? undefined : config, problems };
}

const toNamed = (v: unknown): Named => (typeof v === 'string' ? { name: v } : (v as Named));

/** Legacy → current, as CAT's own migration does: names become {name}, `future_state_path` moves under `future_state`. */
function migrateEntry(suite: SuiteKey, t: Record<string, unknown>): Partial<TestEntry> {
  const out: Record<string, unknown> = { ...t };
  if (Array.isArray(t.empty_streams)) out.empty_streams = t.empty_streams.map(toNamed);
  if (t.ignored_fields && typeof t.ignored_fields === 'object')
    out.ignored_fields = Object.fromEntries(Object.entries(t.ignored_fields as Record<string, unknown[]>).map(([s, fields]) => [s, (fields ?? []).map(toNamed)]));
  if (suite === 'incremental' && t.future_state_path !== undefined) {
    out.future_state = { ...((t.future_state as object) ?? {}), future_state_path: t.future_state_path };
    delete out.future_state_path;
  }
  for (const [k, v] of Object.entries(out)) if (v === null) delete out[k];
  return out as Partial<TestEntry>;
}

/** What `test_strictness_level: high` demands of each test entry (CAT config.py validators and conftest). */
function strictnessProblems(config: CatConfig, file: YamlFile, legacy: boolean): Problem[] {
  const problems: Problem[] = [];
  const at = (suite: SuiteKey, index: number, ...rest: (string | number)[]) => (legacy ? ['tests', suite, index, ...rest] : ['acceptance_tests', suite, 'tests', index, ...rest]);
  const err = (message: string, path: (string | number)[]) => problems.push({ rule: 'cat-config', severity: 'error', message: `${formatPath(path)}: ${message}`, file: file.file, ...locate(file, path) });
  const high = config.strictness === 'high';
  for (const t of config.suites.basic_read?.tests ?? []) {
    const er = t.expect_records;
    if (er && (er.path === undefined) === (er.bypass_reason === undefined)) err('`expect_records` needs exactly one of `path` and `bypass_reason`', at('basic_read', t.index, 'expect_records'));
    if (!high) continue;
    if (!er) err('`expect_records` (a path, or a bypass_reason) is required at test_strictness_level high', at('basic_read', t.index));
    if (t.validate_schema === false) err('`validate_schema: false` is not allowed at test_strictness_level high', at('basic_read', t.index, 'validate_schema'));
    if (t.configured_catalog_path) err('a custom `configured_catalog_path` is not allowed at test_strictness_level high: the discovered catalog minus empty_streams is read', at('basic_read', t.index, 'configured_catalog_path'));
    (t.empty_streams ?? []).forEach((s, i) => {
      if (!s.bypass_reason) err(`empty stream \`${s.name}\` needs a bypass_reason at test_strictness_level high`, at('basic_read', t.index, 'empty_streams', i));
    });
  }
  for (const suite of ['basic_read', 'full_refresh'] as const) {
    if (!high) continue;
    for (const t of config.suites[suite]?.tests ?? [])
      for (const [stream, fields] of Object.entries(t.ignored_fields ?? {}))
        fields.forEach((f, i) => {
          if (!f.bypass_reason) err(`ignored field \`${stream}.${f.name}\` needs a bypass_reason at test_strictness_level high`, at(suite, t.index, 'ignored_fields', stream, i));
        });
  }
  for (const t of config.suites.incremental?.tests ?? []) {
    if (!high) continue;
    const fs = t.future_state;
    if (!fs?.future_state_path && !fs?.bypass_reason) err('`future_state.future_state_path` (or `future_state.bypass_reason`) is required at test_strictness_level high', at('incremental', t.index));
    (fs?.missing_streams ?? []).forEach((s, i) => {
      if (!s.bypass_reason) err(`missing stream \`${s.name}\` needs a bypass_reason`, at('incremental', t.index, 'future_state', 'missing_streams', i));
    });
  }
  return problems;
}
