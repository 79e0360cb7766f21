import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InferenceCache, appliesTo, inferConnectors, registeredStages } from '@conveyor/stage-kit';
import { readConnectorFacts } from './facts';
import { BASES_DIR, JAVA_CDK_ROOT, PYTHON_CDK_ROOT, readSharedComponent, sharedKind, sharedProjectName, uses, type SharedComponent } from './shared';

/** Every shared folder present in the workspace. */
export function discoverShared(workspaceRoot: string): SharedComponent[] {
  const roots: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(join(workspaceRoot, BASES_DIR)).sort();
  } catch {
    // no bases folder
  }
  for (const name of names) {
    try {
      if (statSync(join(workspaceRoot, BASES_DIR, name)).isDirectory()) roots.push(`${BASES_DIR}/${name}`);
    } catch {
      // a dangling symlink is no base
    }
  }
  for (const root of [PYTHON_CDK_ROOT, JAVA_CDK_ROOT]) if (existsSync(join(workspaceRoot, root))) roots.push(root);
  return roots.map((r) => readSharedComponent(workspaceRoot, r, sharedProjectName(r))).filter((s): s is SharedComponent => Boolean(s));
}

/**
 * An edge makes `nx affected` pick a connector up; it does not change the connector's task hash, so Nx
 * would replay the cached result of a stage that ran against the old base image or CDK. So the shared folders
 * a connector builds on also become inputs of its stage targets, appended (`'...'`) to the inputs the stage
 * plugin declared. Only targets that exist (the stage applies to the connector) are touched; the fleet plugin
 * must come after the stage plugins in nx.json.
 */
export function sharedInputNodes(files: readonly string[], workspaceRoot: string, plugins: unknown[] | undefined): [string, unknown][] {
  const metadataFiles = files.filter((f) => f.endsWith('/metadata.yaml') && !sharedKind(dirname(f)));
  if (!metadataFiles.length) return [];
  const shared = discoverShared(workspaceRoot);
  if (!shared.length) return [];
  const targets = new Map<string, Record<string, { inputs: string[] }>>();
  const usedBy = new Map<string, string[]>();
  const sharedFor = (root: string) => {
    let used = usedBy.get(root);
    if (!used) {
      const facts = readConnectorFacts(join(workspaceRoot, root));
      used = shared.filter((s) => uses(facts, s)).map((s) => `{workspaceRoot}/${s.root}/**/*`);
      usedBy.set(root, used);
    }
    return used;
  };
  // Stages usually share one set of connector globs: read the metadata once per distinct set, not once per stage.
  const cache = new InferenceCache();
  const byGlobs = new Map<string, ReturnType<typeof inferConnectors>>();
  const connectorsFor = (globs: string[] | undefined) => {
    const key = JSON.stringify(globs ?? null);
    let found = byGlobs.get(key);
    if (!found) byGlobs.set(key, (found = inferConnectors(metadataFiles, workspaceRoot, globs, cache)));
    return found;
  };
  for (const stage of registeredStages(plugins as never, workspaceRoot)) {
    for (const c of connectorsFor(stage.options.connectorGlobs)) {
      if (!appliesTo(stage.appliesTo, c)) continue;
      const used = sharedFor(c.root);
      if (!used.length) continue;
      const t = targets.get(c.root) ?? {};
      t[stage.targetName] = { inputs: ['...', ...used] };
      targets.set(c.root, t);
    }
  }
  return [...targets].map(([root, t]) => [`${root}/metadata.yaml`, { projects: { [root]: { root, targets: t } } }]);
}
