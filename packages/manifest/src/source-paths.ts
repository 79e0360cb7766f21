/**
 * Where something in a preprocessed manifest was written in the source manifest: preprocessing copies
 * objects out of `definitions` and merges `$ref`s, and a problem should point at the line the author wrote.
 */
import type { ManifestPath } from './references';

/**
 * The source-manifest path of a place in the preprocessed manifest: the nearest object's origin plus the
 * rest, followed through `$ref`s of the source (when given) to where the value was actually written.
 */
export function sourcePath(manifest: unknown, instancePath: ManifestPath, origins?: WeakMap<object, ManifestPath>, source?: unknown): ManifestPath {
  if (!origins) return instancePath;
  let node: unknown = manifest;
  let best: ManifestPath = origins.get(manifest as object) ?? [];
  let bestDepth = 0;
  for (let i = 0; i < instancePath.length; i++) {
    if (!node || typeof node !== 'object') break;
    node = (node as Record<string | number, unknown>)[instancePath[i]];
    if (node && typeof node === 'object' && origins.has(node)) {
      best = origins.get(node)!;
      bestDepth = i + 1;
    }
  }
  const path = [...best, ...instancePath.slice(bestDepth)];
  return source === undefined ? path : followRefs(source, path);
}

/** Walk `path` in the source manifest, jumping through `$ref` / `"#/…"` where the key is not written. */
export function followRefs(source: unknown, path: ManifestPath): ManifestPath {
  let node = source;
  let at: ManifestPath = [];
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    for (let hops = 0; hops < 16; hops++) {
      const o = node && typeof node === 'object' ? (node as Record<string | number, unknown>) : undefined;
      if (o && seg in o) break;
      const ref = typeof node === 'string' ? node : typeof o?.$ref === 'string' ? (o.$ref as string) : undefined;
      if (!ref?.startsWith('#/')) return [...at, ...path.slice(i)];
      const target = refTarget(source, ref);
      if (!target) return [...at, ...path.slice(i)];
      ({ node, path: at } = target);
    }
    const o = node as Record<string | number, unknown> | undefined;
    if (!o || typeof o !== 'object' || !(seg in o)) return [...at, ...path.slice(i)];
    node = o[seg];
    at = [...at, seg];
  }
  return at;
}

function refTarget(source: unknown, ref: string): { node: unknown; path: ManifestPath } | undefined {
  let rest = ref.slice(2);
  let node = source;
  const path: ManifestPath = [];
  while (rest) {
    const o = node && typeof node === 'object' ? (node as Record<string, unknown>) : undefined;
    if (o && !Array.isArray(o) && rest in o) return { node: o[rest], path: [...path, rest] };
    const slash = rest.indexOf('/');
    const key = slash < 0 ? rest : rest.slice(0, slash);
    rest = slash < 0 ? '' : rest.slice(slash + 1);
    if (!o || !(key in o)) return undefined;
    node = o[key];
    path.push(Array.isArray(o) ? Number(key) : key);
  }
  return { node, path };
}

export function isWritten(root: unknown, path: ManifestPath): boolean {
  let node = root;
  for (const seg of path) {
    if (!node || typeof node !== 'object' || !(seg in (node as object))) return false;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return true;
}
