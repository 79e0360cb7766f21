/**
 * Partition routers: ListPartitionRouter, SubstreamPartitionRouter (parents read through the same engine,
 * with the CDK's parent HTTP cache) and lists of routers (cartesian product).
 */
import { evalString } from '../jinja/interpolation';
import { isDict, pyStr, truthy } from '../jinja/values';
import { type Build, type Node, expectType, params } from './build';
import { type Injection, emptyInjection, injectOption } from './auth';
import { dpathGet } from './records';
import { combine } from './requester';
import type { DatetimeCursor } from './cursor';

export type Slice = Record<string, unknown>;

export interface PartitionRouter {
  slices(): AsyncGenerator<Slice>;
  options(slice: Slice): Injection;
  /** SubstreamPartitionRouter.set_initial_state: the child's state seeds incremental parents. */
  setInitialState?(state: Record<string, unknown> | undefined): void;
  /** SubstreamPartitionRouter.get_stream_state: {parent name: parent cursor state} of incremental parents. */
  getStreamState?(): Record<string, unknown>;
  /** get_stream_state as it was when the first partition was produced (the first checkpoint's parent_state). */
  firstPartitionState?(): Record<string, unknown> | undefined;
}

/** What a parent read reports back: its datetime cursor, when it has one. */
export type ParentControl = { state?: Record<string, unknown>; incremental: boolean; cursor?: DatetimeCursor };

/** Reads a parent stream's records in full; provided by the stream module (avoids a require cycle). */
export type ParentReader = (b: Build, stream: Node, control?: ParentControl) => AsyncGenerator<{ record: Record<string, unknown>; slice: Slice }>;

function merge(parts: Injection[]): Injection {
  const out = emptyInjection();
  for (const k of ['headers', 'params', 'json', 'data'] as const) out[k] = combine(parts.map((p) => p[k]), `partition ${k}`);
  return out;
}

export function buildPartitionRouter(b: Build, node: Node | Node[] | undefined, readParent: ParentReader): PartitionRouter | undefined {
  if (!node) return undefined;
  if (Array.isArray(node)) {
    const routers = node.map((n) => buildPartitionRouter(b, n, readParent)!);
    if (routers.length === 1) return routers[0];
    return {
      async *slices() {
        const product = async function* (i: number, acc: Slice): AsyncGenerator<Slice> {
          if (i === routers.length) {
            yield acc;
            return;
          }
          for await (const s of routers[i].slices()) yield* product(i + 1, { ...acc, ...s });
        };
        yield* product(0, {});
      },
      options: (slice) => merge(routers.map((r) => r.options(slice))),
    };
  }
  const type = expectType(b, node, ['ListPartitionRouter', 'SubstreamPartitionRouter']);
  const p = params(node);
  if (type === 'ListPartitionRouter') {
    const field = pyStr(evalString(node.cursor_field, b.config, {}, p));
    const option = node.request_option as Node | undefined;
    return {
      async *slices() {
        const raw = node.values;
        const values = typeof raw === 'string' ? evalString(raw, b.config, {}, p) : raw;
        if (!Array.isArray(values)) throw b.error(node, `ListPartitionRouter.values must be a list (got ${pyStr(values)})`);
        for (const v of values) yield { [field]: v };
      },
      options(slice) {
        const out = emptyInjection();
        // ListPartitionRouter._get_request_option injects only a truthy slice value.
        if (option && truthy(slice[field])) injectOption(b, option, out, slice[field]);
        return out;
      },
    };
  }
  const configs = ((node.parent_stream_configs as Node[]) ?? []).map((c) => {
    expectType(b, c, ['ParentStreamConfig']);
    const cp = params(c);
    const stream = c.stream as Node;
    const incremental = c.incremental_dependency === true;
    if (incremental && !stream.incremental_sync) throw b.error(c, 'ParentStreamConfig.incremental_dependency needs a parent stream with incremental_sync');
    if (incremental && (stream.retriever as Node | undefined)?.partition_router) {
      throw b.error(c, 'ParentStreamConfig.incremental_dependency on a parent that has its own partition router is not supported by conveyor-manifest');
    }
    return {
      stream,
      name: pyStr(evalString(stream.name ?? '', b.config, {}, params(stream))),
      incremental,
      control: { incremental } as ParentControl,
      parentKey: pyStr(evalString(c.parent_key, b.config, {}, cp)),
      field: pyStr(evalString(c.partition_field, b.config, {}, cp)),
      option: c.request_option as Node | undefined,
      extra: ((c.extra_fields as unknown[][]) ?? []).map((f) => f.map((x) => pyStr(evalString(x, b.config, {}, cp)))),
    };
  });
  const streamState = (): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const c of configs) if (c.incremental) out[c.name] = c.control.cursor ? c.control.cursor.closedState() : (c.control.state ?? {});
    return out;
  };
  let first: Record<string, unknown> | undefined;
  return {
    setInitialState(state) {
      for (const c of configs) c.control.state = undefined;
      if (!state || !Object.keys(state).length || !configs.some((c) => c.incremental)) return;
      const parentState = isDict(state.parent_state) && Object.keys(state.parent_state).length ? state.parent_state : migrateChildState(state, configs);
      for (const c of configs) if (c.incremental && isDict(parentState[c.name])) c.control.state = parentState[c.name] as Record<string, unknown>;
    },
    getStreamState: streamState,
    firstPartitionState: () => first,
    async *slices() {
      first = undefined;
      for (const c of configs) {
        for await (const { record, slice } of readParent(b, c.stream, c.control)) {
          const value = dpathGet(record, c.parentKey.split('/'));
          if (value === undefined) continue;
          const s: Slice = { [c.field]: value, parent_slice: isDict(slice) ? slice : {} };
          if (c.extra.length) {
            // StreamSlice.extra_fields: reachable from templates, but not part of the slice mapping itself.
            const extra = Object.fromEntries(c.extra.map((f) => [f.join('.'), dpathGet(record, f) ?? null]));
            Object.defineProperty(s, 'extra_fields', { value: extra, enumerable: false });
          }
          first ??= streamState();
          yield s;
        }
      }
    },
    options(slice) {
      const out = emptyInjection();
      for (const c of configs) if (c.option && truthy(slice[c.field])) injectOption(b, c.option, out, slice[c.field]);
      return out;
    },
  };
}

/**
 * _migrate_child_state_to_parent_state: a child state without parent_state gives each incremental parent
 * {<parent cursor field>: <the child's single cursor value>} (or the first value of its global `state`).
 */
function migrateChildState(state: Record<string, unknown>, configs: { stream: Node; name: string; incremental: boolean }[]): Record<string, unknown> {
  const values = Object.values(state);
  let value: unknown = values.length ? values[0] : {};
  if (isDict(value) || Array.isArray(value) || values.length !== 1) {
    if (isDict(state.state) && Object.keys(state.state).length) value = Object.values(state.state)[0];
    else return {};
  }
  const out: Record<string, unknown> = {};
  if (value === null || value === undefined || value === '' || value === 0 || value === false) return out;
  for (const c of configs) {
    if (!c.incremental) continue;
    const field = (c.stream.incremental_sync as Node).cursor_field;
    out[c.name] = { [String(field)]: value };
  }
  return out;
}
