import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(canonical).join(',') + ']';
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonical((value as Record<string, unknown>)[k])).join(',') + '}';
  }
  return JSON.stringify(value) ?? 'null';
}

/** A copy of a record's data without the ignored top-level fields (dotted names reach into objects). */
export function withoutFields(data: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  if (fields.length === 0) return data;
  const out = structuredClone(data);
  for (const f of fields) {
    const path = f.split('.');
    let cur: Record<string, unknown> | undefined = out;
    for (const p of path.slice(0, -1)) cur = cur?.[p] as Record<string, unknown> | undefined;
    if (cur && typeof cur === 'object') delete cur[path[path.length - 1]];
  }
  return out;
}

export function valueAt(data: unknown, path: readonly string[]): unknown {
  let cur = data;
  for (const p of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** 16 bytes of a record's canonical form: enough to tell records apart, small enough to keep many. */
export function recordHash(data: unknown): string {
  return createHash('md5').update(canonical(data)).digest('base64');
}

/**
 * An order-independent summary of a multiset of records: the count and a sum of 64-bit hash halves.
 * Two reads agree when their summaries do; memory stays constant however many records stream through.
 */
export class Fingerprint {
  count = 0;
  private sum = 0n;
  add(hash: string): void {
    this.count++;
    this.sum = (this.sum + Buffer.from(hash, 'base64').readBigUInt64LE(0)) & 0xffffffffffffffffn;
  }
  equals(other: Fingerprint): boolean {
    return this.count === other.count && this.sum === other.sum;
  }
}

/** Compare two cursor values: numbers numerically, dates by time, anything else as text. */
export function compareCursor(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  const da = Date.parse(sa);
  const db = Date.parse(sb);
  if (!Number.isNaN(da) && !Number.isNaN(db) && /\d{4}-\d{2}-\d{2}/.test(sa) && /\d{4}-\d{2}-\d{2}/.test(sb)) return da - db;
  const na = Number(sa);
  const nb = Number(sb);
  if (sa.trim() !== '' && sb.trim() !== '' && !Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
