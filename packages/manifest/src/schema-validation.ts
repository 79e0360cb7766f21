/**
 * Validation of a preprocessed manifest against the CDK's declarative_component_schema.yaml, explained.
 * A raw JSON-schema validator reports every anyOf branch it tried; here each typed component is checked
 * against its own definition, problems inside a child are left to the child, and the errors left at one
 * place are merged into one sentence, so one mistake gives one message at the place it was written.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import type { ManifestPath } from './references';
import { groupIssues, type RawError } from './schema-messages';

export interface SchemaIssue {
  /** Where the problem was written in the source manifest (resolved through `origins`). */
  path: ManifestPath;
  /** Where it is in the preprocessed manifest. */
  instancePath: ManifestPath;
  /** Type of the component the problem belongs to. */
  component: string;
  message: string;
}

type Obj = Record<string, unknown>;

/** Subtrees that are data (JSON schemas, free-form snippets), not components. */
const DATA_FIELDS: Record<string, Set<string>> = {
  DeclarativeSource: new Set(['definitions', 'schemas', 'metadata']),
  InlineSchemaLoader: new Set(['schema']),
  Spec: new Set(['connection_specification', 'advanced_auth']),
};

export class ComponentSchema {
  private static cache = new Map<string, { mtime: number; schema: ComponentSchema }>();
  // One validator with every error (and the failing schema) kept: on a valid manifest it is as fast as a
  // first-error one, and compiling the 220 KB schema once instead of twice saves a quarter second per process.
  private readonly detailed: Ajv;
  private readonly definitions: Set<string>;
  private readonly compiled = new Map<string, ValidateFunction>();
  private root?: ValidateFunction;

  constructor(readonly schema: Obj, readonly source = '<schema>') {
    const { $id: _id, $schema: _meta, ...body } = schema;
    const opts = { strict: false, validateFormats: false, allowUnionTypes: true } as const;
    this.detailed = new Ajv({ ...opts, allErrors: true, verbose: true });
    this.detailed.addSchema(body, 'cdk');
    this.definitions = new Set(Object.keys((schema.definitions as Obj | undefined) ?? {}));
  }

  /** Read (and cache per process, by path and modification time) a declarative_component_schema.yaml. */
  static load(path: string): ComponentSchema {
    const mtime = statSync(path).mtimeMs;
    const hit = ComponentSchema.cache.get(path);
    if (hit && hit.mtime === mtime) return hit.schema;
    const parsed = parseCached(readFileSync(path, 'utf8'));
    if (!parsed || typeof parsed !== 'object' || !parsed.definitions)
      throw new Error(`${path}: not a declarative component schema (no \`definitions\`)`);
    const schema = new ComponentSchema(parsed, path);
    ComponentSchema.cache.set(path, { mtime, schema });
    return schema;
  }

  hasDefinition(type: string): boolean {
    return this.definitions.has(type);
  }

