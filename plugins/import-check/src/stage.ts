import { isAbsolute, join, relative, resolve } from 'node:path';
import semver from 'semver';
import { formatProblem, MANIFEST_LAYOUTS, readConnector, recoverInterruptedChanges } from '@conveyor/connector';
import { ComponentSchema } from '@conveyor/manifest';
import { defineStage, type StageContext, type StageOutcome } from '@conveyor/stage-kit';
import { analyze, type Analysis } from './analyze';
import { countByRule } from './findings';
import { planFixes } from './fix';

export interface ImportCheckOptions {
  failOn: 'invalid' | 'yaml-only';
  fix: boolean;
  dryRun: boolean;
  /** declarative_component_schema.yaml to validate against; default the one bundled with this plugin. */
  schemaPath?: string;
  /** CDK version of that schema: the newest manifest `version` the Builder accepts. */
  cdkVersion: string;
}

export const PLUGIN_DIR = join(__dirname, '..');
export const BUNDLED_SCHEMA = join(PLUGIN_DIR, 'schemas', 'declarative_component_schema.yaml');
export const BUNDLED_CDK_VERSION = '7.28.2';

export const stage = defineStage<ImportCheckOptions>({
  pluginDir: PLUGIN_DIR,
  defaultOptions: { failOn: 'invalid', fix: false, dryRun: false, cdkVersion: BUNDLED_CDK_VERSION },
  run: runImportCheck,
});

export async function runImportCheck(ctx: StageContext<ImportCheckOptions>): Promise<StageOutcome> {
  const { options, log } = ctx;
  let connector = ctx.connector;
  if (!MANIFEST_LAYOUTS.includes(connector.layout))
    return { ok: true, verdict: 'not-applicable', summary: `not applicable: a ${connector.layout} connector has no manifest to import`, findings: [] };
  if (options.failOn !== 'invalid' && options.failOn !== 'yaml-only')
    return { ok: false, summary: `failOn must be invalid or yaml-only, got ${JSON.stringify(options.failOn)}`, findings: [] };

  const schemaPath = options.schemaPath ? (isAbsolute(options.schemaPath) ? options.schemaPath : resolve(ctx.workspaceRoot, options.schemaPath)) : BUNDLED_SCHEMA;
  let schema: ComponentSchema;
  try {
    schema = ComponentSchema.load(schemaPath);
  } catch (e) {
    const message = `cannot use the component schema ${schemaPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
    return { ok: false, summary: message, findings: [{ rule: 'schema-path', severity: 'error', message, file: schemaPath, fix: 'pass schemaPath pointing at the CDK\'s declarative_component_schema.yaml' }] };
  }
  const cdkVersion = String(options.cdkVersion ?? BUNDLED_CDK_VERSION);
  if (!semver.valid(cdkVersion)) return { ok: false, summary: `cdkVersion must be a version like ${BUNDLED_CDK_VERSION}, got ${JSON.stringify(cdkVersion)}`, findings: [] };
  const analyzeOptions = { schema, cdkVersion };

  const extra: Record<string, unknown> = {};
  // --dry-run alone shows what --fix would do.
  if (options.fix || options.dryRun) {
    if (!options.dryRun && recoverInterruptedChanges(connector.root)) {
      log('restored files from an interrupted change set');
      connector = readConnector(connector.root);
    }
    const plan = planFixes(connector);
    // What a transform left alone, and why (a oneOf spec, a spec file that differs…).
    if (!('error' in plan)) for (const n of plan.notes) if (n.severity !== 'info') log(`--fix: ${formatProblem({ ...n, file: n.file && relative(ctx.workspaceRoot, resolve(connector.root, n.file)) })}`);
    if ('error' in plan) {
      log(plan.error);
      extra.fix = { applied: false, error: plan.error };
    } else if (plan.changeSet.isEmpty) {
      log('--fix: nothing mechanical to change');
      extra.fix = { applied: false, steps: [], notes: plan.notes };
    } else if (options.dryRun) {
      // Paths from the workspace root, like migrate's, so the diff applies with `git apply` there.
      const diff = plan.changeSet.diff(`${relative(ctx.workspaceRoot, connector.root)}/`);
      log(`--dry-run (nothing written), --fix would have: ${plan.steps.join('; ')}`);
      log(diff);
      extra.fix = { applied: false, dryRun: true, steps: plan.steps, touched: plan.changeSet.touched(), diff, notes: plan.notes };
    } else {
      const touched = plan.changeSet.apply();
      log(`--fix: ${plan.steps.join('; ')}`);
      extra.fix = { applied: true, steps: plan.steps, touched, notes: plan.notes };
      // Re-read: the verdict reported is the one of the connector as it is now.
      connector = readConnector(connector.root);
    }
  }

  const result = analyze(connector, analyzeOptions);
  return outcome(result, options, extra);
}

// The stage kit prints the findings (file:line: severity [rule]: message, fix) under the summary line.
function outcome(result: Analysis, options: ImportCheckOptions, extra: Record<string, unknown>): StageOutcome {
  const { verdict, findings } = result;
  const items = findings.final();
  const blockers = items.filter((f) => f.impact === 'yaml-only');
  const losses = items.filter((f) => f.impact === 'loss');
  let summary: string;
  if (verdict === 'invalid') {
    const errors = items.filter((f) => f.impact === 'invalid');
    summary = `invalid: ${errors[0].message}${errors.length > 1 ? ` (+${errors.length - 1} more)` : ''}`;
  } else if (verdict === 'yaml-only') summary = `yaml-only (warning): imports, but only the YAML editor can show it — ${countByRule(blockers)}`;
  else summary = 'ui: imports into the Builder UI';
  if (verdict !== 'invalid' && losses.length) summary += `; the import would lose: ${countByRule(losses)}`;
  let ok = verdict !== 'invalid' && !(verdict === 'yaml-only' && options.failOn === 'yaml-only');
  const fix = extra.fix as { applied?: boolean; touched?: string[] } | undefined;
  if (fix?.applied) {
    // Like a pre-commit hook: a run that changed files fails. Nx caches only successful tasks, and a cached
    // --fix would later be replayed without touching the files; the next run (nothing left to fix) passes.
    ok = false;
    summary = `--fix changed ${fix.touched?.length ?? 0} file(s): review and commit them, then run again. Now ${summary}`;
  }
  return { ok, verdict, summary, manifestVersion: result.manifestVersion, findings: items, ...extra };
}
