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
import { isWritten, sourcePath } from './source-paths';

export interface UnknownField {
  /** Where the field is written in the source manifest. */
  path: ManifestPath;
  component: string;
  field: string;
  /** The component's own fields, to suggest the intended one. */
  known: string[];
}

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

  /**
   * Fields written on a component that its definition does not know. Most definitions allow extra
   * properties, so the CDK silently ignores these: usually a misspelling. Fields that only arrive through
   * `$parameters` are not reported (propagation puts every parameter on every component).
   */
  unknownFields(manifest: Obj, origins: WeakMap<object, ManifestPath>, source: unknown): UnknownField[] {
    const out: UnknownField[] = [];
    const components = this.components(manifest);
    // A field with the same value on an enclosing component was pushed down (by $parameters, or written
    // out by a migration that resolved them): an artifact, not a mistake of this component.
    const inherited = (path: ManifestPath, k: string, v: unknown) =>
      components.some((a) => a.path.length < path.length && a.path.every((s, i) => String(s) === String(path[i])) && k in a.value && JSON.stringify(a.value[k]) === JSON.stringify(v));
    for (const c of components) {
      const def = (this.schema.definitions as Record<string, Obj>)[c.type];
      const props = def?.properties as Obj | undefined;
      // Closed definitions are reported by validate(); custom components take any field as a constructor argument.
      if (!props || def.additionalProperties === false || c.type.startsWith('Custom')) continue;
      for (const k of Object.keys(c.value)) {
        if (k in props || k === '$parameters' || k === 'type' || k === '$ref' || inherited(c.path, k, c.value[k])) continue;
        const at = sourcePath(manifest, [...c.path, k], origins, source);
        if (at[at.length - 1] !== k || !isWritten(source, at)) continue;
        out.push({ path: at, component: c.type, field: k, known: Object.keys(props).filter((p) => p !== '$parameters' && p !== 'type') });
      }
    }
    const seen = new Set<string>();
    return out.filter((u) => !seen.has(key(u.path)) && !!seen.add(key(u.path)));
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
