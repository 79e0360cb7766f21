import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Problem } from './problem';

export type YamlPath = readonly (string | number)[];

/** A parsed YAML file: its comment-preserving document, its plain value and where each node sits. */
export interface YamlFile<T = unknown> {
  file: string;
  text: string;
  doc: Document.Parsed;
  value: T;
  errors: Problem[];
  lines: LineCounter;
}

export function parseYaml<T = unknown>(text: string, file: string): YamlFile<T> {
  const lines = new LineCounter();
  // uniqueKeys stays on: a duplicated key in a manifest is a real mistake worth reporting.
  const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: false, prettyErrors: true });
  const errors: Problem[] = doc.errors.map((e) => {
    const pos = e.linePos?.[0];
    return {
      rule: 'yaml-syntax',
      severity: 'error' as const,
      // yaml repeats the position at the end of its message (` at line 3, column 1:`); it is in line/column already.
      message: e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''),
      file,
      line: pos?.line,
      column: pos?.col,
    };
  });
  let value: T = undefined as T;
  if (errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 1000 }) as T;
    } catch (e) {
      errors.push({ rule: 'yaml-syntax', severity: 'error', message: (e as Error).message, file });
    }
  }
  return { file, text, doc, value, errors, lines };
}

export function readYamlFile<T = unknown>(path: string, displayName = path): YamlFile<T> {
  return parseYaml<T>(readFileSync(path, 'utf8'), displayName);
}

/** Line and column (1-based) of the node at `path` (its key, inside a map), or of its deepest existing ancestor. */
export function locate(file: YamlFile, path: YamlPath): { line?: number; column?: number } {
  let node: unknown = file.doc.contents;
  let anchor: Node | undefined = node as Node;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (!pair) break;
      node = pair.value;
      anchor = pair.key as Node;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
      node = node.items[seg];
      anchor = node as Node;
    } else break;
  }
  const offset = anchor?.range?.[0];
  if (offset === undefined) return {};
  const pos = file.lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/** Serialise an edited document the way hand-written connector YAML looks (no line folding). */
export function stringifyDocument(doc: Document): string {
  return doc.toString({ lineWidth: 0, minContentWidth: 0 });
}
