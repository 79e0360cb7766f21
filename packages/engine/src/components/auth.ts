/**
 * Authenticators: NoAuth, ApiKey, Bearer, Basic, OAuth (refresh_token and client_credentials grants) and
 * SessionToken, with the CDK's request shapes and token lifetimes.
 */
import { TracedError } from '../protocol';
import { evalMapping, evalString } from '../jinja/interpolation';
import { num, pyStr } from '../jinja/values';
import { parseDuration } from '../jinja/datetime';
import { PyDuration } from '../jinja/values';
import { HttpClient } from '../http/client';
import { type Build, type Node, expectType, params, refuseFields } from './build';
import { buildErrorHandler } from './error-handler';
import { type Requester, buildRequester } from './requester';
import { dpathGet } from './records';
import { jwtToken } from './jwt';

export type Injection = { headers: Record<string, unknown>; params: Record<string, unknown>; json: Record<string, unknown>; data: Record<string, unknown> };
export const emptyInjection = (): Injection => ({ headers: {}, params: {}, json: {}, data: {} });

export interface Authenticator {
  /**
   * get_auth_header plus the auth's request params / body parts. With `headersOnly` (the session's auth hook at
   * send time), a token is only computed when it goes into a header — which is why a session token without
   * expiration logs in twice per request when injected as a header and once otherwise, as in the CDK.
   */
  inject(headersOnly?: boolean): Promise<Injection>;
}

/** RequestOption.inject_into_request. */
export function injectOption(b: Build, option: Node, target: Injection, value: unknown): void {
  expectType(b, option, ['RequestOption']);
  const where = option.inject_into as string;
  const bucket = where === 'header' ? target.headers : where === 'request_parameter' ? target.params : where === 'body_json' ? target.json : where === 'body_data' ? target.data : undefined;
  if (!bucket) throw b.error(option, `RequestOption.inject_into ${JSON.stringify(where)} is not supported`);
  const p = params(option);
  if (Array.isArray(option.field_path) && option.field_path.length) {
    const path = option.field_path.map((x) => pyStr(evalString(x, b.config, {}, p)));
    let cur = bucket;
    for (const k of path.slice(0, -1)) cur = (cur[k] ??= {}) as Record<string, unknown>;
    cur[path[path.length - 1]] = value;
  } else bucket[pyStr(evalString(option.field_name, b.config, {}, p))] = value;
}

function tokenOf(b: Build, node: Node, field: string): string {
  const v = evalString(node[field], b.config, {}, params(node));
  const s = v === null || v === undefined ? '' : pyStr(v);
  b.rt.scrubber.add(s);
  return s;
}

export function buildAuthenticator(b: Build, node: Node | undefined): Authenticator {
  if (!node) return { inject: async () => emptyInjection() };
  const type = expectType(b, node, ['NoAuth', 'ApiKeyAuthenticator', 'BearerAuthenticator', 'BasicHttpAuthenticator', 'OAuthAuthenticator', 'SessionTokenAuthenticator', 'SelectiveAuthenticator', 'JwtAuthenticator']);
  switch (type) {
    case 'JwtAuthenticator': {
      refuseFields(b, node, ['passphrase']);
      const token = jwtToken(b, node);
      const option = (node.request_option as Node | undefined) ?? { type: 'RequestOption', inject_into: 'header', field_name: 'Authorization' };
      return {
        inject: async (headersOnly) => {
          const out = emptyInjection();
          if (headersOnly && option.inject_into !== 'header') return out;
          injectOption(b, option, out, token());
          return out;
        },
      };
    }
    case 'SelectiveAuthenticator': {
      // The config value at authenticator_selection_path names the authenticator; built on first use.
      let chosen: Authenticator | undefined;
      return {
        inject: async (headersOnly) => {
          if (!chosen) {
            const key = dpathGet(b.config, ((node.authenticator_selection_path as unknown[]) ?? []).map(String));
            const options = (node.authenticators as Record<string, Node>) ?? {};
            if (typeof key !== 'string' || !(key in options)) {
              throw new TracedError(`The authenticator \`${String(key)}\` is not found (expected one of ${Object.keys(options).join(', ')}).`, undefined, 'config_error');
            }
            chosen = buildAuthenticator(b, options[key]);
          }
          return chosen.inject(headersOnly);
        },
      };
    }
    case 'NoAuth': return { inject: async () => emptyInjection() };
    case 'ApiKeyAuthenticator': return apiKey(b, node, async () => tokenOf(b, node, 'api_token'));
    case 'BearerAuthenticator': return {
      inject: async () => ({ ...emptyInjection(), headers: { Authorization: `Bearer ${tokenOf(b, node, 'api_token')}` } }),
    };
    case 'BasicHttpAuthenticator': return {
      inject: async () => {
        const user = tokenOf(b, node, 'username');
        const password = node.password === undefined ? '' : tokenOf(b, node, 'password');
        return { ...emptyInjection(), headers: { Authorization: `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}` } };
      },
    };
    case 'OAuthAuthenticator': return oauth(b, node);
    default: return sessionToken(b, node);
  }
}

