import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How a connector is built. `low-code` is the package layout (`source_<pkg>/manifest.yaml`),
 * `manifest-only` has `manifest.yaml` at the connector root.
 */
export type Layout = 'manifest-only' | 'low-code' | 'python' | 'java' | 'unknown';
export const MANIFEST_LAYOUTS: readonly Layout[] = ['manifest-only', 'low-code'];

export interface LayoutInfo {
  layout: Layout;
  /** `source_<pkg>` folder of a python or low-code connector, relative to the connector root. */
  packageDir?: string;
  /** Manifest path relative to the connector root. */
  manifest?: string;
}

export function packageNameFor(connectorName: string): string {
  return connectorName.replace(/-/g, '_');
}

/**
 * Decide the layout from the files, falling back to the metadata `language:` tag (Airbyte's
 * connector_ops does the same: files first, then the tag for manifest-only).
 */
export function detectLayout(root: string, name: string, tags: readonly string[] = []): LayoutInfo {
  const language = tags.find((t) => t.startsWith('language:'))?.slice('language:'.length);
  const packageDir = findPackageDir(root, name);
  if (existsSync(join(root, 'manifest.yaml'))) return { layout: 'manifest-only', manifest: 'manifest.yaml', packageDir };
  if (packageDir && existsSync(join(root, packageDir, 'manifest.yaml')))
    return { layout: 'low-code', packageDir, manifest: `${packageDir}/manifest.yaml` };
  if (existsSync(join(root, 'build.gradle')) || existsSync(join(root, 'build.gradle.kts')) || existsSync(join(root, 'src/main/java')) || existsSync(join(root, 'src/main/kotlin')))
    return { layout: 'java' };
  if (existsSync(join(root, 'setup.py')) || existsSync(join(root, 'pyproject.toml'))) return { layout: 'python', packageDir };
  switch (language) {
    case 'manifest-only':
      // The tag says manifest-only but the file is missing: keep the layout so the manifest stages report it.
      return { layout: 'manifest-only', manifest: 'manifest.yaml', packageDir };
    case 'low-code':
    case 'lowcode':
      return { layout: 'low-code', packageDir: packageDir ?? packageNameFor(name), manifest: `${packageDir ?? packageNameFor(name)}/manifest.yaml` };
    case 'python':
      return { layout: 'python', packageDir };
    case 'java':
      return { layout: 'java' };
  }
  return { layout: 'unknown', packageDir };
}

function findPackageDir(root: string, name: string): string | undefined {
  const expected = packageNameFor(name);
  if (existsSync(join(root, expected))) return expected;
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return undefined;
  }
  // Some connectors' packages do not follow the folder name (e.g. a renamed connector).
  return entries.find((e) => /^(source|destination)_[a-z0-9_]+$/.test(e) && existsSync(join(root, e, 'manifest.yaml')));
}
