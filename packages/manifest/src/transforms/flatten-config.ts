/**
 * Flatten nested config references (`config.a.b`, `config['a']['b']`, `config.get('a', {}).get('b')`)
 * to top-level ones (`config.a_b`, `config['a_b']`, `config.get('a_b')`) in every interpolation, and move
 * the matching spec properties to the top level, because the Connector Builder's inputs are top-level
 * properties only. Edits a copy of the comment-preserving document; the caller writes it in a change set.
 *
 * A top-level key is left alone (and reported) when flattening would change meaning: the whole object is
 * also read as a value (`config['a']`), its schema is a `oneOf` (a choice, e.g. auth methods), the flat name
 * is taken, or the spec does not describe the nested property.
 */
import { isMap, visit, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';
import { collectConfigRefs, findConfigRefs, isNested, type ConfigRef } from '../config-refs';
import type { ManifestPath } from '../references';
import { documentText, keyOf, nodeAt, positionOf, type TransformFinding, type TransformResult } from './yaml-nodes';

export interface FlattenConfigInput {
  doc: Document;
  /** A separate spec document (spec.yaml/spec.json) when the manifest has no `spec`; it is not modified. */
  specDoc?: Document;
  manifestFile?: string;
  specFile?: string;
  lines?: LineCounter;
}

export interface FlattenConfigResult extends TransformResult {
  /** The edited separate spec, when one was given and changed. */
  specDoc?: Document;
  specText?: string;
  /** Nested path → flat key, for every reference rewritten. */
  renamed: { from: string[]; to: string }[];
}

export const flatKey = (path: readonly string[]): string => path.join('_');

export function flattenConfig(input: FlattenConfigInput): FlattenConfigResult {
  const doc = input.doc.clone();
  const specDoc = input.specDoc?.clone();
  const findings: TransformFinding[] = [];
  const inManifest = nodeAt(doc, ['spec', 'connection_specification']) !== undefined;
  const spec = locateSpec(doc, specDoc);
  const refs = collectConfigRefs(doc.toJS({ maxAliasCount: 1000 }));
  const nested = refs.filter(isNested);
  const unchanged = (): FlattenConfigResult => ({ doc, text: documentText(doc), changed: false, deletes: [], findings, renamed: [] });
  if (!nested.length) return unchanged();
  const at = (path: ManifestPath) => ({ file: input.manifestFile, ...positionOf(doc, path, input.lines) });

  const { blocked, todo } = planFlatten(spec, refs, doc.toJS({ maxAliasCount: 1000 }));
  for (const [top, reason] of blocked) {
    const first = nested.find((r) => r.path[0] === top)!;
    findings.push({ rule: 'flatten-config', severity: 'warning', message: `config.${top}.… left nested: ${reason}`, fix: 'flatten by hand', ...at(first.at) });
  }
  if (!todo.length) return unchanged();
  const todoKeys = new Set(todo.map((p) => JSON.stringify(p)));

  // 1. Rewrite the interpolations (outside spec/schemas/metadata, which hold no templates).
  visit(doc, {
    Pair(_, pair) {
      const k = keyOf(pair.key);
      if (isTopLevelPair(doc, pair) && (k === 'spec' || k === 'schemas' || k === 'metadata')) return visit.SKIP;
    },
    Scalar(_, node) {
      if (typeof node.value !== 'string' || !node.value.includes('config')) return;
      node.value = rewrite(node.value, (r) => todoKeys.has(JSON.stringify(r.path)));
    },
  });

  // 2. Move each nested spec property to the top level, next to the object it came from.
  const propsNode = nodeAt(spec!.doc, [...spec!.base, 'properties']) as YAMLMap;
  const requiredTop = readRequired(spec!.doc, spec!.base);
  const newRequired: string[] = [];
  const moved = new Set<string>();
  for (const path of todo) {
    const leafPath = [...spec!.base, 'properties', ...path.flatMap((k, i) => (i === 0 ? [k] : ['properties', k]))];
    const leaf = nodeAt(spec!.doc, leafPath) as Node;
    const chainRequired = path.every((k, i) => (i === 0 ? requiredTop.includes(k) : readRequired(spec!.doc, [...spec!.base, 'properties', ...path.slice(0, i).flatMap((x, j) => (j === 0 ? [x] : ['properties', x]))]).includes(k)));
    // After the object it came from and the keys already moved out of it, so the order reads as before.
    let index = propsNode.items.findIndex((p) => keyOf(p.key) === path[0]);
    while (index + 1 < propsNode.items.length && moved.has(keyOf(propsNode.items[index + 1].key))) index++;
    moved.add(flatKey(path));
    propsNode.items.splice(index + 1, 0, spec!.doc.createPair(flatKey(path), leaf) as Pair);
    if (chainRequired) newRequired.push(flatKey(path));
    spec!.doc.deleteIn(leafPath);
    pruneEmpty(spec!.doc, spec!.base, path);
  }
  const finalRequired = unique([...readRequired(spec!.doc, spec!.base).filter((k) => existsTop(spec!.doc, spec!.base, k)), ...newRequired]);
  if (finalRequired.length) spec!.doc.setIn([...spec!.base, 'required'], spec!.doc.createNode(finalRequired));
  else if (spec!.doc.hasIn([...spec!.base, 'required'])) spec!.doc.deleteIn([...spec!.base, 'required']);
  for (const path of todo) dropEmptyRequired(spec!.doc, spec!.base, path);
  const renamed = todo.map((p) => ({ from: p, to: flatKey(p) }));
  findings.push({
    rule: 'flatten-config',
    severity: 'info',
    message: `flattened ${renamed.map((r) => `config.${r.from.join('.')} → config.${r.to}`).join(', ')}`,
    fix: 'existing connections store the nested shape: release this as a breaking change or add a config migration',
  });
  const out: FlattenConfigResult = { doc, text: documentText(doc), changed: true, deletes: [], findings, renamed };
  if (!inManifest && specDoc) {
    out.specDoc = specDoc;
    out.specText = input.specFile?.endsWith('.json') ? JSON.stringify(specDoc.toJS(), null, 2) + '\n' : documentText(specDoc);
  }
  return out;
}

export interface SpecLocation {
  doc: Document;
  /** Path of the connection specification (the JSON schema of the config) in `doc`. */
  base: ManifestPath;
}

/**
 * Which nested references can be flattened mechanically (`todo`, as paths) and, per top-level key, why
 * the others cannot (`blocked`).
 */
export function planFlatten(spec: SpecLocation | undefined, refs: readonly ConfigRef[], manifest?: unknown): { todo: string[][]; blocked: Map<string, string> } {
  const nested = refs.filter(isNested);
  const blocked = new Map<string, string>();
  const wholeReads = new Set(refs.filter((r) => !isNested(r) && !r.indexed).map((r) => r.path[0]));
  const props = spec ? nodeAt(spec.doc, [...spec.base, 'properties']) : undefined;
  const oauthKeys = spec ? oauthConfigKeys(spec) : new Set<string>();
  const pathKeys = configPathKeys(manifest);
  for (const r of nested) {
    const top = r.path[0];
    if (blocked.has(top)) continue;
    if (r.indexed) blocked.set(top, `config.${top} is read as a list (${r.text}), which has no flat equivalent`);
    else if (pathKeys.has(top)) blocked.set(top, `a component addresses config.${top}.… as a list path (${pathKeys.get(top)})`);
    else if (oauthKeys.has(top)) blocked.set(top, `the spec's advanced_auth (OAuth) reads and writes config.${top}.… by path`);
    else if (wholeReads.has(top)) blocked.set(top, `config['${top}'] is also read as a whole, so it must stay an object`);
    else if (!spec || !isMap(props)) blocked.set(top, 'there is no spec to move the property in');
    else {
      const reason = leafProblem(spec.doc, [...spec.base, 'properties'], r.path);
      if (reason) blocked.set(top, reason);
    }
  }
  const flatPaths = unique(nested.filter((r) => !blocked.has(r.path[0])).map((r) => r.path));
  const existing = new Set(isMap(props) ? props.items.map((p) => keyOf(p.key)) : []);
  for (const p of flatPaths) if (existing.has(flatKey(p))) blocked.set(p[0], `the flat name ${flatKey(p)} is already a spec property`);
  return { todo: flatPaths.filter((p) => !blocked.has(p[0])), blocked };
}

/**
 * Top-level config keys that components address as list paths, outside any interpolation
 * (`refresh_token_config_path: [credentials, refresh_token]`, `authenticator_selection_path`, …), with the field.
 */
function configPathKeys(manifest: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (/(config_path|selection_path|configs_pointer)$/.test(k) && Array.isArray(x) && x.length > 1 && typeof x[0] === 'string') out.set(x[0], k);
      else walk(x);
    }
  };
  walk(manifest);
  return out;
}