function apiKey(b: Build, node: Node, token: () => Promise<string>): Authenticator {
  const option = (node.inject_into as Node | undefined) ?? (node.header ? { type: 'RequestOption', inject_into: 'header', field_name: node.header } : undefined);
  if (!option) throw b.error(node, 'ApiKeyAuthenticator needs inject_into (or the legacy header field)');
  return {
    inject: async (headersOnly) => {
      const out = emptyInjection();
      if (headersOnly && option.inject_into !== 'header') return out;
      injectOption(b, option, out, await token());
      return out;
    },
  };
}

function oauth(b: Build, node: Node): Authenticator {
  refuseFields(b, node, ['refresh_token_updater', 'profile_assertion', 'use_profile_assertion']);
  const p = params(node);
  const ev = (v: unknown): unknown => evalString(v, b.config, {}, p);
  const grant = node.grant_type ? pyStr(ev(node.grant_type)) : 'refresh_token';
  let token: string | undefined = node.access_token_value ? pyStr(ev(node.access_token_value)) : undefined;
  let expires = token ? Number.POSITIVE_INFINITY : 0;
  const client = new HttpClient('oauth', buildErrorHandler(b, { type: 'DefaultErrorHandler', max_retries: 5 }), b.rt);
  const refresh = async (): Promise<void> => {
    const body: Record<string, unknown> = { [String(node.grant_type_name ?? 'grant_type')]: grant };
    body[String(node.client_id_name ?? 'client_id')] = tokenOf(b, node, 'client_id');
    body[String(node.client_secret_name ?? 'client_secret')] = tokenOf(b, node, 'client_secret');
    if (grant === 'refresh_token') body[String(node.refresh_token_name ?? 'refresh_token')] = tokenOf(b, node, 'refresh_token');
    if (Array.isArray(node.scopes) && node.scopes.length) body.scopes = node.scopes;
    if (node.refresh_request_body) {
      for (const [k, v] of Object.entries(evalMapping(node.refresh_request_body as Node, b.config, {}, p))) if (!(k in body)) body[k] = v;
    }
    const headers = node.refresh_request_headers ? evalMapping(node.refresh_request_headers as Node, b.config, {}, p) : {};
    const asJson = Object.entries(headers).some(([k, v]) => k.toLowerCase() === 'content-type' && String(v).includes('json'));
    const res = await client.send({ method: 'POST', url: pyStr(ev(node.token_refresh_endpoint)), params: {}, headers, ...(asJson ? { json: body } : { data: body }) });
    const json = res.json() as Record<string, unknown> | undefined;
    if (!res.ok || !json) {
      const invalid = res.status === 400 && /invalid_grant|invalid_permissions/.test(res.body);
      const message = invalid ? 'Refresh token is invalid or expired. Please re-authenticate from Sources/<your source>/Settings.' : `OAuth token refresh failed with status ${res.status}: ${b.rt.scrubber.scrub(res.body)}`;
      throw new TracedError(message, message, invalid ? 'config_error' : 'system_error');
    }
    const name = String(node.access_token_name ?? 'access_token');
    const found = findKey(json, name);
    if (found === undefined) throw new TracedError(`Token refresh API response was missing access token ${name}`, undefined, 'system_error');
    token = pyStr(found);
    b.rt.scrubber.add(token);
    const expiresIn = findKey(json, String(node.expires_in_name ?? 'expires_in'));
    expires = expiresIn === undefined ? Number.POSITIVE_INFINITY : Date.now() + Number(typeof expiresIn === 'string' ? expiresIn : num(expiresIn)) * 1000;
  };
  return {
    inject: async () => {
      if (!token || Date.now() >= expires) await refresh();
      return { ...emptyInjection(), headers: { Authorization: `Bearer ${token}` } };
    },
  };
}

function findKey(obj: unknown, key: string): unknown {
  if (!obj || typeof obj !== 'object') return undefined;
  if (!Array.isArray(obj) && key in (obj as object)) return (obj as Record<string, unknown>)[key];
  for (const v of Object.values(obj as object)) {
    const hit = findKey(v, key);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

function sessionToken(b: Build, node: Node): Authenticator {
  const login: Requester = buildRequester(b, node.login_requester as Node, 'login');
  const path = ((node.session_token_path as unknown[]) ?? []).map((x) => pyStr(evalString(x, b.config, {}, params(node))));
  const duration = node.expiration_duration ? parseDuration(String(node.expiration_duration)) : undefined;
  let token: string | undefined;
  let next: number | undefined;
  const getToken = async (): Promise<string> => {
    if (next === undefined || next < Date.now()) {
      const res = await login.send({}, undefined, {});
      if (!res || !res.ok) throw new TracedError('Failed to get session token, response got ignored by requester', undefined, 'config_error');
      const value = dpathGet(res.json(), path);
      if (value === undefined || value === null) throw new TracedError('Failed to get session token, token is None', undefined, 'config_error');
      token = pyStr(value);
      b.rt.scrubber.add(token);
      if (duration) next = Date.now() + (duration instanceof PyDuration ? duration.months * 30 * 86_400_000 : 0) + duration.us / 1000;
    }
    return token!;
  };
  const auth = node.request_authentication as Node | undefined;
  const kind = expectType(b, auth, ['ApiKey', 'Bearer']);
  if (kind === 'Bearer') return { inject: async () => ({ ...emptyInjection(), headers: { Authorization: `Bearer ${await getToken()}` } }) };
  return apiKey(b, auth!, getToken);
}
