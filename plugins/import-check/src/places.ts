import { sourcePath, type Manifest, type ManifestPath } from '@conveyor/manifest';

/**
 * Where a component was written: for a component reached through `$ref`s, the definition that holds its
 * `type` / `class_name` (not the `$ref` line in each stream); for a field, the field.
 */
export function writtenPlace(manifest: Manifest, path: ManifestPath, origins: WeakMap<object, ManifestPath>, raw: unknown): ManifestPath {
  for (const key of ['class_name', 'type']) {
    const p = sourcePath(manifest, [...path, key], origins, raw);
    if (p[p.length - 1] === key && has(raw, p)) return p.slice(0, -1);
  }
  return sourcePath(manifest, path, origins, raw);
}

function has(root: unknown, path: ManifestPath): boolean {
  let node = root;
  for (const seg of path) {
    if (!node || typeof node !== 'object' || !(seg in (node as object))) return false;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return true;
}
