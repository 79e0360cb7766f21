/**
 * The stream components the Builder converts inside convertOrDumpAsString (convertManifestToBuilderForm.ts,
 * dynamic-streams version): a problem keeps that one component as a YAML block in the UI. Each has a fixed list of
 * fields (filterKnownFields); any other field makes it YAML too. Fields that are only there because the CDK copies
 * `$parameters` into every component are not counted (see the report of this change: the live Builder counts them).
 * The exception is the parent stream of a SubstreamPartitionRouter, matched before any fallback: whole manifest.
 */
import type { ManifestPath } from './references';
import { obj, list, stableJson, type Obj, type StreamContext } from './builder-streams';

const REQUEST_OPTION = ['type', 'field_name', 'field_path', 'inject_into'];
const BACKOFFS: Record<string, string[]> = {
  ConstantBackoffStrategy: ['type', 'backoff_time_in_seconds'],
  ExponentialBackoffStrategy: ['type', 'factor'],
  WaitUntilTimeFromHeader: ['type', 'header', 'regex', 'min_wait'],
  WaitTimeFromHeader: ['type', 'header', 'regex'],
};
const STRATEGIES: Record<string, string[]> = {
  OffsetIncrement: ['type', 'inject_on_first_request', 'page_size'],
  PageIncrement: ['type', 'inject_on_first_request', 'page_size', 'start_from_page'],
  CursorPagination: ['type', 'cursor_value', 'stop_condition', 'page_size'],
};
const CURSOR_FIELDS = ['type', 'cursor_datetime_formats', 'cursor_field', 'cursor_granularity', 'datetime_format', 'end_datetime', 'end_time_option', 'is_data_feed', 'lookback_window', 'partition_field_end', 'partition_field_start', 'start_datetime', 'start_time_option', 'step'];

/** Fields of `c` outside `known`, leaving out `$parameters` and the fields the CDK filled in from them. */
export function unknownFields(c: Obj, known: string[]): string[] {
  const params = obj(c.$parameters) ?? {};
  return Object.keys(c).filter((k) => !known.includes(k) && k !== '$parameters' && !(k in params && stableJson(c[k]) === stableJson(params[k])));
}

/** True when the component is shown in the UI; otherwise reports why it stays YAML. */
function known(c: Obj, fields: string[], path: ManifestPath, what: string, ctx: StreamContext): boolean {
  const extra = unknownFields(c, fields);
  if (extra.length) ctx.fallback('unsupported-field', path, `${what} has fields the Builder UI does not support (${extra.join(', ')}); the UI keeps it as YAML`, 'remove them if they do nothing, or accept a YAML block in the UI');
  return !extra.length;
}

function requestOption(o: unknown, path: ManifestPath, what: string, ctx: StreamContext): void {
  const r = obj(o);
  if (!r) return;
  if (r.field_name && r.field_path) ctx.fallback('request-option', path, `${what} sets both field_name and field_path; the Builder UI needs one`);
  known(r, REQUEST_OPTION, path, what, ctx);
}

export function checkRecordSelector(selector: unknown, path: ManifestPath, name: string, ctx: StreamContext): void {
  if (!ctx.supported(selector, path, `${name}'s record selector`, ['RecordSelector'], 'record-selector')) return;
  const s = selector as Obj;
  if (!known(s, ['type', 'extractor', 'record_filter', 'schema_normalization'], path, `${name}'s record selector`, ctx)) return;
  if (!ctx.supported(s.extractor, [...path, 'extractor'], `${name}'s record extractor`, ['DpathExtractor'], 'record-selector')) return;
  if (!known(s.extractor as Obj, ['type', 'field_path'], [...path, 'extractor'], `${name}'s record extractor`, ctx)) return;
  if (s.record_filter !== undefined && ctx.supported(s.record_filter, [...path, 'record_filter'], `${name}'s record filter`, ['RecordFilter'], 'record-selector'))
    known(s.record_filter as Obj, ['type', 'condition'], [...path, 'record_filter'], `${name}'s record filter`, ctx);
  // A custom normalization is not rejected: the converter reads it as "no normalization", so it is lost.
  if (obj(s.schema_normalization)) ctx.supported(s.schema_normalization, [...path, 'schema_normalization'], `${name}'s schema normalization`, [], 'record-selector');
}

