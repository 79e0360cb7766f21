/**
 * DeclarativeStream with a SimpleRetriever: slices (partition router or datetime cursor), pages per slice,
 * records through the selector. Generators are lazy, so `check` stops after the first page it needs.
 */
import { pyStr } from '../jinja/values';
import type { Context } from '../jinja/interpolation';
import { evalString } from '../jinja/interpolation';
import { type Build, type Node, expectType, params, refuseFields } from './build';
import { type Injection, emptyInjection } from './auth';
import { buildRequester, combine, type Requester } from './requester';
import { buildPaginator, type Paginator } from './paginator';
import { buildTransformation } from './transformations';
import { buildDecoder, buildRecordSelector, loadSchema, type RecordSelector, type Record_ } from './records';
import { buildPartitionRouter, type ParentControl, type PartitionRouter, type Slice } from './partitions';
import { DatetimeCursor } from './cursor';
import { PerPartitionCursor } from './partition-cursor';

export class DeclarativeStream {
  readonly name: string;
  readonly primaryKey: string[][] | undefined;
  readonly cursor: DatetimeCursor | undefined;
  /** Set when a datetime cursor runs under a partition router (state per partition). */
  readonly partitionCursor: PerPartitionCursor | undefined;
  private router: PartitionRouter | undefined;
  private requester: Requester;
  private paginator: Paginator;
  private selector: RecordSelector;
  private ignoreSlicerOnPages: boolean;

  constructor(private b: Build, readonly node: Node) {
    expectType(b, node, ['DeclarativeStream']);
    refuseFields(b, node, ['file_uploader']);
    for (const m of (node.state_migrations as Node[]) ?? []) expectType(b, m, ['LegacyToPerPartitionStateMigration']);
    this.name = pyStr(evalString(node.name ?? '', b.config, {}, params(node)));
    this.primaryKey = normalisePrimaryKey(node.primary_key);
    const retriever = node.retriever as Node;
    expectType(b, retriever, ['SimpleRetriever']);
    refuseFields(b, retriever, ['pagination_reset', 'additional_query_properties']);
    this.requester = buildRequester(b, retriever.requester as Node, this.name);
    const decoder = buildDecoder(b, retriever.decoder as Node | undefined);
    const transformations = ((node.transformations as Node[]) ?? []).map((t) => buildTransformation(b, t));
    const clientSide = (node.incremental_sync as Node | undefined)?.is_client_side_incremental === true;
    this.selector = buildRecordSelector(b, retriever.record_selector as Node, decoder, transformations, () => this.schema(), clientSide);
    this.paginator = buildPaginator(b, retriever.paginator as Node | undefined, () => this.requester.urlBase({ stream_slice: {}, next_page_token: null }), this.selector.extract, decoder);
    this.router = buildPartitionRouter(b, retriever.partition_router as Node | Node[] | undefined, readParent);
    this.cursor = node.incremental_sync ? new DatetimeCursor(b, node.incremental_sync as Node) : undefined;
    if (this.cursor && this.router) {
      const routerNode = retriever.partition_router as Node;
      this.partitionCursor = new PerPartitionCursor(b, node.incremental_sync as Node, routerNode.type === 'SubstreamPartitionRouter' ? this.router : undefined);
    }
    this.ignoreSlicerOnPages = retriever.ignore_stream_slicer_parameters_on_paginated_requests === true;
    const cursorNode = node.incremental_sync as Node | undefined;
    if (cursorNode?.is_data_feed === true && retriever.paginator && this.cursor) {
      // is_data_feed: StopConditionPaginationStrategyDecorator + CursorStopCondition — pagination stops once a
      // page's last record is outside the cursor's window (the feed is newest first).
      if (this.router) throw b.error(cursorNode, 'DatetimeBasedCursor.is_data_feed under a partition router is not supported by conveyor-manifest');
      const cursor = this.cursor;
      const inner = this.paginator;
      this.paginator = { ...inner, next: (s) => (s.lastRecord && !cursor.shouldBeSynced(s.lastRecord) ? null : inner.next(s)) };
    }
  }

  /** LegacyToPerPartitionStateMigration: `{<partition value>: {<cursor>: v}}` becomes per-partition state. */
  migrateState(state: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
    if (!state || !(this.node.state_migrations as Node[] | undefined)?.length || 'states' in state) return state;
    const router = (this.node.retriever as Node).partition_router as Node | undefined;
    const configs = (router?.parent_stream_configs as Node[] | undefined) ?? [];
    const field = configs[0]?.partition_field ?? router?.cursor_field;
    const entries = Object.entries(state);
    if (!field || !entries.length || !entries.every(([, v]) => v && typeof v === 'object' && !Array.isArray(v))) return state;
    return { states: entries.map(([k, v]) => ({ partition: { [String(field)]: k }, cursor: v })) };
  }

