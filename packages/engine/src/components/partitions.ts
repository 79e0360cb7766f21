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

export type Slice = Record<string, unknown>;

export interface PartitionRouter {
  slices(): AsyncGenerator<Slice>;
  options(slice: Slice): Injection;
}

/** Reads a parent stream's records in full; provided by the stream module (avoids a require cycle). */
export type ParentReader = (b: Build, stream: Node) => AsyncGenerator<{ record: Record<string, unknown>; slice: Slice }>;

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
    if (c.incremental_dependency) throw b.error(c, 'ParentStreamConfig.incremental_dependency is not supported by conveyor-manifest');
    const cp = params(c);
    return {
      stream: c.stream as Node,
      parentKey: pyStr(evalString(c.parent_key, b.config, {}, cp)),
      field: pyStr(evalString(c.partition_field, b.config, {}, cp)),
      option: c.request_option as Node | undefined,
      extra: ((c.extra_fields as unknown[][]) ?? []).map((f) => f.map((x) => pyStr(evalString(x, b.config, {}, cp)))),
    };
  });
  return {
    async *slices() {
      for (const c of configs) {
        for await (const { record, slice } of readParent(b, c.stream)) {
          const value = dpathGet(record, c.parentKey.split('/'));
          if (value === undefined) continue;
          const s: Slice = { [c.field]: value, parent_slice: isDict(slice) ? slice : {} };
          if (c.extra.length) {
            // StreamSlice.extra_fields: reachable from templates, but not part of the slice mapping itself.
            const extra = Object.fromEntries(c.extra.map((f) => [f.join('.'), dpathGet(record, f) ?? null]));
            Object.defineProperty(s, 'extra_fields', { value: extra, enumerable: false });
          }
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
