import { isAbsolute, join } from 'node:path';
import { readConnector } from '@conveyor/connector';
import { maskSecrets, normalizeOptions, renderStageOutput, reportDir, runWithProgress, withMetadataErrors, writeReport, type ExecutorContextLike, type StageContext, type StageReport, type TaskGraphLike } from '@conveyor/stage-kit';
import { DEFAULT_CAT_OPTIONS, runCat, type CatOptions } from './run-cat';

export const STATIC_STAGE = 'cat-static';

/**
 * The credential-free half of CAT (spec suite + referenced files) as its own cached target, so it stays
 * cached when credentials change or the live suites are forced; the `cat` target reuses its report.
 */
export async function runStatic(project: string, root: string, options: CatOptions, workspaceRoot: string): Promise<{ report: StageReport; output: string }> {
  const started = Date.now();
  const secrets = new Set<string>();
  const lines: string[] = [];
  const connector = readConnector(isAbsolute(root) ? root : join(workspaceRoot, root));
  const ctx: StageContext<CatOptions> = { connector, options, workspaceRoot, project, reportDir: reportDir(workspaceRoot, project), log: (l) => lines.push(l), addSecret: (s) => secrets.add(s) };
  let outcome;
  try {
    outcome = await runCat(ctx, STATIC_STAGE, 'static');
  } catch (e) {
    outcome = { ok: false, summary: `crashed: ${(e as Error).message}`, findings: [{ rule: 'internal', severity: 'error' as const, message: (e as Error).stack ?? String(e) }] };
  }
  // Like every other stage (defineStage's runOne): broken metadata fails it, findings are printed at file:line.
  outcome = withMetadataErrors(outcome, connector.metadataErrors);
  const report: StageReport = { stage: STATIC_STAGE, project, ...outcome, findings: outcome.findings ?? [], startedAt: new Date(started).toISOString(), durationMs: Date.now() - started };
  const file = writeReport(workspaceRoot, report, secrets);
  const output = maskSecrets(renderStageOutput(report, lines, workspaceRoot, file), secrets);
  return { report, output };
}

function rootOf(context: ExecutorContextLike, project: string): string {
  const root = context.projectsConfigurations?.projects[project]?.root ?? context.projectGraph?.nodes[project]?.data.root;
  if (!root) throw new Error(`project ${project} is not in the workspace`);
  return root;
}

export async function staticExecutor(options: CatOptions, context: ExecutorContextLike) {
  const project = context.projectName!;
  const { report, output } = await runStatic(project, rootOf(context, project), normalizeOptions(DEFAULT_CAT_OPTIONS, options), context.root);
  process.stdout.write(output);
  return { success: report.ok };
}

export async function staticBatchExecutor(taskGraph: TaskGraphLike, inputs: Record<string, CatOptions>, overrides: CatOptions, context: ExecutorContextLike) {
  const results: Record<string, { success: boolean; terminalOutput: string; startTime: number; endTime: number }> = {};
  const ids = Object.keys(taskGraph.tasks);
  await runWithProgress(
    ids.map((id) => {
      const task = taskGraph.tasks[id];
      return {
        title: task.target.project,
        run: async () => {
          const startTime = Date.now();
          const options = normalizeOptions(DEFAULT_CAT_OPTIONS, { ...(inputs[id] ?? {}), ...(overrides ?? {}) } as CatOptions);
          const { report, output } = await runStatic(task.target.project, rootOf(context, task.target.project), options, context.root);
          results[id] = { success: report.ok, terminalOutput: output, startTime, endTime: Date.now() };
          return { ok: report.ok, summary: report.summary };
        },
      };
    }),
    `${STATIC_STAGE} × ${ids.length}`,
  );
  return results;
}
