import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConveyorError, MANIFEST_LAYOUTS } from '@conveyor/connector';
import type { StageDescriptor, StagePluginOptions } from './types';

const LAYOUTS = [...MANIFEST_LAYOUTS, 'python', 'java', 'unknown'];
const isStringList = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** A plugin's package.json with its `"conveyor"` stage descriptor, checked so a typo is named where it is. */
export function readStagePackage(pluginDir: string): { name: string; descriptor: StageDescriptor } {
  const file = join(pluginDir, 'package.json');
  let pkg: { name?: unknown; conveyor?: Record<string, unknown> };
  try {
    pkg = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConveyorError(`cannot read the stage plugin's package.json (${(e as Error).message})`, { file });
  }
  const d = pkg.conveyor;
  const problems: string[] = [];
  if (typeof pkg.name !== 'string') problems.push('`name` must be the package name');
  if (!d || typeof d !== 'object') problems.push('expected a `"conveyor": { "stage": "<target name>", "after": ["<stage>"] }` field');
  else {
    if (typeof d.stage !== 'string' || !/^[a-z][a-z0-9-]*$/.test(d.stage)) problems.push(`\`conveyor.stage\` must be a kebab-case name such as "lint-docs", got ${JSON.stringify(d.stage)}`);
    if (d.after !== undefined && !isStringList(d.after)) problems.push(`\`conveyor.after\` must be a list of stage names, got ${JSON.stringify(d.after)}`);
    for (const key of ['cache', 'explicitOnly'] as const)
      if (d[key] !== undefined && typeof d[key] !== 'boolean') problems.push(`\`conveyor.${key}\` must be true or false, got ${JSON.stringify(d[key])}`);
    const applies = d.appliesTo as { layouts?: unknown; kinds?: unknown } | undefined;
    if (applies !== undefined && (typeof applies !== 'object' || applies === null)) problems.push('`conveyor.appliesTo` must be an object with `layouts` and/or `kinds`');
    else if (applies) {
      if (applies.layouts !== undefined && !(isStringList(applies.layouts) && (applies.layouts as string[]).every((l) => LAYOUTS.includes(l as never))))
        problems.push(`\`conveyor.appliesTo.layouts\` must list layouts among ${LAYOUTS.join(', ')}, got ${JSON.stringify(applies.layouts)}`);
      if (applies.kinds !== undefined && !(isStringList(applies.kinds) && (applies.kinds as string[]).every((k) => k === 'source' || k === 'destination')))
        problems.push(`\`conveyor.appliesTo.kinds\` must list source and/or destination, got ${JSON.stringify(applies.kinds)}`);
    }
  }
  if (problems.length) throw new ConveyorError(problems.join('; '), { file });
  return { name: pkg.name as string, descriptor: d as unknown as StageDescriptor };
}

/** Plugin options from nx.json, checked: a wrong type there would otherwise surface far from its cause. */
export function checkPluginOptions(plugin: string, raw: unknown, workspaceRoot: string): StagePluginOptions {
  if (raw === undefined || raw === null) return {};
  const file = join(workspaceRoot, 'nx.json');
  const o = raw as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof raw !== 'object' || Array.isArray(raw)) problems.push('`options` must be an object');
  else {
    if (o.targetName !== undefined && (typeof o.targetName !== 'string' || !o.targetName)) problems.push(`\`targetName\` must be a target name, got ${JSON.stringify(o.targetName)}`);
    if (o.after !== undefined && !isStringList(o.after)) problems.push(`\`after\` must be a list of stage names, got ${JSON.stringify(o.after)}`);
    if (o.connectorGlobs !== undefined && !(isStringList(o.connectorGlobs) && (o.connectorGlobs as string[]).length))
      problems.push(`\`connectorGlobs\` must be a non-empty list of globs such as "connectors/*/metadata.yaml", got ${JSON.stringify(o.connectorGlobs)}`);
    if (o.options !== undefined && (typeof o.options !== 'object' || o.options === null || Array.isArray(o.options))) problems.push('`options` (default executor options) must be an object');
  }
  if (problems.length) throw new ConveyorError(`plugin ${plugin}: ${problems.join('; ')}`, { file });
  return raw as StagePluginOptions;
}
