/**
 * Expand the `$ref`s of a JSON schema file so it can live inline in a manifest.
 *
 * The CDK's JsonFileSchemaLoader resolves file references against `schemas/shared/`
 * (airbyte_cdk/sources/utils/schema_helpers.py, JsonFileLoader + resolve_ref_links, which also drops the
 * `definitions` of a loaded file). Inline, nothing resolves them any more, and a `"#/…"` string inside a
 * manifest would be read as a *manifest* reference, so both kinds are expanded here.
 */
import { posix } from 'node:path';

export interface SchemaFileInput {
  /** Relative to the connector root, e.g. `source_foo/schemas/users.json`. */
  path: string;
  /** File stem: the stream name Airbyte matches it to. */
  stream: string;
  value?: unknown;
  error?: { message: string };
}

export interface ExpandedSchema {
  value: unknown;
  /** Every file the schema pulled in (itself included). */
  used: Set<string>;
  problems: string[];
}

type Obj = Record<string, unknown>;

export function expandSchemaRefs(file: SchemaFileInput, byPath: Map<string, SchemaFileInput>, schemasDir: string): ExpandedSchema {
  const used = new Set<string>([file.path]);
  const problems: string[] = [];
  const stack: string[] = [];

  const loadRef = (ref: string, fromFile: string): { value: unknown; file: string } | undefined => {
    const [target, fragment] = ref.split('#', 2);
    const fromDir = posix.dirname(fromFile);
    const shared = posix.join(schemasDir, 'shared');
    // Top-level files resolve against schemas/shared/ (the CDK's loader); shared files relative to themselves.
    const bases = fromDir === schemasDir ? [shared, schemasDir] : [fromDir, shared, schemasDir];
    for (const base of bases) {
      const candidate = posix.normalize(posix.join(base, target));
      const hit = byPath.get(candidate);
      if (!hit || hit.value === undefined) continue;
      used.add(candidate);
      const root = hit.value && typeof hit.value === 'object' && !Array.isArray(hit.value) ? { ...(hit.value as Obj) } : hit.value;
      const value = fragment ? pointer(hit.value, fragment) : root;
      if (!fragment && root && typeof root === 'object') delete (root as Obj).definitions;
      if (value === undefined) return undefined;
      return { value, file: candidate };
    }
    return undefined;
  };

  // `doc` is the document `node` lives in (for `#/…` refs), `fromFile` the file it was read from.
  const expand = (node: unknown, doc: unknown, fromFile: string): unknown => {
    if (Array.isArray(node)) return node.map((v) => expand(v, doc, fromFile));
    if (!node || typeof node !== 'object') return node;
    const obj = node as Obj;
    const ref = obj.$ref;
    if (typeof ref === 'string') {
      const key = `${fromFile}|${ref}`;
      if (stack.includes(key)) {
        problems.push(`${fromFile}: $ref ${JSON.stringify(ref)} is recursive; replaced by an open schema {}`);
        return {};
      }
      stack.push(key);
      try {
        if (ref.startsWith('#')) {
          const target = pointer(doc, ref.slice(1));
          if (target === undefined) {
            problems.push(`${fromFile}: $ref ${JSON.stringify(ref)} points nowhere in that file; left as written`);
            return obj;
          }
          return expand(target, doc, fromFile);
        }
        const loaded = loadRef(ref, fromFile);
        if (!loaded) {
          problems.push(`${fromFile}: $ref ${JSON.stringify(ref)} names no file under ${schemasDir}/shared or ${schemasDir}; left as written`);
          return obj;
        }
        const fileDoc = byPath.get(loaded.file)!.value;
        return expand(loaded.value, fileDoc, loaded.file);
      } finally {
        stack.pop();
      }
    }
    const out: Obj = {};
    for (const [k, v] of Object.entries(obj)) out[k] = expand(v, doc, fromFile);
    return out;
  };

  return { value: expand(file.value, file.value, file.path), used, problems };
}

/** JSON pointer (`/a/b/0`, with ~0 ~1 escapes) into a value. */
function pointer(value: unknown, ptr: string): unknown {
  if (ptr === '' || ptr === '/') return value;
  let node = value;
  for (const raw of ptr.replace(/^\//, '').split('/')) {
    const seg = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(seg)) node = node[Number(seg)];
    else if (node && typeof node === 'object' && seg in (node as Obj)) node = (node as Obj)[seg];
    else return undefined;
  }
  return node;
}

/** Whether a schema still holds a `$ref` (after expansion: one that could not be resolved). */
export function hasRef(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasRef);
  if (!value || typeof value !== 'object') return false;
  return Object.entries(value as Obj).some(([k, v]) => k === '$ref' || hasRef(v));
}
