import { realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import { appliesTo, readDescriptor, type AppliesTo } from '@conveyor/stage-kit';
import { readConnectorFacts, type ConnectorFacts } from './facts';
import { readSharedComponent, sharedKind, uses, type SharedComponent } from './shared';

export interface ProjectLike {
  root: string;
  tags?: string[];
}

export interface FleetEdge {
  source: string;
  target: string;
  /** Why, for `nx graph` readers and tests. */
  reason: string;
}

/** A Conveyor stage plugin registered in nx.json and the graph node its code is (a project or an npm package). */
export interface StageNode {
  stage: string;
  packageName: string;
  node: string;
  appliesTo?: AppliesTo;
}

export interface FleetConnector {
  name: string;
  layout: string;
  kind: string;
  facts: ConnectorFacts;
}

/** Pure: which connector depends on which shared component and which stage plugin. */
export function planFleetEdges(connectors: FleetConnector[], shared: SharedComponent[], stages: StageNode[]): FleetEdge[] {
  const edges: FleetEdge[] = [];
  for (const c of connectors) {
    for (const s of shared) if (uses(c.facts, s)) edges.push({ source: c.name, target: s.project, reason: `${c.name} builds on ${s.root}` });
    for (const st of stages) {
      if (st.appliesTo && !appliesTo(st.appliesTo, { layout: c.layout as never, kind: c.kind as never })) continue;
      edges.push({ source: c.name, target: st.node, reason: `${st.packageName} runs ${st.stage} on ${c.name}` });
    }
  }
  return edges;
}

const factsCache = new Map<string, ConnectorFacts>();
const FACT_FILES = /(^|\/)(metadata\.yaml|pyproject\.toml|setup\.py|build\.gradle(\.kts)?|manifest\.yaml)$/;

/** Connector facts, re-read only when one of the files they come from changed (Nx gives each file's hash). */
function factsFor(workspaceRoot: string, root: string, files: { file: string; hash: string }[] | undefined): ConnectorFacts {
  const key = `${workspaceRoot}\0${root}\0${(files ?? []).filter((f) => FACT_FILES.test(f.file)).map((f) => f.hash).join(',')}`;
  let facts = factsCache.get(key);
  if (!facts || !files) {
    facts = readConnectorFacts(join(workspaceRoot, root));
    factsCache.set(key, facts);
  }
  return facts;
}

/** Stage plugins from nx.json, each located as a workspace project (plugin sources here) or an npm package. */
export function stageNodes(
  plugins: unknown[] | undefined,
  workspaceRoot: string,
  projects: Record<string, ProjectLike>,
  externalNodes: Record<string, { data: { packageName?: string } }> | undefined,
): StageNode[] {
  const byRoot = new Map(Object.entries(projects).map(([name, p]) => [p.root, name]));
  const out: StageNode[] = [];
  for (const entry of plugins ?? []) {
    const plugin = typeof entry === 'string' ? entry : (entry as { plugin: string }).plugin;
    const found = readDescriptor(plugin, workspaceRoot);
    if (!found) continue;
    let node: string | undefined;
    const rel = relative(workspaceRoot, realpath(found.dir)).split('\\').join('/');
    if (!rel.startsWith('..')) node = byRoot.get(rel);
    node ??= projects[found.name] ? found.name : undefined;
    if (!node && externalNodes) {
      const candidates = Object.keys(externalNodes).filter((k) => externalNodes[k].data.packageName === found.name);
      node = candidates.includes(`npm:${found.name}`) ? `npm:${found.name}` : candidates.sort()[0];
    }
    // A plugin that is neither in the workspace nor in the lockfile cannot change under a commit: no edge needed.
    if (node) out.push({ stage: found.descriptor.stage, packageName: found.name, node, appliesTo: found.descriptor.appliesTo });
  }
  return out;
}

/** Everything the fleet plugin needs from Nx's context, turned into edges. */
export function fleetEdges(ctx: {
  workspaceRoot: string;
  projects: Record<string, ProjectLike>;
  plugins?: unknown[];
  externalNodes?: Record<string, { data: { packageName?: string } }>;
  projectFiles?: Record<string, { file: string; hash: string }[]>;
}): FleetEdge[] {
  const shared: SharedComponent[] = [];
  const connectors: FleetConnector[] = [];
  for (const [name, p] of Object.entries(ctx.projects)) {
    if (sharedKind(p.root)) {
      const s = readSharedComponent(ctx.workspaceRoot, p.root, name);
      if (s) shared.push(s);
      continue;
    }
    const files = ctx.projectFiles?.[name];
    const isConnector = files ? files.some((f) => f.file === `${p.root}/metadata.yaml`) : /^(source|destination)-/.test(name);
    if (!isConnector) continue;
    const tag = (prefix: string) => p.tags?.find((t) => t.startsWith(prefix))?.slice(prefix.length) ?? 'unknown';
    connectors.push({ name, layout: tag('layout:'), kind: tag('type:'), facts: factsFor(ctx.workspaceRoot, p.root, files) });
  }
  const stages = stageNodes(ctx.plugins, ctx.workspaceRoot, ctx.projects, ctx.externalNodes);
  return planFleetEdges(connectors, shared, stages).filter((e) => e.source !== e.target);
}

function realpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
