/**
 * Move `schemas/*.json` into the manifest as `InlineSchemaLoader`s, as Airbyte's
 * `airbyte-ci connectors migrate-to-inline-schemas` did (airbyte-ci/.../migrate_to_inline_schemas/pipeline.py):
 * 1. every JsonFileSchemaLoader with a fixed `file_path` becomes an InlineSchemaLoader of that file in place;
 *    one with a templated (or no) `file_path` is removed together with the references to it;
 * 2. every stream of `streams` still without an InlineSchemaLoader gets one on its own node (the list entry,
 *    or the definition a `"#/…"` entry points at) holding `schemas/<stream name>.json`;
 * 3. the files used are deleted (the whole folder when all were used).
 * Works on a copy of a comment-preserving yaml Document, so the caller writes the result in one change set.
 */
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import { propagateTypesAndParameters } from '../components';
import { ManifestReferenceError, resolveReferences, type ManifestPath } from '../references';
import { expandSchemaRefs, type SchemaFileInput } from './schema-refs';
import {
  collectReferences,
  isWithin,
  keyOf,
  nodeAt,
  positionOf,
  referencePath,
  setKey,
  streamNodePath,
  transformResult,
  type TransformFinding,
  type TransformResult,
} from './yaml-nodes';

export type { SchemaFileInput } from './schema-refs';

export interface InlineSchemasInput {
  /** The manifest as parsed by @conveyor/connector's parseYaml (`.doc`); it is not modified. */
  doc: Document;
  /** Schema files as @conveyor/connector's loadSchemaFiles returns them (paths relative to the connector root). */
  schemaFiles: readonly SchemaFileInput[];
  /** The `schemas/` folder relative to the connector root. */
  schemasDir?: string;
  /** Manifest path and line counter, so findings point at the manifest line. */
  manifestFile?: string;
  lines?: LineCounter;
  /** Delete schema files no stream uses as well (the seed deletes the whole folder). Default: keep them and say so. */
  deleteUnused?: boolean;
  /** Edit `doc` itself instead of a copy (faster when chaining; discard it if an error finding comes back). */
  inPlace?: boolean;
  /**
   * Text of `source_<pkg>/source.py` when there is one. A source that declares Python streams (`def streams`)
   * or is not a YamlDeclarativeSource reads `schemas/` from Python, so nothing is moved (Airbyte's real
   * commits left such connectors, e.g. source-iterable, as they were).
   */
  sourcePy?: string;
}

const INLINE = 'InlineSchemaLoader';
const JSON_FILE = 'JsonFileSchemaLoader';

