/** One difference between the base and the release, classified by Airbyte's breaking-change rules (reference §4.3). */
export interface ReleaseChange {
  kind: ChangeKind;
  breaking: boolean;
  /** The stream it affects (for `scopedImpact`); undefined for connector-wide changes such as the spec. */
  stream?: string;
  /** Dotted path of the field or spec property, when the change is about one. */
  path?: string;
  message: string;
  /** The seed: "in some specific OAuth cases, there are platform changes to be done". */
  needsPlatformChange?: boolean;
}

export type ChangeKind =
  | 'stream-removed'
  | 'stream-renamed'
  | 'stream-added'
  | 'field-removed'
  | 'field-added'
  | 'type-changed'
  | 'type-widened'
  | 'format-changed'
  | 'primary-key-changed'
  | 'cursor-field-changed'
  | 'spec-required-added'
  | 'spec-became-required'
  | 'spec-property-removed'
  | 'spec-property-added'
  | 'spec-type-changed'
  | 'spec-became-oneof'
  | 'spec-enum-narrowed'
  | 'oauth-flow-changed'
  | 'authenticator-changed';

type Schema = Record<string, unknown>;

const isObj = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The JSON types a schema admits (`anyOf`/`oneOf` branches included); undefined when it cannot be told. */
export function schemaTypes(s: unknown): Set<string> | undefined {
  if (!isObj(s)) return undefined;
  const out = new Set<string>();
  if (typeof s.type === 'string') out.add(s.type);
  else if (Array.isArray(s.type)) for (const t of s.type) out.add(String(t));
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (!Array.isArray(s[key])) continue;
    for (const branch of s[key] as unknown[]) {
      const t = schemaTypes(branch);
      if (!t) return undefined;
      for (const x of t) out.add(x);
    }
  }
  if (!out.size && isObj(s.properties)) out.add('object');
  return out.size ? out : undefined;
}

/** Every type of `from` is still accepted by `to` (an integer fits in a number). */
function admits(to: Set<string>, from: Set<string>): boolean {
  return [...from].every((t) => to.has(t) || (t === 'integer' && to.has('number')));
}

const fmt = (s: Set<string>) => [...s].sort().join('|');
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Record schema changes of one stream: removed fields and narrowed or changed types break; additions and widenings don't. */
export function compareRecordSchemas(stream: string, before: unknown, after: unknown, path = '', out: ReleaseChange[] = []): ReleaseChange[] {
  if (!isObj(before) || !isObj(after)) return out;
  const at = path || '(record)';
  const bt = schemaTypes(before);
  const nt = schemaTypes(after);
  if (bt && nt && fmt(bt) !== fmt(nt)) {
    if (admits(nt, bt)) out.push({ kind: 'type-widened', breaking: false, stream, path, message: `${stream}.${at}: type widened ${fmt(bt)} → ${fmt(nt)}` });
    else out.push({ kind: 'type-changed', breaking: true, stream, path, message: `${stream}.${at}: type changed ${fmt(bt)} → ${fmt(nt)}; existing data and destination columns no longer match` });
  }
  for (const key of ['format', 'airbyte_type'] as const) {
    if ((before[key] ?? null) !== (after[key] ?? null))
      out.push({ kind: 'format-changed', breaking: true, stream, path, message: `${stream}.${at}: ${key} changed ${String(before[key] ?? '(none)')} → ${String(after[key] ?? '(none)')}; destinations type the column differently` });
  }
  const bp = isObj(before.properties) ? before.properties : undefined;
  const np = isObj(after.properties) ? after.properties : undefined;
  if (bp) {
    for (const [k, v] of Object.entries(bp)) {
      if (np && k in np) compareRecordSchemas(stream, v, np[k], join(path, k), out);
      else if (np || after.additionalProperties === false)
        out.push({ kind: 'field-removed', breaking: true, stream, path: join(path, k), message: `${stream}.${join(path, k)}: field removed (or renamed); users syncing it lose the column` });
    }
  }
  if (np) for (const k of Object.keys(np)) if (!bp || !(k in bp)) out.push({ kind: 'field-added', breaking: false, stream, path: join(path, k), message: `${stream}.${join(path, k)}: field added` });
  if (isObj(before.items) && isObj(after.items)) compareRecordSchemas(stream, before.items, after.items, `${path}[]`, out);
  return out;
}

/**
 * Spec (connectionSpecification) changes: a new required property, an optional one made required, a narrowed
 * type or enum, or a property turned into a `oneOf` all invalidate saved configs, so they break (handbook table).
 */
export function compareSpecs(before: unknown, after: unknown, path = '', out: ReleaseChange[] = []): ReleaseChange[] {
  if (!isObj(before) || !isObj(after)) return out;
  const bp = isObj(before.properties) ? before.properties : {};
  const np = isObj(after.properties) ? after.properties : {};
  const breq = new Set(Array.isArray(before.required) ? before.required.map(String) : []);
  const nreq = new Set(Array.isArray(after.required) ? after.required.map(String) : []);
  for (const k of Object.keys(np)) {
    const p = join(path, k);
    if (!(k in bp)) {
      if (nreq.has(k)) out.push({ kind: 'spec-required-added', breaking: true, path: p, message: `spec: new required property ${p}; saved configurations lack it` });
      else out.push({ kind: 'spec-property-added', breaking: false, path: p, message: `spec: new optional property ${p}` });
      continue;
    }
    if (nreq.has(k) && !breq.has(k)) out.push({ kind: 'spec-became-required', breaking: true, path: p, message: `spec: property ${p} became required; configurations without it fail` });
    const b = bp[k];
    const n = np[k];
    if (!isObj(b) || !isObj(n)) continue;
    const bt = schemaTypes(b);
    const nt = schemaTypes(n);
    const becameOneOf = !Array.isArray(b.oneOf) && Array.isArray(n.oneOf);
    if (becameOneOf) out.push({ kind: 'spec-became-oneof', breaking: true, path: p, message: `spec: property ${p} changed to a oneOf; saved values no longer match` });
    else if (bt && nt && !admits(nt, bt)) out.push({ kind: 'spec-type-changed', breaking: true, path: p, message: `spec: property ${p} type changed ${fmt(bt)} → ${fmt(nt)}` });
    if (Array.isArray(b.enum) && Array.isArray(n.enum)) {
      const gone = b.enum.filter((v) => !(n.enum as unknown[]).some((x) => JSON.stringify(x) === JSON.stringify(v)));
      if (gone.length) out.push({ kind: 'spec-enum-narrowed', breaking: true, path: p, message: `spec: property ${p} no longer accepts ${gone.map((g) => JSON.stringify(g)).join(', ')}` });
    }
    if (!becameOneOf) compareSpecs(b, n, p, out);
  }
  for (const k of Object.keys(bp)) {
    if (k in np) continue;
    const p = join(path, k);
    // Saved configs still carry the value; that only fails validation when the spec forbids unknown properties.
    const strict = after.additionalProperties === false;
    out.push({ kind: 'spec-property-removed', breaking: strict, path: p, message: `spec: property ${p} removed${strict ? ' and additionalProperties is false, so saved configurations fail validation' : ''}` });
  }
  return out;
}
