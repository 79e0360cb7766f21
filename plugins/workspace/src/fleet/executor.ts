import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { collectFleet } from './collect';
import { writeFleet } from './write';

export interface FleetReportOptions {
  outputDir?: string;
  reportsDir?: string;
  title?: string;
}

interface ExecutorContextLike {
  root: string;
  projectsConfigurations?: { projects: Record<string, { root: string }> };
  projectGraph?: { nodes: Record<string, { data: { root: string } }> };
}

/** Every Nx project whose folder holds a metadata.yaml is a connector. */
export function connectorProjects(context: ExecutorContextLike): { project: string; root: string }[] {
  const roots: Record<string, string> = {};
  for (const [name, p] of Object.entries(context.projectsConfigurations?.projects ?? {})) roots[name] = p.root;
  for (const [name, n] of Object.entries(context.projectGraph?.nodes ?? {})) roots[name] ??= n.data.root;
  return Object.entries(roots)
    .filter(([, root]) => root !== '.' && existsSync(join(context.root, root, 'metadata.yaml')))
    .map(([project, root]) => ({ project, root }));
}

/** `nx run workspace:fleet-report`: aggregate the stage reports of every connector project. */
export async function fleetReportExecutor(options: FleetReportOptions, context: ExecutorContextLike) {
  const abs = (p: string) => (isAbsolute(p) ? p : join(context.root, p));
  const outputDir = abs(options.outputDir ?? 'dist/conveyor/fleet');
  const connectors = connectorProjects(context);
  const fleet = collectFleet({ workspaceRoot: context.root, connectors, reportsDir: abs(options.reportsDir ?? 'dist/conveyor'), title: options.title });
  const files = writeFleet(outputDir, fleet);
  const withReports = fleet.connectors.filter((c) => Object.keys(c.stages).length).length;
  process.stdout.write(
    `fleet: ${fleet.connectors.length} connectors (${withReports} with reports), ${fleet.migration.done}/${fleet.migration.total} manifest-only\n` +
      files.map((f) => `  ${relative(context.root, f)}\n`).join(''),
  );
  if (process.env.GITHUB_STEP_SUMMARY) {
    // In GitHub Actions the Markdown summary goes straight into the job summary.
    appendFileSync(process.env.GITHUB_STEP_SUMMARY, readFileSync(join(outputDir, 'summary.md'), 'utf8'));
  }
  return { success: true };
}

export default fleetReportExecutor;
