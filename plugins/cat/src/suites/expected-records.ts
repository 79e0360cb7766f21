import { existsSync, readFileSync } from 'node:fs';
import type { ConfiguredAirbyteCatalog } from '@conveyor/protocol';
import type { TestEntry } from '../config/types';
import { fail } from '../run/outcome';
import { canonical } from './compare';

interface Expected {
  line: number;
  data: Record<string, unknown>;
  text: string;
}

/** What is kept of one stream's actual records while they stream by: never more than the expected records' size. */
interface StreamState {
  expected: Expected[];
  /** The source-defined primary key, or undefined: CAT compares keys only for streams that have one. */
  pk?: string[][];
  /** With a key and exact_order: the keys of the first `expected.length` records read. */
  firstKeys: string[];
  /** With a key and any order: expected keys not read yet, with the line of their first expected record. */
  unseenKeys: Map<string, number>;
  /** Without a key: how many records were read, and the canonical records while there are at most as many as expected. */
  count: number;
  firstRecords: string[];
}

/**
 * CAT's `_extract_primary_key_value`: each key path walked through nested objects; a missing part, or a
 * step into something that is not an object, gives null.
 */
function pkValue(data: unknown, pk: string[][]): string {
  return canonical(
    pk.map((path) => {
      let cur: unknown = data;
      for (const p of path) cur = cur && typeof cur === 'object' && !Array.isArray(cur) ? (cur as Record<string, unknown>)[p] ?? null : null;
      return cur ?? null;
    }),
  );
}

/**
 * `expect_records` as CAT's TestBasicRead.compare_records does it (tests/test_core.py):
 * - a stream with a source-defined primary key compares primary keys only: every expected key must be read,
 *   and with `exact_order` the first keys read must be the expected keys in file order;
 * - a stream without one fails only when the read returned fewer records than expected; otherwise its records
 *   are not compared;
 * - records the file does not have are always allowed, and `ignored_fields` play no part.
 * Actual records are matched as they stream by, so memory holds only the expected records' worth.
 */
export class ExpectedRecords {
  private byStream = new Map<string, StreamState>();

  constructor(
    readonly rel: string,
    file: string,
    private readonly entry: TestEntry,
    catalog: ConfiguredAirbyteCatalog,
  ) {
    if (!existsSync(file)) fail(`expected records file ${rel} does not exist`);
    const pkOf = new Map(catalog.streams.map((s) => [s.stream.name, s.stream.source_defined_primary_key?.length ? s.stream.source_defined_primary_key : undefined]));
    readFileSync(file, 'utf8').split('\n').forEach((text, i) => {
      if (!text.trim()) return;
      let rec: { stream?: unknown; data?: unknown };
      try {
        rec = JSON.parse(text);
      } catch (e) {
        fail(`${rel}:${i + 1}: not valid JSON: ${(e as Error).message}`);
      }
      if (typeof rec!.stream !== 'string' || !rec!.data || typeof rec!.data !== 'object') fail(`${rel}:${i + 1}: expected {"stream": …, "data": {…}, "emitted_at": …}`);
      const stream = rec!.stream as string;
      let state = this.byStream.get(stream);
      if (!state) {
        state = { expected: [], pk: pkOf.get(stream), firstKeys: [], unseenKeys: new Map(), count: 0, firstRecords: [] };
        this.byStream.set(stream, state);
      }
      state.expected.push({ line: i + 1, data: rec!.data as Record<string, unknown>, text });
    });
    for (const s of this.byStream.values()) {
      if (!s.pk) continue;
      for (const e of s.expected) {
        const key = pkValue(e.data, s.pk);
        if (!s.unseenKeys.has(key)) s.unseenKeys.set(key, e.line);
      }
    }
  }

  streams(): string[] {
    return [...this.byStream.keys()];
  }

  onRecord = (stream: string, data: Record<string, unknown>): void => {
    const s = this.byStream.get(stream);
    if (!s) return;
    s.count++;
    if (!s.pk) {
      if (s.count <= s.expected.length) s.firstRecords.push(canonical(data));
      return;
    }
    const key = pkValue(data, s.pk);
    if (this.entry.expect_records?.exact_order) {
      if (s.firstKeys.length < s.expected.length) s.firstKeys.push(key);
    } else s.unseenKeys.delete(key);
  };

  /** Everything that does not match, in words. */
  problems(configuredStreams: Set<string>): string[] {
    const out: string[] = [];
    for (const [stream, s] of this.byStream) {
      // CAT raises here (exactly one configured stream must match the expected records' stream).
      if (!configuredStreams.has(stream)) {
        out.push(`${this.rel} has records of stream \`${stream}\`, which is not in the configured catalog`);
        continue;
      }
      if (s.pk) out.push(...this.keyProblems(stream, s));
      else if (s.expected.length > s.count) out.push(this.countProblem(stream, s));
    }
    return out;
  }

  private keyProblems(stream: string, s: StreamState): string[] {
    const keyName = s.pk!.map((p) => p.join('.')).join(', ');
    if (this.entry.expect_records?.exact_order) {
      const at = s.expected.findIndex((e, i) => s.firstKeys[i] !== pkValue(e.data, s.pk!));
      if (at < 0) return [];
      const got = at < s.firstKeys.length ? `record #${at + 1} read has primary key ${s.firstKeys[at]}` : `only ${s.firstKeys.length} records were read`;
      return [`stream \`${stream}\`: the primary keys (${keyName}) read do not start with the expected ones in order (exact_order): ${this.rel}:${s.expected[at].line} expects ${pkValue(s.expected[at].data, s.pk!)} at position ${at + 1}, but ${got}`];
    }
    if (s.unseenKeys.size === 0) return [];
    const [firstKey, line] = s.unseenKeys.entries().next().value!;
    return [`stream \`${stream}\`: ${s.unseenKeys.size} expected primary key${s.unseenKeys.size > 1 ? 's' : ''} (${keyName}) ${s.unseenKeys.size > 1 ? 'were' : 'was'} not read; first: ${firstKey} (${this.rel}:${line})`];
  }

  private countProblem(stream: string, s: StreamState): string {
    // Like CAT, only a shortfall is an error here; the records that are missing are named to help.
    const actual = new Map<string, number>();
    for (const r of s.firstRecords) actual.set(r, (actual.get(r) ?? 0) + 1);
    const missing = s.expected.filter((e) => {
      const key = canonical(e.data);
      const n = actual.get(key) ?? 0;
      if (n > 0) actual.set(key, n - 1);
      return n === 0;
    });
    const first = missing.length ? `; first expected record not read: ${this.rel}:${missing[0].line} ${cut(missing[0].text)}` : '';
    const order = this.entry.expect_records?.exact_order ? ' (exact_order is not checked for a stream without a primary key)' : '';
    return `stream \`${stream}\`: read ${s.count} records but ${this.rel} expects at least ${s.expected.length}${first}${order}`;
  }
}

const cut = (s: string) => (s.length > 160 ? s.slice(0, 160) + '…' : s);
