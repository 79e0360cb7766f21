import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AppliesTo, StageDescriptor, StagePluginOptions } from './types';
import type { InferredConnector } from './types';

export interface RegisteredStage extends StageDescriptor {
  plugin: string;
  /** Folder of the plugin package. */
  dir: string;
  targetName: string;
  options: StagePluginOptions;
}

type NxPluginEntry = string | { plugin: string; options?: unknown };

/** Read a plugin package's `"conveyor"` descriptor; undefined for plugins that are not Conveyor stages. */
export function readDescriptor(plugin: string, workspaceRoot: string): { descriptor: StageDescriptor; dir: string; name: string } | undefined {
  let pkgJson: string;
  try {
    pkgJson = plugin.startsWith('.') ? join(workspaceRoot, plugin, 'package.json') : require.resolve(`${plugin}/package.json`, { paths: [workspaceRoot] });
  } catch {
    return undefined;
  }
  try {
    const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as { name: string; conveyor?: StageDescriptor };
    return pkg.conveyor?.stage ? { descriptor: pkg.conveyor, dir: dirname(pkgJson), name: pkg.name } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every Conveyor stage registered in nx.json, with the options it was registered with. Read afresh on each call
 * (a few small files per graph computation): a long-lived Nx daemon must see an edited `after` or `appliesTo`.
 */
export function registeredStages(plugins: readonly NxPluginEntry[] | undefined, workspaceRoot: string): RegisteredStage[] {
  const out: RegisteredStage[] = [];
  for (const entry of plugins ?? []) {
    const plugin = typeof entry === 'string' ? entry : entry.plugin;
    const options = ((typeof entry === 'string' ? {} : entry.options) ?? {}) as StagePluginOptions;
    const found = readDescriptor(plugin, workspaceRoot);
    if (!found) continue;
    out.push({
      ...found.descriptor,
      after: options.after ?? found.descriptor.after ?? [],
      plugin,
      dir: found.dir,
      targetName: options.targetName ?? found.descriptor.stage,
      options,
    });
  }
  return out;
}

export function appliesTo(rule: AppliesTo | undefined, c: Pick<InferredConnector, 'layout' | 'kind'>): boolean {
  if (!rule) return true;
  if (rule.layouts && !rule.layouts.includes(c.layout)) return false;
  if (rule.kinds && !rule.kinds.includes(c.kind as 'source')) return false;
  return true;
}

/**
 * Targets this stage depends on for one connector: the `after` stages present on it. A stage that does not
 * apply (a Python connector has no import-check), or that runs only when asked for (`explicitOnly`, a stage that
 * rewrites sources), is looked through to the stages it comes after, so the order holds transitively.
 */
export function dependsOnFor(stage: string, after: readonly string[], stages: readonly RegisteredStage[], c: InferredConnector): string[] {
  const byName = new Map(stages.map((s) => [s.stage, s]));
  const out = new Set<string>();
  const seen = new Set<string>([stage]);
  const visit = (names: readonly string[]) => {
    for (const n of names) {
      if (seen.has(n)) continue;
      seen.add(n);
      const s = byName.get(n);
      if (!s) continue;
      if (appliesTo(s.appliesTo, c) && !s.explicitOnly) out.add(s.targetName);
      else visit(s.after ?? []);
    }
  };
  visit(after);
  return [...out];
}