/** Top-level config keys that `advanced_auth` addresses by path (`path_in_connector_config: [credentials, …]`). */
function oauthConfigKeys(spec: SpecLocation): Set<string> {
  const parent = spec.base.slice(0, -1);
  const auth = ['advanced_auth', 'advancedAuth'].map((k) => spec.doc.getIn([...parent, k])).find((v) => v !== undefined);
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      if (v.length > 1 && v.every((x) => typeof x === 'string')) out.add(v[0] as string);
      v.forEach(walk);
    } else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(auth && typeof auth === 'object' && 'toJSON' in auth ? (auth as { toJSON(): unknown }).toJSON() : auth);
  return out;
}

/** Where the connection specification is: inside the manifest's `spec`, or in a separate spec document. */
export function locateSpec(doc: Document, specDoc?: Document): SpecLocation | undefined {
  if (nodeAt(doc, ['spec', 'connection_specification']) !== undefined) return { doc, base: ['spec', 'connection_specification'] };
  return specDoc ? { doc: specDoc, base: specBase(specDoc) } : undefined;
}

/** Replace the accepted nested references in a template, keeping each one's style. */
export function rewrite(template: string, accept: (r: ConfigRef) => boolean): string {
  let out = template;
  for (const r of findConfigRefs(template).reverse()) {
    if (!isNested(r) || r.indexed || !accept(r)) continue;
    const key = flatKey(r.path);
    const q = r.quote || "'";
    const flat =
      r.lastStyle === 'get' ? `config.get(${q}${key}${q}${r.lastDefault ? `, ${r.lastDefault}` : ''})` : r.lastStyle === 'bracket' ? `config[${q}${key}${q}]` : /^[A-Za-z_]\w*$/.test(key) ? `config.${key}` : `config['${key}']`;
    out = out.slice(0, r.start) + flat + out.slice(r.end);
  }
  return out;
}

