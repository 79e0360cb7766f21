import { stage, RERUN_ENV } from './stage';
import { STATIC_STAGE } from './static-executor';

export const name = '@conveyor/cat';

type Target = { executor: string; inputs: unknown[]; outputs: string[]; dependsOn: string[]; options: Record<string, unknown>; metadata?: Record<string, unknown>; cache?: boolean };
type NodesResult = [string, { projects: Record<string, { targets: Record<string, Target> }> }][];

const [glob, inferCat] = stage.createNodes;

/**
 * The kit's `cat` target, split in two: `cat-static` (spec + file checks; inputs are the connector files
 * only, so it stays cached whatever the credentials) and `cat` (live suites; inputs add a digest of
 * secrets/ and the CONVEYOR_CAT_RERUN env), which depends on it and reuses its report.
 */
async function inferSplit(...args: Parameters<typeof inferCat>) {
  const results = (await inferCat(...args)) as unknown as NodesResult;
  const targetName = (args[1] as { targetName?: string } | undefined)?.targetName ?? stage.descriptor.stage;
  for (const [, node] of results) {
    for (const project of Object.values(node.projects)) {
      const cat = project.targets[targetName];
      if (!cat) continue;
      const staticName = `${targetName}-static`;
      const help = (cat.metadata?.help ?? {}) as { command?: string };
      project.targets[staticName] = {
        ...cat,
        executor: `${name}:static`,
        inputs: cat.inputs.filter((i) => typeof i === 'string' || 'externalDependencies' in (i as object)),
        outputs: [`{workspaceRoot}/dist/conveyor/{projectName}/${STATIC_STAGE}.json`, `{workspaceRoot}/dist/conveyor/{projectName}/${STATIC_STAGE}.junit.xml`],
        options: { ...cat.options, suites: 'static' },
        metadata: {
          ...cat.metadata,
          description: 'CAT without credentials: the spec suite and the files acceptance-test-config.yml names.',
          // The kit's help names the cat target; this one is cat-static.
          help: { ...help, command: help.command?.replace(`:${targetName} --help`, `:${staticName} --help`) },
        },
      };
      cat.dependsOn = [...cat.dependsOn, staticName];
      cat.options = { ...cat.options, suites: 'live' };
      cat.metadata = { ...cat.metadata, help: { ...(cat.metadata?.help as object), rerun: `${RERUN_ENV}=$(date +%s) npx nx run <project>:${targetName}  # rerun live suites, keep ${staticName} cached` } };
    }
  }
  return results as never;
}

export const createNodes = [glob, inferSplit] as const;
export const createNodesV2 = createNodes;
export { stage };
export { runCat, DEFAULT_CAT_OPTIONS, type CatOptions } from './run-cat';
export { loadCatConfig, parseCatConfig } from './config/load';
export { toJunit } from './junit';
export { configHash } from './config-hash';
export { compileRecordValidator, createAjv } from './run/schemas';