  schema(): Record<string, unknown> {
    const loader = Array.isArray(this.node.schema_loader) ? this.node.schema_loader[0] : this.node.schema_loader;
    return loadSchema(this.b, loader as Node | undefined, this.name);
  }

  /** Full-refresh slices: the router's partitions, or one empty slice. */
  async *partitions(): AsyncGenerator<Slice> {
    if (this.router) yield* this.router.slices();
    else yield {};
  }

  private slicerOptions(slice: Slice): Injection {
    if (this.router && this.cursor) {
      const parts = [this.router.options(slice), this.cursor.options(slice)];
      return {
        headers: combine(parts.map((p) => p.headers), 'request headers'),
        params: combine(parts.map((p) => p.params), 'request parameters'),
        json: combine(parts.map((p) => p.json), 'request body json'),
        data: combine(parts.map((p) => p.data), 'request body data'),
      };
    }
    if (this.router) return this.router.options(slice);
    if (this.cursor) return this.cursor.options(slice);
    return emptyInjection();
  }

  /** The records of one slice, page by page (`maxPages` limits pages, for `check`). */
  async *readSlice(slice: Slice, maxPages = Infinity): AsyncGenerator<Record_> {
    let token = this.paginator.initialToken();
    for (let page = 0; page < maxPages; page++) {
      const nextPageToken = token === null || token === undefined ? null : { next_page_token: token };
      const ctx: Context = { stream_slice: slice, next_page_token: nextPageToken };
      const pag = this.paginator.options(token);
      const slicer = nextPageToken && this.ignoreSlicerOnPages ? emptyInjection() : this.slicerOptions(slice);
      const extra: Injection = {
        headers: combine([pag.injection.headers, slicer.headers], 'request headers'),
        params: combine([pag.injection.params, slicer.params], 'request parameters'),
        json: combine([pag.injection.json, slicer.json], 'request body json'),
        data: combine([pag.injection.data, slicer.data], 'request body data'),
      };
      const res = await this.requester.send(ctx, pag.path, extra);
      const records = res.ok ? this.selector.select(res, ctx) : [];
      yield* records;
      if (!res.ok) return;
      token = this.paginator.next({ response: res, lastPageSize: records.length, lastRecord: records[records.length - 1], lastToken: token });
      if (token === null || token === undefined) return;
    }
  }
}

export function normalisePrimaryKey(pk: unknown): string[][] | undefined {
  if (pk === undefined || pk === null || pk === '' || (Array.isArray(pk) && !pk.length)) return undefined;
  if (typeof pk === 'string') return [[pk]];
  if (Array.isArray(pk)) return pk.map((k) => (Array.isArray(k) ? k.map(String) : [String(k)]));
  return undefined;
}

/**
 * A parent stream's records across its partitions, for SubstreamPartitionRouter. A parent with a datetime cursor
 * observes each record and closes each slice before the slice's last record is handed on (substream_partition_router.py
 * calls observe / close_partition first); with incremental_dependency it starts from the state it was given.
 */
async function* readParent(b: Build, node: Node, control?: ParentControl): AsyncGenerator<{ record: Record_; slice: Slice }> {
  const stream = new DeclarativeStream(b, node);
  if (stream.partitionCursor) {
    for await (const partition of stream.partitions()) {
      for (const slice of stream.partitionCursor.slicesOf(partition).slices) for await (const record of stream.readSlice(slice)) yield { record, slice: partition };
    }
    return;
  }
  // The child's parent_slice is the parent record's slice *partition*: a datetime cursor's window is not part of it.
  if (stream.cursor) {
    const cursor = stream.cursor;
    cursor.setState(control?.incremental ? control.state : undefined);
    if (control) control.cursor = cursor;
    for (const slice of cursor.slices()) {
      let pending: Record_ | undefined;
      for await (const record of stream.readSlice(slice)) {
        if (!cursor.observe(record, slice)) continue;
        if (pending) yield { record: pending, slice: {} };
        pending = record;
      }
      cursor.markClosed();
      if (pending) yield { record: pending, slice: {} };
    }
    return;
  }
  for await (const slice of stream.partitions()) for await (const record of stream.readSlice(slice)) yield { record, slice };
}
