/**
 * `$ref` and `#/…` reference resolution with the CDK's semantics
 * (airbyte_cdk/sources/declarative/parsers/manifest_reference_resolver.py):
 * - a string value starting with `#/` is replaced by the value it points to;
 * - an object with a `$ref` key is merged over the referenced object (the object's own keys win);
 * - a path segment is first tried as the whole remaining path, then split on `/`; list indexes are allowed;
 * - a reference that leads back to itself is circular; one that points nowhere is undefined.
 */
export type ManifestPath = (string | number)[];

export class ManifestReferenceError extends Error {
  constructor(
    readonly kind: 'circular' | 'undefined',
    readonly ref: string,
    /** Where the reference was written, as a path in the unresolved manifest. */
    readonly path: ManifestPath,
  ) {
    super(
      kind === 'circular'
        ? `circular reference ${JSON.stringify(ref)}: it leads back to itself`
        : `undefined reference ${JSON.stringify(ref)}: nothing at that path in the manifest`,
    );
    this.name = 'ManifestReferenceError';
  }
}

export const REF_KEY = '$ref';

export function isReference(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('#/');
}

/**
 * Resolve every reference. `origins` (optional) receives, for each object or array of the result,
 * the path in the source manifest it was copied from, so problems can be reported where they were written.
 */
export function resolveReferences<T>(manifest: T, origins?: WeakMap<object, ManifestPath>): T {
  const visiting = new Set<string>();
  const evaluate = (node: unknown, path: ManifestPath): unknown => {
    if (Array.isArray(node)) {
      const out = node.map((v, i) => evaluate(v, [...path, i]));
      origins?.set(out, path);
      return out;
    }
    if (node && typeof node === 'object') {
      const own: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) {
        if (k === REF_KEY) continue;
        own[k] = evaluate(v, [...path, k]);
      }
      if (REF_KEY in node) {
        const target = evaluate((node as Record<string, unknown>)[REF_KEY], [...path, REF_KEY]);
        if (target && typeof target === 'object' && !Array.isArray(target)) {
          const merged = { ...(target as object), ...own };
          origins?.set(merged, path);
          return merged;
        }
        return target;
      }
      origins?.set(own, path);
      return own;
    }
    if (isReference(node)) {
      if (visiting.has(node)) throw new ManifestReferenceError('circular', node, path);
      visiting.add(node);
      try {
        const target = lookup(manifest, node, path);
        return evaluate(target.value, target.path);
      } finally {
        visiting.delete(node);
      }
    }
    return node;
  };
  return evaluate(manifest, []) as T;
}

function lookup(manifest: unknown, ref: string, from: ManifestPath): { value: unknown; path: ManifestPath } {
  let rest = ref.slice(2);
  let node: unknown = manifest;
  const path: ManifestPath = [];
  while (rest) {
    if (node && typeof node === 'object' && !Array.isArray(node) && rest in node) {
      path.push(rest);
      return { value: (node as Record<string, unknown>)[rest], path };
    }
    const slash = rest.indexOf('/');
    const key = slash < 0 ? rest : rest.slice(0, slash);
    rest = slash < 0 ? '' : rest.slice(slash + 1);
    if (Array.isArray(node) && /^\d+$/.test(key) && Number(key) < node.length) {
      node = node[Number(key)];
      path.push(Number(key));
    } else if (node && typeof node === 'object' && !Array.isArray(node) && key in node) {
      node = (node as Record<string, unknown>)[key];
      path.push(key);
    } else throw new ManifestReferenceError('undefined', ref, from);
  }
  return { value: node, path };
}
