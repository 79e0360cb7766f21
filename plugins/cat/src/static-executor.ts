import { join } from 'node:path';
import { defineStage, type StageReport } from '@conveyor/stage-kit';
import { DEFAULT_CAT_OPTIONS, runCat, type CatOptions } from './run-cat';

export const STATIC_STAGE = 'cat-static';

/**
 * The credential-free half of CAT (spec suite + referenced files) as its own cached target, so it stays
 * cached when credentials change or the live suites are forced; the `cat` target reuses its report.
 * A stage of the kit like `cat` itself (same report, progress, batch and secret masking), under its own name
 * and executor; its target is added next to `cat` by this plugin's inference (index.ts).
 */
export const staticStage = defineStage<CatOptions>({
  pluginDir: join(__dirname, '..'),
  defaultOptions: DEFAULT_CAT_OPTIONS,
  descriptor: { stage: STATIC_STAGE, executor: 'static' },
  run: (ctx) => runCat(ctx, STATIC_STAGE, 'static'),
});

export function runStatic(project: string, root: string, options: CatOptions, workspaceRoot: string): Promise<{ report: StageReport; output: string }> {
  return staticStage.runOne(root, options, workspaceRoot, project);
}

export const staticExecutor = staticStage.executor;
export const staticBatchExecutor = staticStage.batchExecutor;
