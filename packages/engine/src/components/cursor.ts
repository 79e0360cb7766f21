/**
 * DatetimeBasedCursor as the CDK's ConcurrentCursor runs it: slices by step and granularity from
 * max(start, state) − lookback (clamped to start) to end, per-slice request options, and a state value equal
 * to the highest cursor value seen (never below the sync start), formatted with `datetime_format`.
 */
import { evalString } from '../jinja/interpolation';
import { cdkFormat, cdkParse, nowUtc, parseDuration, shift } from '../jinja/datetime';
import { PyDateTime, PyDuration, PyTimedelta, pyStr, truthy } from '../jinja/values';
import { TracedError } from '../protocol';
import { type Build, type Node, expectType, params, refuseFields } from './build';
import { type Injection, emptyInjection, injectOption } from './auth';
import { dpathGet } from './records';

type Delta = PyTimedelta | PyDuration;

export class DatetimeCursor {
  readonly cursorField: string;
  private format: string;
  private inputFormats: string[];
  private bounds?: { start: PyDateTime; end: PyDateTime };
  private step?: Delta;
  private granularity?: Delta;
  private lookback?: Delta;
  private startKey: string;
  private endKey: string;
  private clientSide: boolean;
  private syncStart?: PyDateTime;
  private highest?: PyDateTime;
  private priorState?: PyDateTime;
  /** The highest cursor value among the records observed (no floor), for a global substream cursor. */
  private maxRecord?: PyDateTime;

  constructor(private b: Build, private node: Node) {
    expectType(b, node, ['DatetimeBasedCursor']);
    refuseFields(b, node, ['clamping']);
    const p = params(node);
    const ev = (v: unknown): string => pyStr(evalString(v, b.config, {}, p));
    this.cursorField = ev(node.cursor_field);
    this.format = ev(node.datetime_format);
    this.inputFormats = [...((node.cursor_datetime_formats as string[]) ?? []), this.format];
    const dur = (v: unknown): Delta | undefined => (v ? parseDuration(ev(v)) : undefined);
    this.step = dur(node.step);
    this.granularity = dur(node.cursor_granularity);
    this.lookback = dur(node.lookback_window);
    if (this.step && !this.granularity) throw b.error(node, 'DatetimeBasedCursor.step needs cursor_granularity');
    this.startKey = node.partition_field_start ? ev(node.partition_field_start) : 'start_time';
    this.endKey = node.partition_field_end ? ev(node.partition_field_end) : 'end_time';
    this.clientSide = node.is_client_side_incremental === true;
  }

  /** Start and end are read from the config when first needed, so `discover` works without a full config. */
  private get start(): PyDateTime {
    return this.window().start;
  }

  private get end(): PyDateTime {
    return this.window().end;
  }

  private window(): { start: PyDateTime; end: PyDateTime } {
    this.bounds ??= { start: this.bound(this.node.start_datetime, 'start_datetime')!, end: this.bound(this.node.end_datetime, 'end_datetime') ?? nowUtc() };
    return this.bounds;
  }

  /** MinMaxDatetime.get_datetime, inheriting the cursor's datetime_format when it has none. */
  private bound(v: unknown, field: string): PyDateTime | undefined {
    if (v === undefined || v === null) return undefined;
    const mm = (typeof v === 'string' ? { type: 'MinMaxDatetime', datetime: v } : v) as Node;
    expectType(this.b, mm, ['MinMaxDatetime']);
    const p = { ...params(this.node), ...params(mm) };
    const fmt = mm.datetime_format ? String(mm.datetime_format) : this.format;
    const text = (x: unknown): string => pyStr(evalString(x, this.b.config, {}, p));
    let t: PyDateTime;
    try {
      t = cdkParse(text(mm.datetime), fmt);
      if (mm.min_datetime && text(mm.min_datetime)) t = maxDt(t, cdkParse(text(mm.min_datetime), fmt));
      if (mm.max_datetime && text(mm.max_datetime)) t = minDt(t, cdkParse(text(mm.max_datetime), fmt));
    } catch (e) {
      throw new TracedError(`DatetimeBasedCursor.${field}: ${(e as Error).message}`, undefined, 'config_error');
    }
    return t;
  }

  parse(value: unknown): PyDateTime {
    for (const f of this.inputFormats) {
      try {
        return cdkParse(value, f);
      } catch {
        /* try the next format */
      }
    }
    throw new Error(`No format in ${JSON.stringify(this.inputFormats)} matching ${pyStr(value)}`);
  }

  private closed = false;
  /** The state value as of the last closed slice (ConcurrentCursor.state only moves on close_partition). */
  private closedHighest?: PyDateTime;

  /** A slice of this cursor has been read completely. */
  markClosed(): void {
    this.closed = true;
    if (!this.syncStart) this.setState(undefined);
    this.closedHighest = this.highest;
  }

