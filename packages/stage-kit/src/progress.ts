import { Listr, type ListrTask } from 'listr2';

/** listr2's animated renderer only on an interactive terminal outside an Nx task; the simple one otherwise. */
export function rendererFor(): 'default' | 'simple' {
  const insideTask = Boolean(process.env.NX_TASK_TARGET_PROJECT) || process.env.CI === 'true';
  return process.stdout.isTTY && !insideTask ? 'default' : 'simple';
}

export interface ProgressItem {
  title: string;
  run(): Promise<{ ok: boolean; summary: string }>;
}

/** Run items one after another with progress; a failing item never stops the others. */
export async function runWithProgress(items: ProgressItem[], title: string): Promise<void> {
  const tasks: ListrTask[] = items.map((item) => ({
    title: item.title,
    task: async (_ctx, task) => {
      const result = await item.run();
      // listr2 prints a failure as `✖ <title> [FAILED: <message>]`: the summary once, in the message.
      if (!result.ok) throw new Error(result.summary);
      task.title = `${item.title}: ${result.summary}`;
    },
  }));
  const list = new Listr([{ title, task: (_c, t) => t.newListr(tasks, { concurrent: false, exitOnError: false }) }], {
    renderer: rendererFor(),
    exitOnError: false,
    rendererOptions: { collapseErrors: false },
    silentRendererCondition: () => process.env.CONVEYOR_QUIET === '1',
  } as never);
  try {
    await list.run();
  } catch {
    // Failures are reported per task by the caller.
  }
}
