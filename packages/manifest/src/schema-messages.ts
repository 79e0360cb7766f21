/**
 * Turn the JSON-schema errors left at one component into sentences a connector author can act on:
 * one message per place, alternatives merged ("must be a string or an object, got a list").
 */
import type { ManifestPath } from './references';

export interface RawError {
  /** Absolute path in the preprocessed manifest. */
  path: ManifestPath;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
  schemaPath: string;
  /** The failing schema (ajv `verbose`): for anyOf, its alternatives. */
  schema?: unknown;
}

export interface GroupedIssue {
  path: ManifestPath;
  message: string;
}

const ALTERNATIVES = new Set(['anyOf', 'oneOf', 'if', 'not']);

export function groupIssues(errors: RawError[], manifest: unknown): GroupedIssue[] {
  const groups = new Map<string, { path: ManifestPath; errors: RawError[] }>();
  const add = (path: ManifestPath, e: RawError) => {
    const k = JSON.stringify(path);
    const g = groups.get(k) ?? { path, errors: [] };
    g.errors.push(e);
    groups.set(k, g);
  };
  for (const e of errors) {
    // An unknown field is reported at the field itself, where the author wrote it.
    if (e.keyword === 'additionalProperties') add([...e.path, String(e.params.additionalProperty)], e);
    else add(e.path, e);
  }
  const paths = [...groups.values()].map((g) => g.path);
  const out: GroupedIssue[] = [];
  for (const g of groups.values()) {
    const deeper = paths.some((p) => p.length > g.path.length && g.path.every((s, i) => String(s) === String(p[i])));
    let errs = g.errors;
    const hadAlternatives = errs.some((e) => ALTERNATIVES.has(e.keyword));
    if (hadAlternatives && deeper) {
      // One alternative got further (its errors are deeper): the shallow mismatches of the others are noise.
      errs = errs.filter((e) => !ALTERNATIVES.has(e.keyword) && e.keyword !== 'type' && e.keyword !== 'required');
    } else errs = errs.filter((e) => !ALTERNATIVES.has(e.keyword));
    if (!errs.length) continue;
    const types = alternativeTypes(g.errors);
    if (types.length && errs.some((e) => e.keyword === 'required' && e.params.missingProperty === 'type')) {
      const field = g.path.length ? `\`${g.path[g.path.length - 1]}\`` : 'the manifest';
      out.push({ path: g.path, message: `${field} has no \`type\`; expected ${types.length > 1 ? 'one of ' : ''}${types.join(', ')}` });
      continue;
    }
    out.push({ path: g.path, message: describe(g.path, errs, valueAt(manifest, g.path), hadAlternatives) });
  }
  return out;
}

function describe(path: ManifestPath, errs: RawError[], value: unknown, alternatives: boolean): string {
  const field = path.length ? `\`${path[path.length - 1]}\`` : 'the manifest';
  const parts: string[] = [];
  const required = unique(errs.filter((e) => e.keyword === 'required').map((e) => `\`${e.params.missingProperty}\``));
  if (required.length) parts.push(alternatives && required.length > 1 ? `needs ${orList(required)}` : `is missing required field${required.length > 1 ? 's' : ''} ${andList(required)}`);
  if (errs.some((e) => e.keyword === 'additionalProperties')) parts.push(`is not a field of this component (misspelled, or not supported by this CDK version)`);
  const types = unique(errs.filter((e) => e.keyword === 'type').flatMap((e) => String(e.params.type).split(',')));
  const enums = unique(errs.filter((e) => e.keyword === 'enum' || e.keyword === 'const').flatMap((e) => (e.keyword === 'enum' ? (e.params.allowedValues as unknown[]) : [e.params.allowedValue]).map((v) => JSON.stringify(v))));
  if (path[path.length - 1] === 'type' && enums.length && typeof value === 'string' && !types.length) {
    const owner = path.length > 1 ? `\`${path[path.length - 2]}\`` : 'this component';
    parts.length = 0;
    return `${owner} is a ${value}, which this CDK version's schema does not accept here; expected ${orList(enums.map((e) => JSON.parse(e)))}`;
  }
  if (types.length || enums.length) {
    const expected = [...types.map(article), ...(enums.length ? [enums.length > 1 ? `one of ${enums.join(', ')}` : enums[0]] : [])];
    parts.push(`must be ${orList(expected)}, got ${describeValue(value)}`);
  }
  for (const e of errs) {
    if (['required', 'additionalProperties', 'type', 'enum', 'const'].includes(e.keyword)) continue;
    parts.push(e.message);
  }
  return `${field} ${unique(parts).join('; ')}`;
}

/** Component names an anyOf offers (`$ref: "#/definitions/X"` alternatives). */
function alternativeTypes(errors: RawError[]): string[] {
  const out: string[] = [];
  for (const e of errors) {
    if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') continue;
    for (const alt of Array.isArray(e.schema) ? e.schema : []) {
      const ref = (alt as { $ref?: unknown })?.$ref;
      if (typeof ref === 'string' && ref.startsWith('#/definitions/')) out.push(ref.slice('#/definitions/'.length));
    }
  }
  return [...new Set(out)];
}

function valueAt(root: unknown, path: ManifestPath): unknown {
  let node = root;
  for (const s of path) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[s];
  }
  return node;
}

export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') {
    const t = (v as { type?: unknown }).type;
    return typeof t === 'string' ? `a ${t}` : 'a mapping';
  }
  const text = JSON.stringify(v);
  return `${typeof v === 'string' ? 'the string' : typeof v} ${text.length > 40 ? text.slice(0, 40) + '…' : text}`;
}

function article(t: string): string {
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'a boolean', null: 'null' };
  return names[t] ?? t;
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function orList(xs: string[]): string {
  return xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`;
}

function andList(xs: string[]): string {
  return xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}