export function inlineSchemas(input: InlineSchemasInput): TransformResult {
  const doc = input.inPlace ? input.doc : input.doc.clone();
  const findings: TransformFinding[] = [];
  const unchanged = (): TransformResult => transformResult(doc, false, [], findings);
  const at = (path: ManifestPath) => ({ file: input.manifestFile, ...positionOf(doc, path, input.lines) });
  const schemasDir = input.schemasDir ?? commonDir(input.schemaFiles);
  if (!input.schemaFiles.length || !schemasDir) return unchanged();
  if (!isMap(doc.contents)) {
    findings.push({ rule: 'inline-schemas', severity: 'error', message: 'expected a mapping at the top of the manifest', ...at([]) });
    return unchanged();
  }
  if (input.sourcePy !== undefined && (!input.sourcePy.includes('YamlDeclarativeSource') || /\bdef\s+streams\s*\(/.test(input.sourcePy))) {
    findings.push({
      rule: 'inline-schemas',
      severity: 'info',
      message: `source.py declares Python streams, which read ${schemasDir}/ at run time: schemas left as files`,
      fix: 'port the Python streams to the manifest first',
    });
    return unchanged();
  }

  const byPath = new Map(input.schemaFiles.map((f) => [f.path, f]));
  const topLevel = new Map<string, SchemaFileInput>();
  for (const f of input.schemaFiles) {
    if (f.error) findings.push({ rule: 'inline-schemas', severity: 'error', message: `cannot read schema: ${f.error.message}`, file: f.path });
    else if (dirOf(f.path) === schemasDir) topLevel.set(f.stream, f);
  }
  const consumed = new Set<string>();
  let edited = false;

  const inlineFor = (stem: string, where: ManifestPath): unknown => {
    const file = topLevel.get(stem);
    if (!file) return undefined;
    const expanded = expandSchemaRefs(file, byPath, schemasDir);
    for (const p of expanded.problems) findings.push({ rule: 'inline-schemas', severity: 'warning', message: p, ...at(where) });
    for (const u of expanded.used) consumed.add(u);
    return { type: INLINE, schema: expanded.value };
  };

  // Step 1: every JsonFileSchemaLoader written in the manifest (Airbyte's first pass).
  const doomed = new Set<Node>();
  for (const { path, node } of jsonFileLoaders(doc)) {
    const filePath = node.get('file_path');
    if (typeof filePath === 'string' && filePath && !filePath.includes('{{')) {
      const stem = filePath.split('/').pop()!.replace(/\.(json|ya?ml)$/, '');
      const loader = inlineFor(stem, path);
      if (loader) {
        replaceAt(doc, path, doc.createNode(loader));
        edited = true;
      } else findings.push({ rule: 'inline-schemas', severity: 'warning', message: `file_path ${JSON.stringify(filePath)} names no file in ${schemasDir}/: left as it is`, ...at(path) });
      continue;
    }
    doomed.add(node);
    for (const r of collectReferences(doc)) {
      const target = referencePath(doc, r.ref);
      if (target && isWithin(target, path)) {
        const holder = nodeAt(doc, r.holder);
        if (holder) doomed.add(holder);
      }
    }
  }
  if (doomed.size) {
    removeNodes(doc.contents, doomed);
    edited = true;
  }

  // Step 2: streams that still load their schema from a file get it inline on their own node.
  let resolved: Record<string, unknown>;
  try {
    resolved = resolveManifest(doc.toJS({ maxAliasCount: 1000 }) as Record<string, unknown>);
  } catch (e) {
    if (!(e instanceof ManifestReferenceError)) throw e;
    findings.push({ rule: 'inline-schemas', severity: 'error', message: `${e.message} (at ${e.path.join('.')}): cannot tell which schema each stream uses`, ...at(e.path) });
    // Step 1 may have edited the copy already: hand back the input as it was.
    return transformResult(input.inPlace ? doc : input.doc.clone(), false, [], findings);
  }
  const streams = Array.isArray(resolved.streams) ? resolved.streams : [];
  const missing: string[] = [];
  const streamsNode = nodeAt(doc, ['streams']);
  streams.forEach((stream, i) => {
    if (!stream || typeof stream !== 'object' || !isSeq(streamsNode)) return;
    const s = stream as Record<string, unknown>;
    const loader = s.schema_loader as Record<string, unknown> | unknown[] | undefined;
    if (Array.isArray(loader) || (loader && loader.type !== JSON_FILE)) return; // inline already, or dynamic/custom
    const name = streamName(s);
    const entry: ManifestPath = ['streams', i];
    if (!name) {
      findings.push({ rule: 'inline-schemas', severity: 'warning', message: 'stream has no name: cannot tell which schema file is its own', ...at(entry) });
      return;
    }
    const target = streamNodePath(doc, entry);
    const inline = inlineFor(name, target ?? entry);
    if (!inline) {
      missing.push(name);
      findings.push({ rule: 'inline-schemas', severity: 'warning', message: `stream ${JSON.stringify(name)}: no ${schemasDir}/${name}.json to inline; its schema loader is left as it is`, ...at(target ?? entry) });
      return;
    }
    const map = target && nodeAt(doc, target);
    if (!isMap(map)) {
      findings.push({ rule: 'inline-schemas', severity: 'warning', message: `stream ${JSON.stringify(name)}: its entry is not a mapping this tool can edit`, ...at(entry) });
      return;
    }
    setKey(doc, map, 'schema_loader', inline);
    edited = true;
  });

  if (!edited) return unchanged();
  return transformResult(doc, true, planDeletes(input, schemasDir, consumed, missing, findings), findings);
}

/**
 * Files to delete: the whole folder when every file went inline (or unused ones may go), else the used ones.
 * While a stream found no file of its own name, unused files are kept: one may be its schema misnamed.
 */
function planDeletes(input: InlineSchemasInput, schemasDir: string, consumed: Set<string>, missing: string[], findings: TransformFinding[]): string[] {
  const unused = input.schemaFiles.filter((f) => !consumed.has(f.path));
  if (unused.some((f) => f.error)) return [...consumed].sort();
  if (!unused.length || (input.deleteUnused && !missing.length)) {
    if (unused.length)
      findings.push({ rule: 'inline-schemas', severity: 'info', message: `deleted with ${schemasDir}/ although no stream used them: ${unused.map((f) => f.path).join(', ')}` });
    return [schemasDir];
  }
  const why = missing.length ? `kept, since ${missing.map((m) => JSON.stringify(m)).join(', ')} found no schema file (is this one of theirs, misnamed?)` : 'kept';
  for (const f of unused) findings.push({ rule: 'inline-schemas', severity: 'warning', message: `no stream of the manifest uses this schema: ${why}`, file: f.path });
  return [...consumed].sort();
}

/**
 * preprocessManifest (index.ts) without importing the package index, which re-exports this module:
 * add the source type, resolve references, propagate types and parameters.
 */
export function resolveManifest(manifest: Record<string, unknown>): Record<string, unknown> {
  const typed = 'type' in manifest ? manifest : { type: 'DeclarativeSource', ...manifest };
  return propagateTypesAndParameters('', resolveReferences(typed), {}, false);
}

/** The stream's name after parameter propagation (a templated name falls back to `$parameters.name`). */
function streamName(s: Record<string, unknown>): string | undefined {
  const params = (s.$parameters ?? {}) as Record<string, unknown>;
  const name = typeof s.name === 'string' && !s.name.includes('{{') ? s.name : params.name;
  return typeof name === 'string' && name ? name : undefined;
}

/** Mappings typed JsonFileSchemaLoader, and untyped `schema_loader:` mappings (the CDK's default type). */
function jsonFileLoaders(doc: Document): { path: ManifestPath; node: import('yaml').YAMLMap }[] {
  const out: { path: ManifestPath; node: import('yaml').YAMLMap }[] = [];
  const walk = (node: unknown, path: ManifestPath, parentKey?: string) => {
    if (isMap(node)) {
      const type = node.get('type');
      const hasRef = node.items.some((p) => keyOf(p.key) === '$ref');
      if (type === JSON_FILE || (parentKey === 'schema_loader' && type === undefined && !hasRef)) {
        out.push({ path, node });
        return;
      }
      for (const p of node.items) walk(p.value, [...path, keyOf(p.key)], keyOf(p.key));
    } else if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...path, i], parentKey));
  };
  walk(doc.contents, []);
  return out;
}

function replaceAt(doc: Document, path: ManifestPath, value: Node): void {
  const parent = nodeAt(doc, path.slice(0, -1));
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((p) => keyOf(p.key) === String(last));
    if (pair) pair.value = value;
  } else if (isSeq(parent) && typeof last === 'number') parent.items[last] = value;
}

/** Drop every pair whose value, and every list item, that is one of `doomed`. */
function removeNodes(node: unknown, doomed: Set<Node>): void {
  if (isMap(node)) {
    node.items = node.items.filter((p) => !doomed.has(p.value as Node));
    for (const p of node.items) removeNodes(p.value, doomed);
  } else if (isSeq(node)) {
    node.items = node.items.filter((item) => !doomed.has(item as Node));
    for (const item of node.items) removeNodes(item, doomed);
  } else if (isScalar(node)) return;
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function commonDir(files: readonly SchemaFileInput[]): string | undefined {
  const dirs = files.map((f) => dirOf(f.path)).sort((a, b) => a.length - b.length);
  return dirs[0] || undefined;
}
