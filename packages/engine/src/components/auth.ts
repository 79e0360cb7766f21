/**
 * Authenticators: NoAuth, ApiKey, Bearer, Basic, OAuth (refresh_token and client_credentials grants) and
 * SessionToken, with the CDK's request shapes and token lifetimes.
 */
import { TracedError } from '../protocol';
import { evalMapping, evalString } from '../jinja/interpolation';
import { num, pyStr } from '../jinja/values';
import { isoparse, parseDuration } from '../jinja/datetime';
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
  // InterpolatedStringTokenProvider.get_token is str(eval(...)): a template rendering None gives "None".
  const v = evalString(node[field], b.config, {}, params(node));
  if (v === null) return 'None';
  const s = v === undefined ? '' : pyStr(v);
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

/** ab_datetime_parse for token expiry values: epoch seconds (digits) or an ISO 8601 date-time. */
function parseExpiry(v: unknown): number {
  const s = pyStr(v).trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  return isoparse(s).us / 1000;
}

/**
 * DeclarativeOauth2Authenticator (airbyte_cdk/sources/declarative/auth/oauth.py + requests_native_auth/
 * abstract_oauth.py), and its single-use refresh-token variant when `refresh_token_updater` is set
 * (requests_native_auth/oauth.py: tokens and expiry live in the config, a refreshed refresh token replaces
 * the config value).
 */
