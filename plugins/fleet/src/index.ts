import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { fleetEdges } from './dependencies';
import { sharedInputNodes } from './inputs';
import { SHARED_GLOB, sharedKind, sharedProjectName } from './shared';

export { planFleetEdges, fleetEdges, stageNodes, type FleetEdge, type StageNode, type FleetConnector } from './dependencies';
export { readConnectorFacts, parseImage, pyprojectCdk, setupPyCdk, gradleFacts, type ConnectorFacts } from './facts';
export { readSharedComponent, toSemverRange, uses, type SharedComponent } from './shared';
export { discoverShared, sharedInputNodes } from './inputs';

export const name = '@conveyor/fleet';

/**
 * Shared folders (bases, in-repo CDKs) become projects, so a commit touching them maps to a project that
 * `nx affected` can follow to the connectors using it. A folder that already has a package.json or
 * project.json is left to the plugin that owns it; its root is still recognised in createDependencies.
 * Connectors' stage targets get the shared folders they build on as extra inputs (see inputs.ts).
 */
export const createNodes = [
  `{${SHARED_GLOB.slice(1, -1)},**/metadata.yaml}`,
  async (files: readonly string[], _options: unknown, context: { workspaceRoot: string; nxJsonConfiguration?: { plugins?: unknown[] } }) => {
    const seen = new Set<string>();
    const results: [string, unknown][] = [];
    for (const file of files) {
      const root = dirname(file);
      if (seen.has(root) || !sharedKind(root)) continue;
      seen.add(root);
      if (existsSync(join(context.workspaceRoot, root, 'package.json')) || existsSync(join(context.workspaceRoot, root, 'project.json'))) continue;
      results.push([
        file,
        {
          projects: {
            [root]: {
              name: sharedProjectName(root),
              root,
              tags: ['fleet:shared'],
              metadata: { description: 'Shared by the connectors that build on it (@conveyor/fleet): a change here marks them affected.' },
              targets: {},
            },
          },
        },
      ]);
    }
    results.push(...sharedInputNodes(files, context.workspaceRoot, context.nxJsonConfiguration?.plugins));
    return results as never;
  },
] as const;

interface DependencyContext {
  workspaceRoot: string;
  projects: Record<string, { root: string; tags?: string[] }>;
  nxJsonConfiguration?: { plugins?: unknown[] };
  externalNodes?: Record<string, { data: { packageName?: string } }>;
  fileMap?: { projectFileMap?: Record<string, { file: string; hash: string }[]> };
}

/**
 * Implicit dependencies that make `nx affected` right for a fleet: connector → the base folders and in-repo
 * CDK it builds on, and connector → each Conveyor stage plugin that runs on it (a workspace project, or the
 * npm package when the plugin is installed, so an upgrade of @conveyor/cat affects exactly the connectors
 * that have a cat target).
 */
export const createDependencies = (_options: unknown, context: DependencyContext) =>
  fleetEdges({
    workspaceRoot: context.workspaceRoot,
    projects: context.projects,
    plugins: context.nxJsonConfiguration?.plugins,
    externalNodes: context.externalNodes,
    projectFiles: context.fileMap?.projectFileMap,
  }).map((e) => ({ source: e.source, target: e.target, type: 'implicit' as const }));
