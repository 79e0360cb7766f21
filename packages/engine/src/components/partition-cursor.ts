/**
 * A DatetimeBasedCursor under a partition router, shaped like the CDK's ConcurrentPerPartitionCursor: one
 * datetime cursor per partition (seeded from that partition's state, else from the global state), state
 * `{use_global_cursor, states: [{partition, cursor}], state, lookback_window, parent_state}`. The CDK throttles
 * state messages to one per 600 s, so a sync emits a STATE after its first slice and a final one.
 */
import { type Build, type Node } from './build';
import { DatetimeCursor } from './cursor';
import type { PartitionRouter, Slice } from './partitions';

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
  /** global_substream_cursor (or a state saying use_global_cursor): one cursor value for all partitions. */
  private useGlobal: boolean;

  constructor(
    private b: Build,
    private node: Node,
    /** A SubstreamPartitionRouter, whose get_stream_state becomes `parent_state`; undefined for other routers. */
    private router: PartitionRouter | undefined,
  ) {
    this.useGlobal = node.global_substream_cursor === true;
  }

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
    this.useGlobal = this.node.global_substream_cursor === true;
    this.router?.setInitialState?.(state);
    if (!state || !Object.keys(state).length) return;
    const field = this.cursorField;
    // _set_global_state: the value is re-formatted with datetime_format.
    const setGlobal = (s: unknown): void => {
      if (s && typeof s === 'object' && field in (s as object)) {
        const value = new DatetimeCursor(this.b, this.node).normalizeValue((s as Record<string, unknown>)[field]);
        this.global = { [field]: value };
        this.newGlobal = { [field]: value };
      }
    };
    if (!('states' in state) && !('state' in state)) {
      setGlobal(state);
      return;
    }
    this.useGlobal = state.use_global_cursor === true;
    this.lookbackSeconds = Number(state.lookback_window ?? 0) || 0;
    for (const s of (Array.isArray(state.states) ? state.states : []) as { partition: Slice; cursor: Record<string, unknown> }[]) {
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
      // A new partition starts from the global state, moved back by the previous sync's runtime lookback window.
      let seed = this.global;
      if (seed && this.lookbackSeconds) {
        const field = this.cursorField;
        seed = { ...seed, [field]: new DatetimeCursor(this.b, this.node).shiftValue(seed[field], this.lookbackSeconds) };
      }
      entry = { partition, cursor: this.create(seed) };
      this.cursors.set(key, entry);
    }
    return { cursor: entry.cursor, slices: entry.cursor.slices().map((s) => ({ ...partition, ...s })) };
  }

  /** A partition's last slice is done: its cursor value may raise the global cursor. */
  closePartition(cursor: DatetimeCursor): void {
    // With a global cursor only the records move it; otherwise the finished partition's cursor state does too.
    const value = this.useGlobal ? cursor.maxRecordValue() : (cursor.state()[cursor.cursorField] as string);
    if (value === undefined) return;
    const current = this.newGlobal?.[cursor.cursorField] as string | undefined;
    if (current === undefined || current < value) this.newGlobal = { [cursor.cursorField]: value };
  }

  /**
   * Whether the throttled state after the first slice is emitted: a global cursor skips it while the parent
   * state is empty (ConcurrentPerPartitionCursor._emit_state_message).
   */
  emitsIntermediateState(): boolean {
    const parent = this.router?.firstPartitionState?.();
    return !(this.useGlobal && !(parent && Object.keys(parent).length));
  }

  state(final: boolean): Record<string, unknown> {
    if (final) {
      this.global = this.newGlobal;
      this.lookbackSeconds = this.started ? Math.floor((Date.now() - this.started) / 1000) : 0;
    }
    const out: Record<string, unknown> = { use_global_cursor: this.useGlobal };
    if (!this.useGlobal) out.states = [...this.cursors.values()].filter((e) => e.cursor.touched()).map((e) => ({ partition: e.partition, cursor: e.cursor.state() }));
    if (this.global && Object.keys(this.global).length) out.state = this.global;
    out.lookback_window = this.lookbackSeconds;
    // The final state carries the parents' state after the sync; a checkpoint the one of its first partition.
    const parent = this.router ? (final ? this.router.getStreamState?.() : this.router.firstPartitionState?.()) : undefined;
    if (this.router) out.parent_state = parent ?? {};
    return out;
  }
}