function specBase(doc: Document): ManifestPath {
  for (const k of ['connectionSpecification', 'connection_specification']) if (nodeAt(doc, [k])) return [k];
  return ['connectionSpecification'];
}

/** Why the spec property at `path` cannot be moved, or undefined when it can. */
function leafProblem(doc: Document, propsPath: ManifestPath, path: string[]): string | undefined {
  let cur = propsPath;
  for (let i = 0; i < path.length; i++) {
    const node = nodeAt(doc, [...cur, path[i]]);
    if (!isMap(node)) return `the spec does not describe ${path.slice(0, i + 1).join('.')}`;
    if (i < path.length - 1) {
      if (node.has('oneOf') || node.has('anyOf')) return `${path.slice(0, i + 1).join('.')} is a choice (oneOf) in the spec`;
      cur = [...cur, path[i], 'properties'];
    }
  }
  return undefined;
}

function readRequired(doc: Document, objectPath: ManifestPath): string[] {
  const v = doc.getIn([...objectPath, 'required']);
  const js = v && typeof v === 'object' && 'toJSON' in v ? (v as { toJSON(): unknown }).toJSON() : v;
  return Array.isArray(js) ? js.map(String) : [];
}

function existsTop(doc: Document, base: ManifestPath, key: string): boolean {
  return nodeAt(doc, [...base, 'properties', key]) !== undefined;
}

/** Remove objects the move left without properties, innermost first, and their `required` entries. */
function pruneEmpty(doc: Document, base: ManifestPath, path: string[]): void {
  for (let depth = path.length - 1; depth >= 1; depth--) {
    const objPath = [...base, 'properties', ...path.slice(0, depth).flatMap((k, i) => (i === 0 ? [k] : ['properties', k]))];
    const props = nodeAt(doc, [...objPath, 'properties']);
    if (isMap(props) && props.items.length) {
      const req = readRequired(doc, objPath);
      const left = req.filter((k) => props.has(k));
      if (left.length !== req.length) doc.setIn([...objPath, 'required'], doc.createNode(left));
      return;
    }
    doc.deleteIn(objPath);
    const parent = objPath.slice(0, -2);
    const req = readRequired(doc, parent);
    const name = String(objPath[objPath.length - 1]);
    // Replaced in place (even when empty for now) so `required` keeps its position; emptied ones go at the end.
    if (req.includes(name)) doc.setIn([...parent, 'required'], doc.createNode(req.filter((k) => k !== name)));
  }
}

/** Remove `required: []` left on the nested objects that survived the move. */
function dropEmptyRequired(doc: Document, base: ManifestPath, path: string[]): void {
  for (let depth = 1; depth < path.length; depth++) {
    const objPath = [...base, 'properties', ...path.slice(0, depth).flatMap((k, i) => (i === 0 ? [k] : ['properties', k]))];
    if (doc.hasIn([...objPath, 'required']) && readRequired(doc, objPath).length === 0) doc.deleteIn([...objPath, 'required']);
  }
}

/**
 * Serialise like the original file: hand-written manifests mostly write flow lists as `["a"]`, and
 * re-padding every one of them (`[ "a" ]`) would bury the real change in the diff.
 */
export function documentTextLike(doc: Document, original: string): string {
  const padded = (original.match(/[[{] [^\s\]}]/g) ?? []).length;
  const tight = (original.match(/[[{][^\s\]}]/g) ?? []).length;
  return doc.toString({ lineWidth: 0, minContentWidth: 0, flowCollectionPadding: padded > tight });
}

function isTopLevelPair(doc: Document, pair: Pair): boolean {
  return isMap(doc.contents) && doc.contents.items.includes(pair as never);
}

function unique<T>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((p) => !seen.has(JSON.stringify(p)) && !!seen.add(JSON.stringify(p)));
}

