import type { AirbyteMessage, AirbyteStateMessage, ConfiguredAirbyteCatalog } from '@conveyor/protocol';
import { Fingerprint, recordHash, valueAt, withoutFields } from '../suites/compare';
import type { RecordValidator } from './schemas';

export interface StreamStats {
  records: number;
  minEmittedAt: number;
  maxEmittedAt: number;
  statuses: string[];
  states: number;
  fingerprint: Fingerprint;
  /** Hashes of records, kept up to a limit so a disagreement can name a record. */
  hashes: Map<string, number> | undefined;
  /** Top-level fields seen with a non-null value. */
  fieldsSeen: Set<string>;
}

export interface CollectorOptions {
  validators?: Map<string, RecordValidator>;
  /** Fields ignored when fingerprinting records, per stream. */
  ignoredFields?: Record<string, string[]>;
  /** Called for every record of a configured stream with its 1-based number in the stream. */
  onRecord?(stream: string, data: Record<string, unknown>, number: number): void;
  keepHashes?: number;
  /** Fingerprint records (two reads are compared); off for a single read, which then hashes nothing. */
  fingerprint?: boolean;
  /** Track which fields ever had a value (validate_data_points). */
  dataPoints?: boolean;
}

/** A bounded list of problems of one kind: the first few in words, and how many in all. */
export class ProblemList {
  readonly items: string[] = [];
  count = 0;
  add(p: string): void {
    this.count++;
    if (this.items.length < 10) this.items.push(p);
  }
}

/**
 * Watches the messages of one `read` in constant memory (per stream): counts, schema and key checks,
 * statuses, states and an order-independent fingerprint of the records.
 */
export class ReadCollector {
  readonly streams = new Map<string, StreamStats>();
  readonly primaryKeys = new Map<string, string[][]>();
  readonly schemaErrors = new ProblemList();
  readonly keyErrors = new ProblemList();
  readonly unknownStreams = new ProblemList();
  readonly traceErrors: string[] = [];
  readonly latestState = new Map<string, unknown>();
  latestGlobal?: AirbyteStateMessage;
  /** The `data` of the last LEGACY state: what CAT passes back when the last state is LEGACY. */
  latestLegacy?: unknown;
  lastStateType?: string;
  stateCount = 0;
  legacyStates = 0;
  statesWithoutStats = 0;
  records = 0;

  constructor(readonly catalog: ConfiguredAirbyteCatalog, private readonly opts: CollectorOptions = {}) {
    for (const s of catalog.streams) {
      this.streams.set(s.stream.name, { records: 0, minEmittedAt: Infinity, maxEmittedAt: -Infinity, statuses: [], states: 0, fingerprint: new Fingerprint(), hashes: new Map(), fieldsSeen: new Set() });
      const pk = s.primary_key?.length ? s.primary_key : s.stream.source_defined_primary_key;
      if (pk?.length) this.primaryKeys.set(s.stream.name, pk);
    }
  }

  onMessage = (m: AirbyteMessage, line: number): void => {
    switch (m.type) {
      case 'RECORD':
        return this.onRecord(m.record.stream, m.record.data, m.record.emitted_at, line);
      case 'STATE':
        return this.onState(m.state);
      case 'TRACE':
        if (m.trace.type === 'ERROR') this.traceErrors.push(m.trace.error!.message);
        if (m.trace.type === 'STREAM_STATUS') this.streams.get(m.trace.stream_status!.stream_descriptor.name)?.statuses.push(m.trace.stream_status!.status);
        return;
      default:
        return;
    }
  };

  private onRecord(stream: string, data: Record<string, unknown>, emittedAt: number, line: number): void {
    this.records++;
    const s = this.streams.get(stream);
    if (!s) return this.unknownStreams.add(`stdout line ${line}: a record for stream \`${stream}\`, which is not in the configured catalog`);
    const n = ++s.records;
    if (emittedAt < s.minEmittedAt) s.minEmittedAt = emittedAt;
    if (emittedAt > s.maxEmittedAt) s.maxEmittedAt = emittedAt;
    const problem = this.opts.validators?.get(stream)?.(data);
    if (problem) this.schemaErrors.add(`stream \`${stream}\`, record #${n}: ${problem}`);
    const pk = this.primaryKeys.get(stream);
    if (pk) this.checkKey(stream, pk, data, n);
    if (this.opts.dataPoints) for (const [k, v] of Object.entries(data)) if (v !== null && v !== undefined) s.fieldsSeen.add(k);
    if (this.opts.fingerprint) {
      const hash = recordHash(withoutFields(data, this.opts.ignoredFields?.[stream] ?? []));
      s.fingerprint.add(hash);
      if (s.hashes) {
        if (s.hashes.size >= (this.opts.keepHashes ?? 100_000)) s.hashes = undefined;
        else s.hashes.set(hash, (s.hashes.get(hash) ?? 0) + 1);
      }
    }
    this.opts.onRecord?.(stream, data, n);
  }

  private checkKey(stream: string, pk: string[][], data: Record<string, unknown>, n: number): void {
    const values = pk.map((path) => valueAt(data, path));
    if (values.every((v) => v === null || v === undefined)) {
      this.keyErrors.add(`stream \`${stream}\`, record #${n}: primary key ${pk.map((p) => p.join('.')).join(', ')} is missing`);
      return;
    }
    values.forEach((v, i) => {
      if (v !== null && typeof v === 'object') this.keyErrors.add(`stream \`${stream}\`, record #${n}: primary key ${pk[i].join('.')} is ${Array.isArray(v) ? 'a list' : 'an object'}; keys must be scalar`);
    });
  }

  private onState(state: AirbyteStateMessage): void {
    this.stateCount++;
    this.lastStateType = state.type ?? 'LEGACY';
    if (!state.type || state.type === 'LEGACY') {
      this.legacyStates++;
      this.latestLegacy = (state as { data?: unknown }).data;
    }
    if (!state.sourceStats) this.statesWithoutStats++;
    if (state.type === 'STREAM' && state.stream) {
      const name = state.stream.stream_descriptor.name;
      this.latestState.set(name, state.stream.stream_state);
      const s = this.streams.get(name);
      if (s) s.states++;
    } else if (state.type === 'GLOBAL' && state.global) {
      this.latestGlobal = state;
      for (const ss of state.global.stream_states) {
        this.latestState.set(ss.stream_descriptor.name, ss.stream_state);
        const s = this.streams.get(ss.stream_descriptor.name);
        if (s) s.states++;
      }
    }
  }

  /** The state to resume from, as the platform would pass it to the next read. */
  stateForNextRead(): unknown[] {
    if (this.latestGlobal) return [this.latestGlobal];
    return [...this.latestState].map(([name, stream_state]) => ({ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state } }));
  }
}
