import { runWithProgress } from './progress';

/** One task's result as Nx's batch runner reads it (`TaskResult` in nx/src/config/misc-interfaces). */
export interface BatchTaskResult {
  success: boolean;
  terminalOutput: string;
  startTime: number;
  endTime: number;
}

export interface BatchItem {
  /** Nx task id (`project:target`), the key Nx matches results by. */
  id: string;
  /** Shown in the progress list. */
  project: string;
  run(): Promise<{ ok: boolean; summary: string; output: string }>;
}

/**
 * Run a batch one task after another under listr2 progress and yield `{ task, result }` as each one finishes.
 * Nx 23 consumes a batch implementation's async iterator task by task (nx/src/tasks-runner/batch/run-batch.js
 * sends each result to the orchestrator at once), so each task's output and status appear when it is done
 * rather than when the whole batch is. Every task gets exactly one result: one that throws fails alone, with
 * the error as its output (a task without a result would make Nx run the batch again).
 */
export async function* runBatch(items: readonly BatchItem[], title: string): AsyncGenerator<{ task: string; result: BatchTaskResult }> {
  const ready: { task: string; result: BatchTaskResult }[] = [];
  const reported = new Set<string>();
  let finished = false;
  let wake: (() => void) | undefined;
  const push = (task: string, result: BatchTaskResult) => {
    ready.push({ task, result });
    wake?.();
  };
  const progress = runWithProgress(
    items.map((item) => ({
      title: item.project,
      run: async () => {
        const startTime = Date.now();
        try {
          const r = await item.run();
          push(item.id, { success: r.ok, terminalOutput: r.output, startTime, endTime: Date.now() });
          return r;
        } catch (e) {
          const err = e as Error;
          push(item.id, { success: false, terminalOutput: `${item.id} crashed: ${err.stack ?? err.message}\n`, startTime, endTime: Date.now() });
          return { ok: false, summary: `crashed: ${err.message}` };
        }
      },
    })),
    title,
  ).finally(() => {
    finished = true;
    wake?.();
  });
  for (;;) {
    const next = ready.shift();
    if (next) {
      reported.add(next.task);
      yield next;
      continue;
    }
    if (finished) break;
    await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
  }
  await progress;
  const now = Date.now();
  for (const item of items)
    if (!reported.has(item.id)) yield { task: item.id, result: { success: false, terminalOutput: `${item.id}: the batch ended before this task ran\n`, startTime: now, endTime: now } };
}

/** Drain a batch into the record shape (`{ [taskId]: result }`) older callers and scripts expect. */
export async function collectBatch(results: AsyncIterable<{ task: string; result: BatchTaskResult }>): Promise<Record<string, BatchTaskResult>> {
  const out: Record<string, BatchTaskResult> = {};
  for await (const { task, result } of results) out[task] = result;
  return out;
}
