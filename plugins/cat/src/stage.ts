import { join, relative } from 'node:path';
import { defineStage } from '@conveyor/stage-kit';
import { DEFAULT_CAT_OPTIONS, runCat, type CatOptions } from './run-cat';

/** Env input of the live target: change its value to rerun the live suites while cat-static stays cached. */
export const RERUN_ENV = 'CONVEYOR_CAT_RERUN';

export const stage = defineStage<CatOptions>({
  pluginDir: join(__dirname, '..'),
  defaultOptions: DEFAULT_CAT_OPTIONS,
  inputs: (c, workspaceRoot) => {
    const abs = join(__dirname, 'config-hash.js');
    const rel = relative(workspaceRoot, abs).split('\\').join('/');
    const script = rel.startsWith('..') ? abs : rel;
    // A digest of secrets/ (never its content) and a rerun switch; secrets/ itself is excluded by the kit.
    // The docs page lives outside the connector folder; connector_documentation (in cat-static) reads it.
    const docs = c.kind === 'unknown' ? [] : [`{workspaceRoot}/docs/integrations/${c.kind}s/${c.name.replace(/^(source|destination)-/, '')}.md`];
    return [...docs, { runtime: `node ${JSON.stringify(script)} ${JSON.stringify(c.root)}` }, { env: RERUN_ENV }];
  },
  outputs: () => ['{workspaceRoot}/dist/conveyor/{projectName}/cat.junit.xml'],
  run: (ctx) => runCat(ctx, 'cat', ctx.options.suites ?? 'all'),
});