export function checkPaginator(paginator: unknown, path: ManifestPath, name: string, ctx: StreamContext): void {
  const p = obj(paginator);
  if (!p || p.type === 'NoPagination') return;
  if (!ctx.supported(p, path, `${name}'s paginator`, ['DefaultPaginator'], 'paginator')) return;
  if (!known(p, ['type', 'pagination_strategy', 'page_size_option', 'page_token_option'], path, `${name}'s paginator`, ctx)) return;
  const sp: ManifestPath = [...path, 'pagination_strategy'];
  if (ctx.supported(p.pagination_strategy, sp, `${name}'s pagination strategy`, Object.keys(STRATEGIES), 'paginator')) {
    const s = p.pagination_strategy as Obj;
    known(s, STRATEGIES[String(s.type)], sp, `${name}'s ${String(s.type)}`, ctx);
  }
  requestOption(p.page_size_option, [...path, 'page_size_option'], `${name}'s page_size_option`, ctx);
  const token = obj(p.page_token_option);
  if (token?.type === 'RequestPath') known(token, ['type'], [...path, 'page_token_option'], `${name}'s page_token_option`, ctx);
  else requestOption(token, [...path, 'page_token_option'], `${name}'s page_token_option`, ctx);
}

export function checkIncrementalSync(cursor: unknown, path: ManifestPath, name: string, ctx: StreamContext): void {
  if (!ctx.supported(cursor, path, `${name}'s incremental sync`, ['DatetimeBasedCursor'], 'incremental-sync')) return;
  const c = cursor as Obj;
  if (!known(c, CURSOR_FIELDS, path, `${name}'s DatetimeBasedCursor`, ctx)) return;
  for (const f of ['start_time_option', 'end_time_option']) requestOption(c[f], [...path, f], `${name}'s ${f}`, ctx);
  for (const f of ['partition_field_start', 'partition_field_end'])
    if (c[f]) ctx.fallback('incremental-sync', [...path, f], `${name}'s DatetimeBasedCursor uses ${f}, which the Builder UI does not support`);
  for (const f of ['start_datetime', 'end_datetime']) {
    const m = obj(c[f]);
    if (m) known(m, ['type', 'datetime', 'datetime_format'], [...path, f], `${name}'s ${f}`, ctx);
  }
}

export function checkRouters(routers: unknown, path: ManifestPath, name: string, ctx: StreamContext): void {
  const many = Array.isArray(routers);
  list(routers).forEach((r, k) => {
    const rp: ManifestPath = many ? [...path, k] : path;
    const router = obj(r);
    if (!router) return;
    if (router.type === 'SubstreamPartitionRouter') return checkSubstream(router, rp, name, ctx);
    if (router.type === 'ListPartitionRouter') {
      if (known(router, ['type', 'cursor_field', 'request_option', 'values'], rp, `${name}'s ListPartitionRouter`, ctx)) requestOption(router.request_option, [...rp, 'request_option'], `${name}'s ListPartitionRouter.request_option`, ctx);
      return;
    }
    if (String(router.type).startsWith('Custom') || 'class_name' in router) return void ctx.supported(router, rp, `${name}'s partition router`, [], 'partition-router');
    // Grouping/Union routers match neither of the converter's two filters: the UI drops them without a word.
    ctx.out.push({ rule: 'partition-router', impact: 'loss', scope: 'component', path: rp, message: `${name}'s partition router is a ${String(router.type)}; the Builder UI drops it on import (it shows only List and Substream routers)` });
  });
}

function checkSubstream(router: Obj, rp: ManifestPath, name: string, ctx: StreamContext): void {
  const configs = list(router.parent_stream_configs);
  // Matched first, for every parent: the parent must equal one of the manifest's streams once resolved.
  const streams = new Set(ctx.streams.map(stableJson));
  configs.forEach((c, k) => {
    const parent = obj(c)?.stream;
    if (parent !== undefined && !streams.has(stableJson(parent)))
      ctx.block('parent-stream', [...rp, 'parent_stream_configs', k, 'stream'], `${name}'s parent stream is not one of the manifest's streams (once references and $parameters are resolved); the Builder UI needs it to be`, 'define the parent as a stream and point to it with $ref, without overriding its fields or $parameters');
  });
  if (!known(router, ['type', 'parent_stream_configs'], rp, `${name}'s SubstreamPartitionRouter`, ctx)) return;
  if (configs.length !== 1) return ctx.fallback('partition-router', rp, `${name}'s SubstreamPartitionRouter has ${configs.length} parent streams; the Builder UI supports exactly one`);
  const cfg = obj(configs[0]);
  const cp: ManifestPath = [...rp, 'parent_stream_configs', 0];
  if (cfg && known(cfg, ['type', 'parent_key', 'partition_field', 'request_option', 'stream', 'incremental_dependency'], cp, `${name}'s parent stream config`, ctx))
    requestOption(cfg.request_option, [...cp, 'request_option'], `${name}'s parent stream request_option`, ctx);
}

