/**
 * The Connector Builder UI's component support matrix (the webapp's manifest→form converter), applied to a
 * preprocessed manifest. Each finding names the place in the preprocessed manifest; callers map it back
 * to the source through `sourcePath` and the `origins` of preprocessManifest.
 */
import type { ManifestPath } from './references';
import { suggestReplacement, type PythonClass, type Replacement } from './custom-components';
import { checkAuthenticator } from './builder-auth';

export interface MatrixFinding {
  rule: string;
  /** `yaml-only`: the Builder can import it but not show it in the UI; `loss`: the import drops something. */
  impact: 'yaml-only' | 'loss';
  path: ManifestPath;
  message: string;
  fix?: string;
  replacement?: Replacement;
}

export interface MatrixOptions {
  /** Classes of the connector's components.py files, to suggest CDK replacements. */
  pythonClasses?: Map<string, PythonClass>;
  /** The manifest as written (before preprocessing), to see which streams a parent `$ref` names. */
  source?: unknown;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

const DECODERS = new Set(['JsonDecoder', 'JsonlDecoder', 'XmlDecoder', 'IterableDecoder', 'CsvDecoder', 'GzipDecoder', 'ZipfileDecoder']);
const BACKOFFS = new Set(['ConstantBackoffStrategy', 'ExponentialBackoffStrategy', 'WaitTimeFromHeader', 'WaitUntilTimeFromHeader']);
const AUTH_KEYS = new Set(['type', 'class_name', 'api_token', 'header', 'inject_into', 'username', 'password', 'client_id', 'client_secret', 'refresh_token', 'token_refresh_endpoint', 'grant_type', 'scopes', 'access_token_name', 'access_token_value', 'expires_in_name', 'refresh_request_body', 'refresh_token_updater', 'login_requester', 'session_token_path', 'request_authentication', 'secret_key', 'algorithm', 'token_duration', 'jwt_headers', 'jwt_payload', 'expiration_duration']);
const DATETIME_CURSOR_UNSUPPORTED = ['partition_field_start', 'partition_field_end', 'clamping', 'is_client_side_incremental', 'global_substream_cursor', 'is_compare_strictly', 'lookback_window_type'];

export function checkBuilderMatrix(manifest: Obj, origins?: WeakMap<object, ManifestPath>, options: MatrixOptions = {}): MatrixFinding[] {
  const out: MatrixFinding[] = [];
  const block = (rule: string, path: ManifestPath, message: string, fix?: string) => out.push({ rule, impact: 'yaml-only', path, message, fix });
  const custom = (c: Obj, path: ManifestPath, where: string) => {
    const type = String(c.type ?? 'custom component');
    const replacement = suggestReplacement(type, typeof c.class_name === 'string' ? c.class_name : undefined, options.pythonClasses);
    out.push({
      rule: 'custom-component',
      impact: 'yaml-only',
      path,
      message: `${where} is a ${type}${c.class_name ? ` (${c.class_name})` : ''}: Python code the Builder UI cannot show and runs only with AIRBYTE_ENABLE_UNSAFE_CODE`,
      fix: replacement.replaceWith ? `replace it with ${replacement.replaceWith.join(' or ')} (${replacement.reason})` : `no known CDK replacement: ${replacement.reason}`,
      replacement,
    });
  };
  const supported = (c: unknown, path: ManifestPath, where: string, allowed: Set<string> | string[], rule: string): c is Obj => {
    const o = obj(c);
    if (!o) return false;
    const type = String(o.type);
    if (type.startsWith('Custom') || 'class_name' in o) {
      custom(o, path, where);
      return false;
    }
    if (!(allowed instanceof Set ? allowed : new Set(allowed)).has(type)) {
      block(rule, path, `${where} is a ${type}, which the Builder UI does not support`);
      return false;
    }
    return true;
  };

  const check = obj(manifest.check);
  if (check?.type === 'CheckDynamicStream') block('check', ['check'], 'check is a CheckDynamicStream, which the Builder UI does not support', 'use CheckStream with stream_names');

  const streams = list(manifest.streams);
  // A parent stream is "one of the streams" when it references the same definition as a streams entry.
  const streamIdentity = (s: unknown) => {
    const at = s && typeof s === 'object' ? origins?.get(s as object) : undefined;
    return at ? (referenceAt(options.source, at) ?? `#/${at.join('/')}`) : '';
  };
  const streamOrigins = streams.map(streamIdentity);
  let first: { url?: unknown; auth?: string; index: number } | undefined;
  streams.forEach((s, i) => {
    const stream = obj(s);
    if (!stream) return;
    const sp: ManifestPath = ['streams', i];
    const name = typeof stream.name === 'string' ? `stream ${stream.name}` : `stream #${i + 1}`;
    if (stream.type !== 'DeclarativeStream') return block('stream-type', sp, `${name} is a ${String(stream.type)}, which the Builder UI does not support`);
    const retriever = obj(stream.retriever);
    if (!supported(retriever, [...sp, 'retriever'], `${name}'s retriever`, ['SimpleRetriever', 'AsyncRetriever'], 'retriever')) return;
    const requester = obj(retriever!.requester) ?? obj(retriever!.creation_requester);
    const rp: ManifestPath = [...sp, 'retriever', retriever!.requester ? 'requester' : 'creation_requester'];
    if (!supported(requester, rp, `${name}'s requester`, ['HttpRequester'], 'requester')) return;
    const req = requester!;
    if (retriever!.type === 'AsyncRetriever') {
      for (const f of ['polling_requester', 'download_requester'])
        if (retriever![f] !== undefined) supported(retriever![f], [...sp, 'retriever', f], `${name}'s ${f}`, ['HttpRequester'], 'requester');
      for (const f of ['status_extractor', 'download_target_extractor', 'download_extractor'])
        if (retriever![f] !== undefined) supported(retriever![f], [...sp, 'retriever', f], `${name}'s ${f}`, ['DpathExtractor'], 'record-selector');
    }
    const auth = JSON.stringify(comparableAuth(req.authenticator));
    if (!first) first = { url: req.url_base, auth, index: i };
    else {
      if (req.url_base !== first.url) block('url-base', [...rp, 'url_base'], `${name} uses url_base ${JSON.stringify(req.url_base)} but the first stream uses ${JSON.stringify(first.url)}; the Builder UI needs one url_base for all streams`, 'move the difference into each stream\'s path');
      if (auth !== first.auth) block('authenticator-mismatch', [...rp, 'authenticator'], `${name} authenticates differently from the first stream; the Builder UI needs one authenticator for all streams`);
    }
    if (req.http_method !== undefined && req.http_method !== 'GET' && req.http_method !== 'POST')
      block('http-method', [...rp, 'http_method'], `${name} uses http_method ${String(req.http_method)}; the Builder UI supports only GET and POST`);
    const params = req.request_parameters;
    if (params !== undefined && (!obj(params) || Object.values(params as Obj).some((v) => typeof v !== 'string')))
      block('request-parameters', [...rp, 'request_parameters'], `${name}'s request_parameters must be a mapping of strings for the Builder UI`, 'write each parameter as a string (interpolate lists with a join)');
    if (req.authenticator !== undefined) out.push(...checkAuthenticator(req.authenticator, [...rp, 'authenticator'], manifest, (c, p, w) => custom(c, p, w)));
    if (req.error_handler !== undefined) checkErrorHandler(req.error_handler, [...rp, 'error_handler'], name, supported, block);

    const pk = stream.primary_key;
    if (Array.isArray(pk) && pk.some((k) => Array.isArray(k) && k.length > 1)) block('primary-key', [...sp, 'primary_key'], `${name} has a nested primary key, which the Builder UI does not support`);
    const loaders = list(stream.schema_loader);
    if (loaders.length > 1) block('schema-loader', [...sp, 'schema_loader'], `${name} has several schema loaders; the Builder UI supports one InlineSchemaLoader`);
    else if (loaders.length === 1) {
      const l = obj(loaders[0]);
      if (l?.type === 'JsonFileSchemaLoader') {
        block('schema-loader', [...sp, 'schema_loader'], `${name} loads its schema from a file (JsonFileSchemaLoader); the import would lose it`, 'inline the schema (import-check --fix)');
      } else supported(l, [...sp, 'schema_loader'], `${name}'s schema_loader`, ['InlineSchemaLoader'], 'schema-loader');
    }
    const decoder = retriever!.decoder;
    if (decoder !== undefined) checkDecoder(decoder, [...sp, 'retriever', 'decoder'], name, supported);
    const selector = obj(retriever!.record_selector);
    if (selector) {
      const sel: ManifestPath = [...sp, 'retriever', 'record_selector'];
      if (selector.extractor !== undefined) supported(selector.extractor, [...sel, 'extractor'], `${name}'s record extractor`, ['DpathExtractor'], 'record-selector');
      if (selector.record_filter !== undefined) supported(selector.record_filter, [...sel, 'record_filter'], `${name}'s record filter`, ['RecordFilter'], 'record-selector');
      if (obj(selector.schema_normalization)) supported(selector.schema_normalization, [...sel, 'schema_normalization'], `${name}'s schema normalization`, [], 'record-selector');
      for (const f of ['transform_before_filtering', 'record_expander']) if (selector[f] !== undefined && selector[f] !== false) block('record-selector', [...sel, f], `${name}'s record selector uses ${f}, which the Builder UI does not support`);
    }
    const paginator = obj(retriever!.paginator);
    if (paginator && supported(paginator, [...sp, 'retriever', 'paginator'], `${name}'s paginator`, ['DefaultPaginator', 'NoPagination'], 'paginator') && paginator.type === 'DefaultPaginator') {
      supported(paginator.pagination_strategy, [...sp, 'retriever', 'paginator', 'pagination_strategy'], `${name}'s pagination strategy`, ['PageIncrement', 'OffsetIncrement', 'CursorPagination'], 'paginator');
      for (const f of ['page_token_option', 'page_size_option']) {
        const o = obj(paginator[f]);
        if (o && 'field_name' in o && 'field_path' in o) block('request-option', [...sp, 'retriever', 'paginator', f], `${name}'s ${f} sets both field_name and field_path`);
      }
    }
    list(retriever!.partition_router).forEach((r, k) => {
      const rp2: ManifestPath = Array.isArray(retriever!.partition_router) ? [...sp, 'retriever', 'partition_router', k] : [...sp, 'retriever', 'partition_router'];
      if (!supported(r, rp2, `${name}'s partition router`, ['ListPartitionRouter', 'SubstreamPartitionRouter'], 'partition-router')) return;
      const router = r as Obj;
      if (router.type !== 'SubstreamPartitionRouter') return;
      const parents = list(router.parent_stream_configs);
      if (parents.length !== 1) return block('partition-router', rp2, `${name}'s SubstreamPartitionRouter has ${parents.length} parent streams; the Builder UI supports exactly one`);
      const parent = obj(obj(parents[0])?.stream);
      if (parent && !streamOrigins.includes(streamIdentity(parent)))
        block('partition-router', [...rp2, 'parent_stream_configs', 0, 'stream'], `${name}'s parent stream is written inline; the Builder UI needs it to be one of the manifest's streams`, 'define the parent as a stream and reference it with $ref');
    });
    const inc = obj(stream.incremental_sync);
    if (inc && supported(inc, [...sp, 'incremental_sync'], `${name}'s incremental sync`, ['DatetimeBasedCursor'], 'incremental-sync')) {
      for (const f of DATETIME_CURSOR_UNSUPPORTED) if (inc[f] !== undefined) block('incremental-sync', [...sp, 'incremental_sync', f], `${name}'s DatetimeBasedCursor uses ${f}, which the Builder UI does not support`);
    }
    list(stream.transformations).forEach((t, k) => supported(t, [...sp, 'transformations', k], `${name}'s transformation #${k + 1}`, ['AddFields', 'RemoveFields'], 'transformation'));
  });
  list(manifest.dynamic_streams).forEach((d, i) => {
    const resolver = obj(obj(d)?.components_resolver);
    if (resolver?.type !== 'HttpComponentsResolver') block('dynamic-streams', ['dynamic_streams', i, 'components_resolver'], `dynamic stream #${i + 1} uses a ${String(resolver?.type)}; the Builder UI supports only HttpComponentsResolver`);
  });
  return out;
}

function checkDecoder(decoder: unknown, path: ManifestPath, name: string, supported: (c: unknown, p: ManifestPath, w: string, a: Set<string>, r: string) => boolean) {
  if (supported(decoder, path, `${name}'s decoder`, DECODERS, 'decoder')) {
    const inner = (decoder as Obj).decoder;
    if (inner !== undefined) checkDecoder(inner, [...path, 'decoder'], name, supported);
  }
}

function checkErrorHandler(handler: unknown, path: ManifestPath, name: string, supported: (c: unknown, p: ManifestPath, w: string, a: string[] | Set<string>, r: string) => boolean, block: (rule: string, p: ManifestPath, m: string) => void) {
  if (!supported(handler, path, `${name}'s error handler`, ['DefaultErrorHandler', 'CompositeErrorHandler'], 'error-handler')) return;
  const h = handler as Obj;
  const defaults = h.type === 'CompositeErrorHandler' ? list(h.error_handlers).map((x, i): [unknown, ManifestPath] => [x, [...path, 'error_handlers', i]]) : [[h, path] as [unknown, ManifestPath]];
  for (const [x, p] of defaults) {
    if (h.type === 'CompositeErrorHandler' && !supported(x, p, `${name}'s error handler`, ['DefaultErrorHandler'], 'error-handler')) continue;
    const d = x as Obj;
    const backoffs = list(d.backoff_strategies);
    if (backoffs.length > 1) block('error-handler', [...p, 'backoff_strategies'], `${name}'s error handler has ${backoffs.length} backoff strategies; the Builder UI supports one`);
    backoffs.forEach((b, k) => supported(b, [...p, 'backoff_strategies', k], `${name}'s backoff strategy`, BACKOFFS, 'error-handler'));
    if (list(d.response_filters).length > 1) block('error-handler', [...p, 'response_filters'], `${name}'s error handler has several response filters; the Builder UI supports one`);
  }
}

/** The `#/…` reference written at `path` of the source manifest (a `$ref` key or a reference string). */
function referenceAt(source: unknown, path: ManifestPath): string | undefined {
  let node = source;
  for (const seg of path) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  if (typeof node === 'string' && node.startsWith('#/')) return node;
  const ref = obj(node)?.$ref;
  return typeof ref === 'string' ? ref : undefined;
}

/** What the Builder compares to decide that two streams share an authenticator. */
function comparableAuth(auth: unknown): unknown {
  const a = obj(auth);
  if (!a || a.type === 'NoAuth') return null;
  // Only the authenticator's own fields: propagated $parameters (name, path…) differ per stream and do not count.
  return Object.fromEntries(Object.entries(a).filter(([k]) => AUTH_KEYS.has(k)).sort(([x], [y]) => x.localeCompare(y)));
}
