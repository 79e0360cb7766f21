import { readJson, type Tree } from '@nx/devkit';
import { parse } from 'yaml';

export type NewSourceLayout = 'manifest-only' | 'low-code';

interface NxJson {
  conveyor?: { defaultLayout?: string; connectorsDir?: string };
  plugins?: (string | { plugin: string; options?: Record<string, unknown> })[];
}

/**
 * Layout for a new source: `--layout`, else nx.json `conveyor.defaultLayout`, else the migrate plugin's
 * `layout` option (the layout the workspace migrates to), else manifest-only — the only layout the
 * Connector Builder can fork (airbyte-platform BUILDER_COMPATIBLE_CONNECTOR_LANGUAGE).
 */
export function defaultLayout(tree: Tree, given?: string): { layout: NewSourceLayout; from: string } {
  const check = (value: unknown, from: string) => {
    if (value === undefined) return undefined;
    if (value !== 'manifest-only' && value !== 'low-code')
      throw new Error(`${from}: layout "${String(value)}" cannot be generated; expected manifest-only or low-code`);
    return { layout: value as NewSourceLayout, from };
  };
  const fromFlag = check(given, '--layout');
  if (fromFlag) return fromFlag;
  const nx = readNx(tree);
  const setting = check(nx.conveyor?.defaultLayout, 'nx.json conveyor.defaultLayout');
  if (setting) return setting;
  for (const entry of nx.plugins ?? []) {
    if (typeof entry === 'string' || !/(^|\/)migrate$/.test(entry.plugin)) continue;
    const o = entry.options ?? {};
    const layout = o.layout ?? (o.options as Record<string, unknown> | undefined)?.layout;
    const found = check(layout, `nx.json plugin ${entry.plugin} option layout`);
    if (found) return found;
  }
  return { layout: 'manifest-only', from: 'default' };
}

/** Where connectors live: `--directory`, nx.json `conveyor.connectorsDir`, Airbyte's folder when present, else `connectors`. */
export function connectorsDir(tree: Tree, given?: string): string {
  if (given) return given.replace(/\/+$/, '');
  const nx = readNx(tree);
  if (nx.conveyor?.connectorsDir) return nx.conveyor.connectorsDir.replace(/\/+$/, '');
  return tree.exists('airbyte-integrations/connectors') ? 'airbyte-integrations/connectors' : 'connectors';
}

/** Folders that hold connectors in this tree (for the name-clash check). */
export function allConnectorDirs(tree: Tree, primary: string): string[] {
  return [...new Set([primary, 'airbyte-integrations/connectors', 'connectors'])].filter((d) => tree.exists(d));
}

/**
 * The newest base image the workspace's other connectors of this layout already use, so a new connector
 * builds like its neighbours without Conveyor asking a registry (no network at generation time).
 */
export function neighbourBaseImage(tree: Tree, dirs: string[], layout: NewSourceLayout): string | undefined {
  const image = layout === 'manifest-only' ? 'airbyte/source-declarative-manifest' : 'airbyte/python-connector-base';
  let best: { image: string; version: number[] } | undefined;
  for (const dir of dirs) {
    for (const child of tree.children(dir)) {
      const file = `${dir}/${child}/metadata.yaml`;
      if (!tree.exists(file)) continue;
      let base: unknown;
      try {
        base = (parse(tree.read(file, 'utf-8')!) as { data?: { connectorBuildOptions?: { baseImage?: unknown } } })?.data?.connectorBuildOptions?.baseImage;
      } catch {
        continue;
      }
      if (typeof base !== 'string' || !base.includes(image + ':')) continue;
      const version = /:(\d+)\.(\d+)\.(\d+)/.exec(base)?.slice(1).map(Number);
      if (!version) continue;
      if (!best || compare(version, best.version) > 0) best = { image: base, version };
    }
  }
  return best?.image;
}

/** Whether the repository's root .gitignore already ignores every `secrets` folder (Airbyte's does). */
export function rootIgnoresSecrets(tree: Tree): boolean {
  if (!tree.exists('.gitignore')) return false;
  return tree
    .read('.gitignore', 'utf-8')!
    .split('\n')
    .map((l) => l.trim())
    .some((l) => /^(\*\*\/)?secrets\/?$/.test(l));
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function readNx(tree: Tree): NxJson {
  return tree.exists('nx.json') ? (readJson(tree, 'nx.json') as NxJson) : {};
}