  /** Problems of a preprocessed manifest (see preprocessManifest), each located in the source manifest. */
  validate(manifest: Obj, origins?: WeakMap<object, ManifestPath>, source?: unknown): SchemaIssue[] {
    this.root ??= this.definitionValidator('DeclarativeSource');
    if (this.root(manifest)) return [];
    const issues: SchemaIssue[] = [];
    const components = this.components(manifest);
    const failed = new Set<string>();
    const errorsOf = new Map<string, RawError[]>();
    // Deepest first, so a parent knows which children already explained themselves.
    for (const c of [...components].sort((a, b) => b.path.length - a.path.length)) {
      const validate = this.definitionValidator(c.type);
      if (validate(c.value)) continue;
      failed.add(key(c.path));
      errorsOf.set(key(c.path), (validate.errors ?? []).map((e) => toRaw(e, c.path)));
    }
    const typedPaths = components.map((c) => c.path);
    for (const c of components) {
      const errors = errorsOf.get(key(c.path));
      if (!errors) continue;
      const own: RawError[] = [];
      const misplaced = new Map<string, RawError[]>();
      for (const e of errors) {
        const child = typedPaths.find((p) => p.length > c.path.length && isPrefix(p, e.path));
        if (!child) own.push(e);
        else if (failed.has(key(child))) continue; // the child reports its own problem
        else if (e.path.length <= child.length + 1) {
          // The child is valid on its own, yet not accepted here: its type does not belong at this place.
          const list = misplaced.get(key(child)) ?? [];
          list.push(e);
          misplaced.set(key(child), list);
        }
      }
      for (const [k, errs] of misplaced) {
        const child = components.find((x) => key(x.path) === k)!;
        const allowed = [...new Set(errs.flatMap((e) => (e.keyword === 'enum' ? ((e.params.allowedValues as unknown[]) ?? []) : e.keyword === 'const' ? [e.params.allowedValue] : [])))];
        const message = allowed.length
          ? `a ${child.type} cannot be used here; expected ${listOf(allowed.map(String))}`
          : `a ${child.type} cannot be used here`;
        issues.push(this.issue(manifest, origins, source, child.path, c.type, message));
      }
      for (const g of groupIssues(own, manifest)) issues.push(this.issue(manifest, origins, source, g.path, c.type, g.message));
    }
    return dedupe(issues);
  }

  private definitionValidator(type: string): ValidateFunction {
    let v = this.compiled.get(type);
    if (!v) {
      v = type === 'DeclarativeSource' ? this.detailed.getSchema('cdk')! : this.detailed.getSchema(`cdk#/definitions/${type}`)!;
      this.compiled.set(type, v);
    }
    return v;
  }

  private components(manifest: Obj): { path: ManifestPath; type: string; value: Obj }[] {
    const out: { path: ManifestPath; type: string; value: Obj }[] = [];
    const walk = (v: unknown, path: ManifestPath) => {
      if (Array.isArray(v)) return v.forEach((x, i) => walk(x, [...path, i]));
      if (!v || typeof v !== 'object') return;
      const o = v as Obj;
      const type = path.length === 0 ? 'DeclarativeSource' : typeof o.type === 'string' && this.definitions.has(o.type) ? o.type : undefined;
      if (type) out.push({ path, type, value: o });
      const skip = type ? DATA_FIELDS[type] : undefined;
      for (const [k, x] of Object.entries(o)) if (!skip?.has(k) && k !== '$parameters') walk(x, [...path, k]);
    };
    walk(manifest, []);
    return out;
  }

  private issue(manifest: Obj, origins: WeakMap<object, ManifestPath> | undefined, source: unknown, instancePath: ManifestPath, component: string, message: string): SchemaIssue {
    return { path: sourcePath(manifest, instancePath, origins, source), instancePath, component, message };
  }
}

/**
 * The schema YAML is 220 KB and takes a quarter of a second to parse; every Nx batch process needs it, so
 * its JSON form is kept in the OS temp folder under the content hash (a stale or broken copy is re-made).
 */
function parseCached(text: string): Obj {
  const file = join(tmpdir(), `conveyor-cdk-schema-${createHash('sha1').update(text).digest('hex').slice(0, 16)}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Obj;
  } catch {
    const parsed = parse(text) as Obj;
    try {
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(parsed));
      renameSync(tmp, file);
    } catch {
      // A read-only temp folder only costs speed.
    }
    return parsed;
  }
}

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

function toRaw(e: ErrorObject, base: ManifestPath): RawError {
  const rel = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  return { path: [...base, ...rel], keyword: e.keyword, params: e.params as Record<string, unknown>, message: e.message ?? e.keyword, schemaPath: e.schemaPath, schema: e.schema };
}

function isPrefix(prefix: ManifestPath, path: ManifestPath): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => String(s) === String(path[i]));
}

function key(path: ManifestPath): string {
  return JSON.stringify(path);
}

function listOf(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function dedupe(issues: SchemaIssue[]): SchemaIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = key(i.path) + i.message;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
