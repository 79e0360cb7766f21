/**
 * One stream through the Builder's manifest→form converter (convertManifestToBuilderForm.ts, dynamic-streams version:
 * manifestSyncStreamToBuilder / manifestAsyncStreamToBuilder). What the converter checks outside
 * convertOrDumpAsString makes the whole manifest YAML-only (`block`); what it checks inside makes only that component
 * a YAML block in the UI (`fallback`); what it silently drops is a `loss`.
 */
import type { ManifestPath } from './references';
import type { MatrixFinding } from './builder-matrix';
import { checkAuthenticator } from './builder-auth';
import { checkErrorHandler, checkIncrementalSync, checkPaginator, checkRecordSelector, checkRouters, checkTransformations } from './builder-components';

export type Obj = Record<string, unknown>;
export const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
export const streamName = (s: unknown, i: number) => (typeof obj(s)?.name === 'string' ? `stream ${obj(s)!.name}` : `stream #${i + 1}`);

export type Supported = (c: unknown, path: ManifestPath, where: string, allowed: Set<string> | string[], rule: string, whole?: boolean) => boolean;
export type Report = (rule: string, path: ManifestPath, message: string, fix?: string) => void;

export interface StreamContext {
  manifest: Obj;
  streams: unknown[];
  /** The requester of the first SimpleRetriever: every SimpleRetriever stream must match its url_base and authenticator. */
  first?: Obj;
  supported: Supported;
  block: Report;
  fallback: Report;
  out: MatrixFinding[];
}

const DECODERS = new Set(['JsonDecoder', 'JsonlDecoder', 'XmlDecoder', 'IterableDecoder', 'CsvDecoder', 'GzipDecoder', 'ZipfileDecoder']);

/** The converter's RELEVANT_AUTHENTICATOR_KEYS: the keys of ApiKey, Basic, Bearer and OAuth authenticators. */
const AUTH_KEYS = ['type', 'api_token', 'header', 'username', 'password', 'client_id', 'client_secret', 'refresh_token', 'token_refresh_endpoint', 'access_token_name', 'access_token_value', 'expires_in_name', 'grant_type', 'refresh_request_body', 'scopes', 'token_expiry_date', 'token_expiry_date_format', 'refresh_token_updater', 'inject_into', 'client_id_name', 'client_secret_name', 'grant_type_name', 'profile_assertion', 'refresh_request_headers', 'refresh_token_name', 'use_profile_assertion'];

export function checkSyncStream(stream: Obj, sp: ManifestPath, name: string, ctx: StreamContext): void {
  const retriever = obj(stream.retriever)!;
  const rp: ManifestPath = [...sp, 'retriever', 'requester'];
  if (!ctx.supported(retriever.requester, rp, `${name}'s requester`, ['HttpRequester'], 'requester', true)) return;
  const req = obj(retriever.requester)!;
  if (req.url_base !== ctx.first?.url_base)
    ctx.block('url-base', [...rp, 'url_base'], `${name} uses url_base ${JSON.stringify(req.url_base)} but the first stream uses ${JSON.stringify(ctx.first?.url_base)}; the Builder UI needs one url_base for all streams`, "move the difference into each stream's path");
  if (!sameAuthenticator(req.authenticator, ctx.first?.authenticator))
    ctx.block('authenticator-mismatch', [...rp, 'authenticator'], `${name} authenticates differently from the first stream; the Builder UI needs one authenticator for all streams`);
  if (req.http_method !== undefined && req.http_method !== 'GET' && req.http_method !== 'POST')
    ctx.block('http-method', [...rp, 'http_method'], `${name} uses http_method ${String(req.http_method)}; the Builder UI supports only GET and POST`);
  checkRequester(req, rp, name, ctx, false);
  checkDecoder(retriever.decoder, [...sp, 'retriever', 'decoder'], name, ctx);
  checkPrimaryKey(stream, sp, name, ctx);
  checkRecordSelector(retriever.record_selector, [...sp, 'retriever', 'record_selector'], name, ctx);
  checkPaginator(retriever.paginator, [...sp, 'retriever', 'paginator'], name, ctx);
  checkIncrementalSync(stream.incremental_sync, [...sp, 'incremental_sync'], name, ctx);
  checkRouters(retriever.partition_router, [...sp, 'retriever', 'partition_router'], name, ctx);
  checkSchemaLoader(stream, sp, name, ctx);
  checkTransformations(stream.transformations, [...sp, 'transformations'], name, ctx);
}

