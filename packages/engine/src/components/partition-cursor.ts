/**
 * A DatetimeBasedCursor under a partition router, shaped like the CDK's ConcurrentPerPartitionCursor: one
 * datetime cursor per partition (seeded from that partition's state, else from the global state), state
 * `{use_global_cursor, states: [{partition, cursor}], state, lookback_window, parent_state}`. The CDK throttles
 * state messages to one per 600 s, so a sync emits a STATE after its first slice and a final one.
 */
import { type Build, type Node } from './build';
import { DatetimeCursor } from './cursor';
import type { Slice } from './partitions';

/** PerPartitionKeySerializer: json.dumps(partition, sort_keys=True). */
function partitionKey(partition: Slice): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Slice)[k])])) : v;
  return JSON.stringify(sort(partition));
}

export class PerPartitionCursor {
  private cursors = new Map<string, { partition: Slice; cursor: DatetimeCursor }>();
  private global?: Record<string, unknown>;
  private newGlobal?: Record<string, unknown>;
  private lookbackSeconds = 0;
  private started = 0;

  constructor(
    private b: Build,
    private node: Node,
    /** What get_stream_state of the router gives: {} for substreams (no incremental parents), undefined otherwise. */
    private parentState: Record<string, unknown> | undefined,
  ) {}

  private create(state: Record<string, unknown> | undefined): DatetimeCursor {
    const c = new DatetimeCursor(this.b, this.node);
    c.setState(state);
    return c;
  }

  get cursorField(): string {
    return new DatetimeCursor(this.b, this.node).cursorField;
  }

  setState(state: Record<string, unknown> | undefined): void {
    this.cursors.clear();
    this.global = undefined;
    this.newGlobal = undefined;
    if (!state || !Object.keys(state).length) return;
    const field = this.cursorField;
    const setGlobal = (s: unknown): void => {
      if (s && typeof s === 'object' && field in (s as object)) {
        this.global = { ...(s as Record<string, unknown>) };
        this.newGlobal = { ...(s as Record<string, unknown>) };
      }
    };
    if (!Array.isArray(state.states)) {
      setGlobal(state);
      return;
    }
    this.lookbackSeconds = Number(state.lookback_window ?? 0) || 0;
    for (const s of state.states as { partition: Slice; cursor: Record<string, unknown> }[]) {
      this.cursors.set(partitionKey(s.partition), { partition: s.partition, cursor: this.create(s.cursor) });
    }
    if (state.state) setGlobal(state.state);
  }

  /** The cursor slices of one partition, each merged with the partition. */
  slicesOf(partition: Slice): { cursor: DatetimeCursor; slices: Slice[] } {
    if (!this.started) this.started = Date.now();
    const key = partitionKey(partition);
    let entry = this.cursors.get(key);
    if (!entry) {
      entry = { partition, cursor: this.create(this.global) };
      this.cursors.set(key, entry);
    }
    return { cursor: entry.cursor, slices: entry.cursor.slices().map((s) => ({ ...partition, ...s })) };
  }

  /** A partition's last slice is done: its cursor value may raise the global cursor. */
  closePartition(cursor: DatetimeCursor): void {
    const value = cursor.state()[cursor.cursorField] as string;
    const current = this.newGlobal?.[cursor.cursorField] as string | undefined;
    if (current === undefined || current < value) this.newGlobal = { [cursor.cursorField]: value };
  }

  state(final: boolean): Record<string, unknown> {
    if (final) {
      this.global = this.newGlobal;
      this.lookbackSeconds = this.started ? Math.floor((Date.now() - this.started) / 1000) : 0;
    }
    const out: Record<string, unknown> = { use_global_cursor: false };
    out.states = [...this.cursors.values()].filter((e) => e.cursor.touched()).map((e) => ({ partition: e.partition, cursor: e.cursor.state() }));
    if (this.global && Object.keys(this.global).length) out.state = this.global;
    out.lookback_window = this.lookbackSeconds;
    if (this.parentState !== undefined) out.parent_state = this.parentState;
    return out;
  }
}
