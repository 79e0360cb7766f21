import { posix } from 'node:path';
import type { ConnectorFiles } from './snapshot';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Inline `{"$ref": "user.json"}` links between schema files the way the CDK's ResourceSchemaLoader does: relative
 * to `schemas/shared/` first, then to the referring file's folder. Local `#/…` refs stay. Returns the schema and
 * the refs it could not load (compared as written).
 */
export function resolveSchemaFileRefs(schema: Obj, file: string, files: ConnectorFiles, schemasDir: string): { schema: Obj; unresolved: string[] } {
  const unresolved = new Set<string>();
  const load = (ref: string, from: string, stack: string[]): unknown => {
    const [target] = ref.split('#');
    const candidates = [posix.normalize(`${schemasDir}/shared/${target}`), posix.normalize(`${posix.dirname(from)}/${target}`)];
    const path = candidates.find((c) => files.read(c) !== undefined);
    if (!path || stack.includes(path)) {
      unresolved.add(ref);
      return undefined;
    }
    try {
      return walk(JSON.parse(files.read(path)!), path, [...stack, path]);
    } catch {
      unresolved.add(ref);
      return undefined;
    }
  };
  const walk = (node: unknown, from: string, stack: string[]): unknown => {
    if (Array.isArray(node)) return node.map((n) => walk(n, from, stack));
    if (!isObj(node)) return node;
    if (typeof node.$ref === 'string' && !node.$ref.startsWith('#')) {
      const loaded = load(node.$ref, from, stack);
      if (isObj(loaded)) {
        const { $ref: _drop, ...siblings } = node;
        return { ...loaded, ...(walk(siblings, from, stack) as Obj) };
      }
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, from, stack)]));
  };
  return { schema: walk(schema, file, [file]) as Obj, unresolved: [...unresolved] };
}