export function checkAsyncStream(stream: Obj, sp: ManifestPath, name: string, ctx: StreamContext): void {
  const retriever = obj(stream.retriever)!;
  const at = (f: string): ManifestPath => [...sp, 'retriever', f];
  // All three requesters must be HttpRequesters; the converter asserts it before anything else.
  for (const f of ['creation_requester', 'polling_requester', 'download_requester'])
    if (!ctx.supported(retriever[f], at(f), `${name}'s ${f}`, ['HttpRequester'], 'requester', true)) return;
  // Custom or file extractors there are rejected outright, not kept as YAML.
  for (const f of ['download_extractor', 'status_extractor', 'download_target_extractor']) {
    const e = obj(retriever[f]);
    if (e && (String(e.type).startsWith('Custom') || 'class_name' in e || (f === 'download_extractor' && e.type === 'ResponseToFileExtractor')))
      ctx.supported(e, at(f), `${name}'s ${f}`, ['DpathExtractor'], 'async-retriever', true);
  }
  for (const f of ['creation_requester', 'polling_requester', 'download_requester']) checkRequester(obj(retriever[f])!, at(f), name, ctx, true);
  checkDecoder(retriever.decoder, at('decoder'), name, ctx);
  checkDecoder(retriever.download_decoder, at('download_decoder'), name, ctx);
  checkPrimaryKey(stream, sp, name, ctx);
  checkRecordSelector(retriever.record_selector, at('record_selector'), name, ctx);
  checkPaginator(retriever.download_paginator, at('download_paginator'), name, ctx);
  checkIncrementalSync(stream.incremental_sync, [...sp, 'incremental_sync'], name, ctx);
  checkRouters(retriever.partition_router, at('partition_router'), name, ctx);
  checkSchemaLoader(stream, sp, name, ctx);
  checkTransformations(stream.transformations, [...sp, 'transformations'], name, ctx);
}

/**
 * What every requester goes through: request_parameters (whole manifest), error handler and authenticator (component).
 * `auth`: whether this requester's authenticator is converted (async requesters); a SimpleRetriever stream's is only
 * compared with the first one, which checkBuilderMatrix converts once.
 */
function checkRequester(req: Obj, rp: ManifestPath, name: string, ctx: StreamContext, auth: boolean): void {
  const params = req.request_parameters;
  // Only a set value is read (`if (!requestParameters)`), so an empty string passes.
  if (params && (!obj(params) || Object.values(params as Obj).some((v) => typeof v !== 'string')))
    ctx.block('request-parameters', [...rp, 'request_parameters'], `${name}'s request_parameters must be a mapping of strings for the Builder UI`, 'write each parameter as a string (interpolate lists with a join)');
  if (auth && req.authenticator !== undefined)
    ctx.out.push(...checkAuthenticator(req.authenticator, [...rp, 'authenticator'], ctx.manifest, (c, p, w) => ctx.supported(c, p, w, [], 'authenticator')));
  if (req.error_handler !== undefined) checkErrorHandler(req.error_handler, [...rp, 'error_handler'], name, ctx);
}

function checkPrimaryKey(stream: Obj, sp: ManifestPath, name: string, ctx: StreamContext): void {
  // The converter looks at the first element only: any list there is a composite key it cannot show, even [["id"]].
  const pk = stream.primary_key;
  if (Array.isArray(pk) && pk.length > 0 && Array.isArray(pk[0])) ctx.block('primary-key', [...sp, 'primary_key'], `${name} has a nested primary key (a list of lists), which the Builder UI does not support`, 'write the key as a flat list of field names');
}

function checkSchemaLoader(stream: Obj, sp: ManifestPath, name: string, ctx: StreamContext): void {
  const loader = stream.schema_loader;
  if (loader === undefined) return;
  const p: ManifestPath = [...sp, 'schema_loader'];
  if (Array.isArray(loader)) return ctx.block('schema-loader', p, `${name} has a list of schema loaders; the Builder UI supports one InlineSchemaLoader`);
  if (obj(loader)?.type === 'JsonFileSchemaLoader') return ctx.block('schema-loader', p, `${name} loads its schema from a file (JsonFileSchemaLoader); the Builder UI supports only an InlineSchemaLoader`, 'inline the schema (import-check --fix)');
  ctx.supported(loader, p, `${name}'s schema_loader`, ['InlineSchemaLoader'], 'schema-loader', true);
}

function checkDecoder(decoder: unknown, path: ManifestPath, name: string, ctx: StreamContext): void {
  if (decoder === undefined) return;
  if (!ctx.supported(decoder, path, `${name}'s decoder`, DECODERS, 'decoder', true)) return;
  const d = decoder as Obj;
  if (d.type === 'GzipDecoder' || d.type === 'ZipfileDecoder') checkDecoder(d.decoder, [...path, 'decoder'], name, ctx);
}

/** The converter's authenticator comparison: NoAuth/absent first → every other must be NoAuth/absent; else equal on AUTH_KEYS. */
function sameAuthenticator(auth: unknown, first: unknown): boolean {
  const a = obj(auth);
  const f = obj(first);
  if (!f || f.type === 'NoAuth') return !a || a.type === 'NoAuth';
  return stableJson(pick(a)) === stableJson(pick(f));
}

const pick = (a: Obj | undefined): Obj => Object.fromEntries(AUTH_KEYS.filter((k) => a && k in a).map((k) => [k, a![k]]));

/** JSON with sorted keys, the way the converter serialises components to compare them (formatJson(x, true)). */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Obj)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Obj)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}