  /** Whether the cursor has a state worth saving (an input state, or a slice read). */
  touched(): boolean {
    return this.closed || this.priorState !== undefined;
  }

  setState(state: Record<string, unknown> | undefined): void {
    const prior = state && state[this.cursorField] !== undefined ? this.parse(state[this.cursorField]) : undefined;
    this.priorState = prior;
    this.syncStart = prior && prior.us >= this.start.us ? prior : this.start;
    this.highest = this.syncStart;
  }

  private plus(dt: PyDateTime, d: Delta, sign: 1 | -1 = 1): PyDateTime {
    return shift(dt, d, sign) as PyDateTime;
  }

  slices(): Record<string, string>[] {
    if (!this.syncStart) this.setState(undefined);
    let lower = this.lookback ? this.plus(this.syncStart!, this.lookback, -1) : this.syncStart!;
    if (lower.us < this.start.us) lower = this.start;
    const upper = this.end;
    const out: Record<string, string>[] = [];
    const fmt = (d: PyDateTime): string => cdkFormat(d, this.format);
    if (lower.us >= upper.us) return out;
    if (!this.step || this.plus(lower, this.step).us > upper.us) {
      out.push({ [this.startKey]: fmt(lower), [this.endKey]: fmt(upper) });
      return out;
    }
    let cur = lower;
    for (;;) {
      const next = minDt(this.plus(cur, this.step), upper);
      const reached = next.us >= upper.us;
      if (cur.us >= next.us) break;
      const endValue = this.granularity && !reached ? this.plus(next, this.granularity, -1) : next;
      out.push({ [this.startKey]: fmt(cur), [this.endKey]: fmt(endValue) });
      cur = next;
      if (reached) break;
    }
    return out;
  }

  options(slice: Record<string, unknown>): Injection {
    const out = emptyInjection();
    if (this.node.start_time_option && truthy(slice[this.startKey])) injectOption(this.b, this.node.start_time_option as Node, out, slice[this.startKey]);
    if (this.node.end_time_option && truthy(slice[this.endKey])) injectOption(this.b, this.node.end_time_option as Node, out, slice[this.endKey]);
    return out;
  }

  /** Observe a record; false when a client-side incremental cursor filters it out. */
  observe(record: Record<string, unknown>, _slice?: Record<string, unknown>): boolean {
    const value = this.cursorValue(record);
    if (!value) return true;
    // ConcurrentCursor.should_be_synced: the sync's own window, max(start, state) ≤ value ≤ end, inclusive.
    if (this.clientSide && (value.us < this.syncStart!.us || value.us > this.end.us)) return false;
    if (!this.highest || value.us > this.highest.us) this.highest = value;
    if (!this.maxRecord || value.us > this.maxRecord.us) this.maxRecord = value;
    return true;
  }

  /** ConcurrentCursor.should_be_synced: start ≤ value ≤ end; a record without a parseable value is kept. */
  shouldBeSynced(record: Record<string, unknown>): boolean {
    const value = this.cursorValue(record);
    return !value || (value.us >= this.syncStart!.us && value.us <= this.end.us);
  }

  /** The record's cursor value, or undefined when it has none or it does not parse (such records are kept). */
  private cursorValue(record: Record<string, unknown>): PyDateTime | undefined {
    if (!this.syncStart) this.setState(undefined);
    const raw = dpathGet(record, [this.cursorField]);
    if (raw === undefined || raw === null) return undefined;
    try {
      return this.parse(raw);
    } catch {
      return undefined;
    }
  }

  /** ConcurrentCursor.state: what the closed slices reached (the sync start before any slice closed). */
  closedState(): Record<string, unknown> {
    if (!this.syncStart) this.setState(undefined);
    return { [this.cursorField]: cdkFormat(this.closedHighest ?? this.syncStart!, this.format) };
  }

  /** The highest record cursor value formatted with datetime_format, or undefined when no record was seen. */
  maxRecordValue(): string | undefined {
    return this.maxRecord ? cdkFormat(this.maxRecord, this.format) : undefined;
  }

  /** output_format(parse_value(v) - seconds): a state value moved back by a runtime lookback window. */
  shiftValue(value: unknown, seconds: number): string {
    return cdkFormat(new PyDateTime(this.parse(value).us - seconds * 1_000_000, 0), this.format);
  }

  /** output_format(parse_value(v)). */
  normalizeValue(value: unknown): string {
    return cdkFormat(this.parse(value), this.format);
  }

  state(): Record<string, unknown> {
    if (!this.highest) this.setState(undefined);
    return { [this.cursorField]: cdkFormat(this.highest!, this.format) };
  }
}

const maxDt = (a: PyDateTime, b: PyDateTime): PyDateTime => (a.us >= b.us ? a : b);
const minDt = (a: PyDateTime, b: PyDateTime): PyDateTime => (a.us <= b.us ? a : b);
