/**
 * Small helpers over a yaml v2 Document for the manifest transforms: find a node by path, follow `#/…`
 * references to the node they point at, and report a node's line and column.
 */
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type YAMLMap } from 'yaml';
import { isReference, REF_KEY, type ManifestPath } from '../references';

/** One thing a transform wants the user to know, shaped like @conveyor/connector's Problem. */
export interface TransformFinding {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  file?: string;
  line?: number;
  column?: number;
  fix?: string;
}

/** What a transform returns: the edited document (a copy), its text, and the files it made obsolete. */
export interface TransformResult {
  doc: Document;
  text: string;
  /** True when the manifest text differs from the input document's. */
  changed: boolean;
  /** Paths (relative to the connector root) to delete in the same change set as the manifest write. */
  deletes: string[];
  findings: TransformFinding[];
}

export function keyOf(k: unknown): string {
  return isScalar(k) ? String(k.value) : String(k);
}

/** The node at `path`, or undefined. */
export function nodeAt(doc: Document, path: ManifestPath): Node | undefined {
  let node: unknown = doc.contents;
  for (const seg of path) {
    if (isMap(node)) node = node.items.find((p) => keyOf(p.key) === String(seg))?.value;
    else if (isSeq(node) && /^\d+$/.test(String(seg))) node = node.items[Number(seg)];
    else return undefined;
  }
  return (node ?? undefined) as Node | undefined;
}

/**
 * Path of the node a `#/…` reference points at, with the CDK's rule (whole remaining path as a key first,
 * then split on `/`), or undefined when it points nowhere.
 */
export function referencePath(doc: Document, ref: string): ManifestPath | undefined {
  let rest = ref.slice(2);
  let node: unknown = doc.contents;
  const path: ManifestPath = [];
  while (rest) {
    if (isMap(node) && node.items.some((p) => keyOf(p.key) === rest)) return [...path, rest];
    const slash = rest.indexOf('/');
    const key = slash < 0 ? rest : rest.slice(0, slash);
    rest = slash < 0 ? '' : rest.slice(slash + 1);
    if (isSeq(node) && /^\d+$/.test(key) && Number(key) < node.items.length) {
      node = node.items[Number(key)];
      path.push(Number(key));
    } else if (isMap(node) && node.items.some((p) => keyOf(p.key) === key)) {
      node = node.items.find((p) => keyOf(p.key) === key)!.value;
      path.push(key);
    } else return undefined;
  }
  return path;
}

/**
 * The mapping a stream entry stands for in the document: the entry itself, or (for a `"#/…"` string) the
 * mapping the reference points at, following chains of string references.
 */
export function streamNodePath(doc: Document, entryPath: ManifestPath): ManifestPath | undefined {
  let path = entryPath;
  for (let hops = 0; hops < 32; hops++) {
    const node = nodeAt(doc, path);
    if (isMap(node)) return path;
    if (isScalar(node) && isReference(node.value)) {
      const next = referencePath(doc, node.value);
      if (!next) return undefined;
      path = next;
    } else return undefined;
  }
  return undefined;
}

/** Whether `inner` is `outer` or lies inside it. */
export function isWithin(inner: ManifestPath, outer: ManifestPath): boolean {
  return outer.length <= inner.length && outer.every((seg, i) => String(seg) === String(inner[i]));
}

/** Every `$ref: "#/…"` and `"#/…"` value in the document, with the path of the node holding it. */
export function collectReferences(doc: Document): { holder: ManifestPath; ref: string; viaRefKey: boolean }[] {
  const out: { holder: ManifestPath; ref: string; viaRefKey: boolean }[] = [];
  const walk = (node: unknown, path: ManifestPath) => {
    if (isMap(node)) {
      for (const p of node.items) {
        const k = keyOf(p.key);
        if (k === REF_KEY && isScalar(p.value) && isReference(p.value.value)) out.push({ holder: path, ref: p.value.value, viaRefKey: true });
        else walk(p.value, [...path, k]);
      }
    } else if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...path, i]));
    else if (isScalar(node) && isReference(node.value)) out.push({ holder: path, ref: node.value, viaRefKey: false });
  };
  walk(doc.contents, []);
  return out;
}

/** Remove the node at `path` from its parent mapping or list; true when something was removed. */
export function removeAt(doc: Document, path: ManifestPath): boolean {
  if (path.length === 0) return false;
  const parent = nodeAt(doc, path.slice(0, -1));
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const i = parent.items.findIndex((p) => keyOf(p.key) === String(last));
    if (i < 0) return false;
    parent.items.splice(i, 1);
    return true;
  }
  if (isSeq(parent) && typeof last === 'number' && last < parent.items.length) {
    parent.items.splice(last, 1);
    return true;
  }
  return false;
}

/** Set `key` on a mapping node to a plain value (replacing the old value in place, else appended). */
export function setKey(doc: Document, map: YAMLMap, key: string, value: unknown): void {
  const node = doc.createNode(value);
  const pair = map.items.find((p) => keyOf(p.key) === key);
  if (pair) pair.value = node;
  else map.add(doc.createPair(key, node));
}

/** Line/column (1-based) of the node at `path`, when a LineCounter is at hand. */
export function positionOf(doc: Document, path: ManifestPath, lines?: LineCounter): { line?: number; column?: number } {
  if (!lines) return {};
  let node: unknown = doc.contents;
  let offset: number | undefined = (node as Node | null)?.range?.[0];
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => keyOf(p.key) === String(seg));
      if (!pair) break;
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
      node = node.items[seg];
      offset = (node as Node).range?.[0] ?? offset;
    } else break;
  }
  if (offset === undefined) return {};
  const pos = lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/** A TransformResult whose `text` is serialised only when read (large manifests cost real time to print). */
export function transformResult(doc: Document, changed: boolean, deletes: string[], findings: TransformFinding[]): TransformResult {
  let text: string | undefined;
  return {
    doc,
    get text() {
      text ??= documentText(doc);
      return text;
    },
    changed,
    deletes,
    findings,
  };
}

/** Serialise like hand-written connector YAML: no line folding, `[a, b]` flow lists without inner padding. */
export function documentText(doc: Document): string {
  return doc.toString({ lineWidth: 0, minContentWidth: 0, flowCollectionPadding: false });
}