function oauth(b: Build, node: Node): Authenticator {
  refuseFields(b, node, ['profile_assertion', 'use_profile_assertion']);
  const p = params(node);
  const ev = (v: unknown): unknown => evalString(v, b.config, {}, p);
  const name = (v: unknown, dflt: string): string => (v === undefined || v === null ? dflt : pyStr(ev(v)));
  const grant = node.grant_type ? pyStr(ev(node.grant_type)) : 'refresh_token';
  const updater = node.refresh_token_updater as Node | undefined;
  const path = (v: unknown, dflt: string[]): string[] => (Array.isArray(v) ? v.map((x) => pyStr(ev(x))) : dflt);
  const accessPath = path(updater?.access_token_config_path, ['credentials', 'access_token']);
  const refreshPath = path(updater?.refresh_token_config_path, ['credentials', 'refresh_token']);
  const expiryPath = path(updater?.token_expiry_date_config_path, ['credentials', 'token_expiry_date']);
  // Everything that reads the config is evaluated on first use, so `discover` works with a partial config.
  let endpoint: string | undefined;
  let token: string | undefined;
  let expires = Number.NEGATIVE_INFINITY;
  let ready = false;
  const init = (): void => {
    ready = true;
    endpoint = node.token_refresh_endpoint === undefined || node.token_refresh_endpoint === null ? undefined : pyStr(ev(node.token_refresh_endpoint));
    if (updater) {
      const t = dpathGet(b.config, accessPath);
      token = t === undefined || t === null ? undefined : pyStr(t);
      const e = dpathGet(b.config, expiryPath);
      expires = e === undefined || e === null || e === '' ? Date.now() - 86_400_000 : parseExpiry(e);
    } else {
      token = node.access_token_value ? pyStr(ev(node.access_token_value)) : undefined;
      // Without token_expiry_date the CDK starts from "now - 1 day": a given access token is refreshed at once.
      expires = node.token_expiry_date ? parseExpiry(ev(node.token_expiry_date)) : Date.now() - 86_400_000;
      if (token === undefined) expires = Number.NEGATIVE_INFINITY;
    }
    if (token) b.rt.scrubber.add(token);
  };
  const client = new HttpClient('oauth', buildErrorHandler(b, { type: 'DefaultErrorHandler', max_retries: 5 }), b.rt);
  const refreshToken = (): string | undefined => {
    if (updater) {
      // dpath.get(config, path, default=""): a missing refresh token is sent empty.
      const v = dpathGet(b.config, refreshPath);
      return v === undefined ? '' : v === null ? undefined : pyStr(v);
    }
    return node.refresh_token === undefined || node.refresh_token === null ? undefined : tokenOf(b, node, 'refresh_token');
  };
  const refresh = async (): Promise<void> => {
    if (!endpoint) throw b.error(node, 'OAuthAuthenticator needs token_refresh_endpoint to obtain a token');
    // build_refresh_request_body: grant type, client id, secret, refresh token (requests drops None values).
    const body: Record<string, unknown> = { [name(node.grant_type_name, 'grant_type')]: grant };
    // The single-use variant prefers credentials.client_id / client_secret from the config.
    const cred = (key: string): string => {
      const v = updater ? dpathGet(b.config, ['credentials', key]) : undefined;
      return v === undefined || v === null ? tokenOf(b, node, key) : pyStr(v);
    };
    body[name(node.client_id_name, 'client_id')] = cred('client_id');
    body[name(node.client_secret_name, 'client_secret')] = cred('client_secret');
    const rt = refreshToken();
    if (rt !== undefined) {
      b.rt.scrubber.add(rt);
      body[updater ? name(updater.refresh_token_name, 'refresh_token') : name(node.refresh_token_name, 'refresh_token')] = rt;
    }
    if (Array.isArray(node.scopes) && node.scopes.length) body.scopes = node.scopes;
    if (node.refresh_request_body) {
      for (const [k, v] of Object.entries(evalMapping(node.refresh_request_body as Node, b.config, {}, p))) if (!(k in body)) body[k] = v;
    }
    const headers = node.refresh_request_headers ? evalMapping(node.refresh_request_headers as Node, b.config, {}, p) : {};
    // The CDK always posts `data=` (a form body), whatever Content-Type the manifest's headers claim.
    const res = await client.send({ method: 'POST', url: endpoint, params: {}, headers, data: body });
    const json = res.json() as Record<string, unknown> | undefined;
    if (!res.ok || !json) {
      const invalid = res.status === 400 && /invalid_grant|invalid_permissions/.test(res.body);
      const message = invalid ? 'Refresh token is invalid or expired. Please re-authenticate from Sources/<your source>/Settings.' : `OAuth token refresh failed with status ${res.status}: ${b.rt.scrubber.scrub(res.body)}`;
      throw new TracedError(message, message, invalid ? 'config_error' : 'system_error');
    }
    const tokenName = name(node.access_token_name, 'access_token');
    const found = findKey(json, tokenName);
    if (found === undefined || found === null || found === '') throw new TracedError(`Token refresh API response was missing access token ${tokenName}`, undefined, 'system_error');
    token = pyStr(found);
    b.rt.scrubber.add(token);
    const expiresIn = findKey(json, name(node.expires_in_name, 'expires_in'));
    if (expiresIn !== undefined && expiresIn !== null) {
      // The factory sets token_expiry_is_time_of_expiration = bool(token_expiry_date_format); the value is then
      // read by ab_datetime_parse, not with that format.
      if (node.token_expiry_date_format) expires = parseExpiry(expiresIn);
      else expires = Date.now() + Math.trunc(Number(pyStr(expiresIn))) * 1000;
    } else if (!(Date.now() <= expires)) expires = Date.now() + 3_600_000; // _default_token_expiry_date: one hour
    if (updater) {
      // The new refresh token (when the response has one) replaces the config's for the next refresh.
      const next = findKey(json, name(updater.refresh_token_name, 'refresh_token'));
      if (next !== undefined && next !== null) setIn(b.config, refreshPath, pyStr(next));
      setIn(b.config, accessPath, token);
    }
  };
  return {
    inject: async () => {
      if (!ready) init();
      // _is_access_token_flow: no refresh endpoint but a token: use it as it is.
      if (!(endpoint === undefined && token !== undefined) && (token === undefined || Date.now() > expires)) await refresh();
      return { ...emptyInjection(), headers: { Authorization: `Bearer ${token}` } };
    },
  };
}

function setIn(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = obj;
  for (const k of path.slice(0, -1)) {
    if (!cur[k] || typeof cur[k] !== 'object') cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[path[path.length - 1]] = value;
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
