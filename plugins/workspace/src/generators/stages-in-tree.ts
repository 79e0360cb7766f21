import type { Tree } from '@nx/devkit';
import { readJson } from '@nx/devkit';

export interface KnownStage {
  stage: string;
  plugin: string;
  /** Where the plugin's package.json was found: a workspace folder, or an installed package. */
  source: 'workspace' | 'installed';
}

type NxPluginEntry = string | { plugin: string; options?: { targetName?: string } };

/**
 * Every Conveyor stage registered in nx.json, read through the tree (so a dry run sees the same as a real
 * run): workspace plugins from `<folder>/package.json`, installed ones from node_modules.
 */
export function knownStages(tree: Tree): KnownStage[] {
  const nx = tree.exists('nx.json') ? (readJson(tree, 'nx.json') as { plugins?: NxPluginEntry[] }) : {};
  const byPackage = workspacePackages(tree);
  const out: KnownStage[] = [];
  for (const entry of nx.plugins ?? []) {
    const plugin = typeof entry === 'string' ? entry : entry.plugin;
    const local = plugin.startsWith('.') ? readPackage(tree, `${plugin.replace(/^\.\//, '')}/package.json`) : byPackage.get(plugin);
    const pkg = local ?? readInstalled(tree, plugin);
    const stage = pkg?.conveyor?.stage;
    if (!stage) continue;
    const targetName = typeof entry === 'string' ? undefined : entry.options?.targetName;
    out.push({ stage: targetName ?? stage, plugin, source: local ? 'workspace' : 'installed' });
  }
  return out;
}

interface PackageJson {
  name?: string;
  conveyor?: { stage?: string };
}

/** Package name → package.json of every `plugins/*` and `packages/*` folder in the tree. */
export function workspacePackages(tree: Tree): Map<string, PackageJson & { dir: string }> {
  const out = new Map<string, PackageJson & { dir: string }>();
  for (const base of ['plugins', 'packages']) {
    if (!tree.exists(base) || tree.isFile(base)) continue;
    for (const child of tree.children(base)) {
      const pkg = readPackage(tree, `${base}/${child}/package.json`);
      if (pkg?.name) out.set(pkg.name, { ...pkg, dir: `${base}/${child}` });
    }
  }
  return out;
}

function readPackage(tree: Tree, path: string): PackageJson | undefined {
  if (!tree.exists(path)) return undefined;
  try {
    return readJson(tree, path) as PackageJson;
  } catch {
    return undefined;
  }
}

function readInstalled(tree: Tree, plugin: string): PackageJson | undefined {
  try {
    return require(require.resolve(`${plugin}/package.json`, { paths: [tree.root] })) as PackageJson;
  } catch {
    return undefined;
  }
}
