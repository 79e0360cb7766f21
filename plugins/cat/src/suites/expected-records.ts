import { existsSync, readFileSync } from 'node:fs';
import type { TestEntry } from '../config/types';
import { fail } from '../run/outcome';
import { canonical, withoutFields } from './compare';

interface Expected {
  line: number;
  key: string;
  text: string;
}

/**
 * Matches a read's records against `expect_records` as they stream by: only the expected records are
 * kept in memory. Every expected record must be read (in file order with `exact_order`); records that
 * were not expected are allowed unless the legacy `extra_records: false` says otherwise.
 */
export class ExpectedRecords {
  private byStream = new Map<string, Expected[]>();
  private index = new Map<string, Map<string, number[]>>();
  private matched = new Map<string, Set<number>>();
  private order = new Map<string, number[]>();
  private extra = new Map<string, number>();
  private fieldsOf = new Map<string, Set<string>>();

  constructor(
    readonly rel: string,
    file: string,
    private readonly entry: TestEntry,
    private readonly ignored: Record<string, string[]>,
  ) {
    if (!existsSync(file)) fail(`expected records file ${rel} does not exist`);
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
      const data = rec!.data as Record<string, unknown>;
      const list = this.byStream.get(stream) ?? [];
      const fields = this.fieldsOf.get(stream) ?? new Set<string>();
      Object.keys(data).forEach((k) => fields.add(k));
      this.fieldsOf.set(stream, fields);
      list.push({ line: i + 1, key: canonical(withoutFields(data, ignored[stream] ?? [])), text });
      this.byStream.set(stream, list);
    });
    for (const [stream, list] of this.byStream) {
      const idx = new Map<string, number[]>();
      list.forEach((e, i) => idx.set(e.key, [...(idx.get(e.key) ?? []), i]));
      this.index.set(stream, idx);
      this.matched.set(stream, new Set());
      this.order.set(stream, []);
    }
  }

  streams(): string[] {
    return [...this.byStream.keys()];
  }

  onRecord = (stream: string, data: Record<string, unknown>): void => {
    const idx = this.index.get(stream);
    if (!idx) return;
    let shown = withoutFields(data, this.ignored[stream] ?? []);
    // Legacy `extra_fields: true`: the API may add fields the expected records do not have.
    if (this.entry.expect_records?.extra_fields) {
      const keep = this.fieldsOf.get(stream)!;
      shown = Object.fromEntries(Object.entries(shown).filter(([k]) => keep.has(k)));
    }
    const candidates = idx.get(canonical(shown));
    const matched = this.matched.get(stream)!;
    const hit = candidates?.find((i) => !matched.has(i));
    if (hit === undefined) {
      if (!candidates) this.extra.set(stream, (this.extra.get(stream) ?? 0) + 1);
      return;
    }
    matched.add(hit);
    this.order.get(stream)!.push(hit);
  };

  /** Everything that does not match, in words. */
  problems(configuredStreams: Set<string>): string[] {
    const out: string[] = [];
    for (const [stream, list] of this.byStream) {
      if (!configuredStreams.has(stream)) {
        out.push(`${this.rel} has records of stream \`${stream}\`, which is not in the configured catalog`);
        continue;
      }
      const matched = this.matched.get(stream)!;
      const missing = list.filter((_, i) => !matched.has(i));
      if (missing.length) out.push(`stream \`${stream}\`: ${missing.length} of ${list.length} expected records were not read; first: ${this.rel}:${missing[0].line} ${cut(missing[0].text)}`);
      if (this.entry.expect_records?.exact_order) {
        const order = this.order.get(stream)!;
        const wrong = order.findIndex((v, i) => i > 0 && v < order[i - 1]);
        if (wrong > 0) out.push(`stream \`${stream}\`: records came out of order (exact_order): ${this.rel}:${list[order[wrong]].line} was read after ${this.rel}:${list[order[wrong - 1]].line}`);
      }
      const extra = this.extra.get(stream) ?? 0;
      if (extra && this.entry.expect_records?.extra_records === false) out.push(`stream \`${stream}\`: ${extra} record${extra > 1 ? 's were' : ' was'} read that ${this.rel} does not have (extra_records: false)`);
    }
    return out;
  }
}

const cut = (s: string) => (s.length > 160 ? s.slice(0, 160) + '…' : s);
