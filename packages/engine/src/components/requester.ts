/**
 * HttpRequester: URL, method, request options (requester → authenticator → retriever extras, in that order,
 * duplicates rejected like combine_mappings), body, error handling and the parent-stream HTTP cache.
 */
import { evalMapping, evalNested, evalString, type Context } from '../jinja/interpolation';
import { isDict, pyStr } from '../jinja/values';
import { HttpClient } from '../http/client';
import { joinUrl } from '../http/url';
import type { Response } from '../http/response';
import { TracedError } from '../protocol';
import { type Build, type Node, expectType, params, refuseFields } from './build';
import { buildErrorHandler } from './error-handler';
import { type Authenticator, type Injection, buildAuthenticator } from './auth';

export interface Requester {
  urlBase(ctx: Context): string;
  /** Send one request; `extra` holds the paginator's and slicer's options, `path` a RequestPath override. */
  send(ctx: Context, path: string | undefined, extra: Partial<Injection>): Promise<Response>;
}

/** combine_mappings: merge request option mappings, refusing a key set twice. */
export function combine(parts: Record<string, unknown>[], what: string, allowSameValue = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const merge = (target: Record<string, unknown>, src: Record<string, unknown>, prefix: string): void => {
    for (const [k, v] of Object.entries(src)) {
      if (k in target) {
        if (isDict(target[k]) && isDict(v)) {
          merge(target[k] as Record<string, unknown>, v, `${prefix}${k}.`);
          continue;
        }
        // JSON bodies may set the same key twice when the values agree (combine_mappings allow_same_value_merge).
        if (allowSameValue && JSON.stringify(target[k]) === JSON.stringify(v)) continue;
        throw new TracedError(`Duplicate keys found: {'${prefix}${k}'} in ${what}`, undefined, 'config_error');
      }
      target[k] = isDict(v) ? { ...v } : v;
    }
  };
  for (const p of parts) merge(out, p, '');
  return out;
}

const dropNulls = (m: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(m).filter(([, v]) => v !== null && v !== undefined));

export function buildRequester(b: Build, node: Node, streamName: string): Requester {
  expectType(b, node, ['HttpRequester']);
  refuseFields(b, node, ['fetch_properties_from_endpoint', 'query_properties', 'api_budget']);
  // HttpRequester._resolve_request_body: request_body becomes request_body_data (url-encoded form) or
  // request_body_json (JSON object, plain text, GraphQL query without its None fields).
  let bodyJson: unknown = node.request_body_json;
  let bodyData: unknown = node.request_body_data;
  const rb = node.request_body as Node | undefined;
  if (rb !== undefined && rb !== null) {
    const kind = expectType(b, rb, ['RequestBodyUrlEncodedForm', 'RequestBodyJsonObject', 'RequestBodyPlainText', 'RequestBodyGraphQL']);
    if (kind === 'RequestBodyUrlEncodedForm') bodyData = rb.value;
    else if (kind === 'RequestBodyGraphQL') bodyJson = Object.fromEntries(Object.entries((rb.value as Node) ?? {}).filter(([, v]) => v !== null && v !== undefined));
    else bodyJson = rb.value;
  }
  const p = params(node);
  const method = String(node.http_method ?? 'GET').toUpperCase();
  if (!['GET', 'POST'].includes(method)) throw b.error(node, `http_method ${method} is not supported (GET or POST)`);
  const auth: Authenticator = buildAuthenticator(b, node.authenticator as Node | undefined);
  const handler = buildErrorHandler(b, node.error_handler as Node | undefined);
  const useCache = node.use_cache === true || (node.use_cache !== false && b.parentStreams.has(streamName));
  const client = new HttpClient(streamName, handler, b.rt, useCache);

  const mapping = (field: string, ctx: Context, valid?: ('str' | 'list')[]): Record<string, unknown> | string => {
    const v = field === 'request_body_data' ? bodyData : node[field];
    if (v === undefined || v === null) return {};
    if (typeof v === 'string') {
      const r = evalString(v, b.config, ctx, p);
      return isDict(r) ? dropNulls(r) : r === null ? {} : pyStr(r);
    }
    return dropNulls(evalMapping(v as Node, b.config, ctx, p, valid));
  };

  const urlBase = (ctx: Context): string => pyStr(evalString(node.url_base ?? '', b.config, ctx, p) ?? '');
  return {
    urlBase,
    async send(ctx, path, extra) {
      const full: Context = { stream_slice: {}, next_page_token: null, ...ctx };
      const thePath = path ?? pyStr(evalString(node.path ?? '', b.config, full, p) ?? '').replace(/^\/+/, '');
      const base = node.url_base !== undefined ? urlBase(full) : '';
      const url = base ? joinUrl(base, thePath) : joinUrl(pyStr(evalString(node.url ?? '', b.config, full, p) ?? ''), thePath);
      // The session's auth hook adds the auth header again at send time (the CDK calls get_auth_header twice).
      const injected = await auth.inject();
      const atSend = await auth.inject(true);
      const reqParams = mapping('request_parameters', full, ['str', 'list']);
      if (typeof reqParams === 'string') throw new TracedError('Request params cannot be a string', undefined, 'config_error');
      const reqHeaders = mapping('request_headers', full);
      const params = combine([reqParams, injected.params, extra.params ?? {}], 'request parameters');
      for (const [k, v] of Object.entries(params)) {
        if (isDict(v)) throw new TracedError(`Invalid value for \`${k}\` parameter. The values of request params cannot be an object.`, undefined, 'config_error');
      }
      const headers = combine([typeof reqHeaders === 'string' ? {} : reqHeaders, injected.headers, extra.headers ?? {}], 'request headers');
      Object.assign(headers, atSend.headers);
      let json: unknown;
      let data: unknown;
      if (bodyJson !== undefined && bodyJson !== null) {
        const j = typeof bodyJson === 'string' ? evalString(bodyJson, b.config, full, p) : evalNested(bodyJson, b.config, full, p);
        json = isDict(j) ? combine([j, injected.json, extra.json ?? {}], 'request body json', true) : j;
      } else if (Object.keys({ ...injected.json, ...extra.json }).length) json = combine([injected.json, extra.json ?? {}], 'request body json', true);
      if (bodyData !== undefined && bodyData !== null) {
        const d = mapping('request_body_data', full);
        data = typeof d === 'string' ? d : combine([d, injected.data, extra.data ?? {}], 'request body data');
      } else if (Object.keys({ ...injected.data, ...extra.data }).length) data = combine([injected.data, extra.data ?? {}], 'request body data');
      // On a retry the session's auth hook runs again before the request is resent.
      const reauth = async (): Promise<Record<string, unknown>> => (await auth.inject(true)).headers;
      return client.send({ method, url, params, headers, json, data, dedupe: true, reauth });
    },
  };
}