export function checkTransformations(transformations: unknown, path: ManifestPath, name: string, ctx: StreamContext): void {
  list(transformations).forEach((t, k) => {
    const tp: ManifestPath = [...path, k];
    const tr = obj(t);
    if (!tr) return;
    if (tr.type === 'AddFields') {
      if (known(tr, ['type', 'fields'], tp, `${name}'s AddFields`, ctx))
        list(tr.fields).forEach((f, j) => {
          const field = obj(f);
          if (field && (field.value === undefined || field.path === undefined)) ctx.fallback('transformation', [...tp, 'fields', j], `${name}'s AddFields field needs both value and path for the Builder UI`);
        });
    } else if (tr.type === 'RemoveFields') known(tr, ['type', 'field_pointers'], tp, `${name}'s RemoveFields`, ctx);
    else if (String(tr.type).startsWith('Custom') || 'class_name' in tr) ctx.supported(tr, tp, `${name}'s transformation #${k + 1}`, [], 'transformation');
    // Other CDK transformations are skipped by the converter: the UI shows the stream without them.
    else ctx.out.push({ rule: 'transformation', impact: 'loss', scope: 'component', path: tp, message: `${name}'s transformation #${k + 1} is a ${String(tr.type)}; the Builder UI shows only AddFields and RemoveFields and drops it on import` });
  });
}

export function checkErrorHandler(handler: unknown, path: ManifestPath, name: string, ctx: StreamContext): void {
  if (!ctx.supported(handler, path, `${name}'s error handler`, ['DefaultErrorHandler', 'CompositeErrorHandler'], 'error-handler')) return;
  const h = handler as Obj;
  const handlers = h.type === 'CompositeErrorHandler' ? list(h.error_handlers).map((x, i): [unknown, ManifestPath] => [x, [...path, 'error_handlers', i]]) : [[h, path] as [unknown, ManifestPath]];
  for (const [x, p] of handlers) {
    if (h.type === 'CompositeErrorHandler' && !ctx.supported(x, p, `${name}'s error handler`, ['DefaultErrorHandler'], 'error-handler')) continue;
    const d = x as Obj;
    if (!known(d, ['type', 'backoff_strategies', 'response_filters', 'max_retries'], p, `${name}'s DefaultErrorHandler`, ctx)) continue;
    const backoffs = list(d.backoff_strategies);
    if (backoffs.length > 1) ctx.fallback('error-handler', [...p, 'backoff_strategies'], `${name}'s error handler has ${backoffs.length} backoff strategies; the Builder UI supports one`);
    const b = obj(backoffs[0]);
    const bp: ManifestPath = [...p, 'backoff_strategies', 0];
    if (b && ctx.supported(b, bp, `${name}'s backoff strategy`, Object.keys(BACKOFFS), 'error-handler') && known(b, BACKOFFS[String(b.type)], bp, `${name}'s ${String(b.type)}`, ctx))
      // The form holds these as numbers: an interpolated value cannot be shown.
      for (const f of ['backoff_time_in_seconds', 'factor', 'min_wait'])
        if (b[f] !== undefined && Number.isNaN(Number(b[f]))) ctx.fallback('error-handler', [...bp, f], `${name}'s ${String(b.type)}.${f} is ${JSON.stringify(b[f])}; the Builder UI needs a number`);
    const filters = list(d.response_filters);
    if (filters.length > 1) ctx.fallback('error-handler', [...p, 'response_filters'], `${name}'s error handler has several response filters; the Builder UI supports one`);
    else if (obj(filters[0])) known(filters[0] as Obj, ['type', 'action', 'error_message', 'error_message_contains', 'http_codes', 'predicate'], [...p, 'response_filters', 0], `${name}'s response filter`, ctx);
  }
}
