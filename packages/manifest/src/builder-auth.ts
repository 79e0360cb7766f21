/**
 * The Builder UI's rules for authenticators (convertManifestToBuilderForm.ts, manifestAuthenticatorToBuilder, in the
 * dynamic-streams version of airbyte-platform's webapp): supported types, the fields each one may have, and secret
 * fields that must read a top-level input of the spec the way the Builder's "locked inputs" expect (useLockedInputs.ts).
 * Every problem here makes the Builder keep the authenticator as YAML (convertOrDumpAsString), not the whole manifest.
 */
import type { ManifestPath } from './references';
import type { MatrixFinding } from './builder-matrix';
import { findConfigRefs, isNested } from './config-refs';
import { unknownFields as extraFields } from './builder-components';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

const SUPPORTED = new Set(['NoAuth', 'ApiKeyAuthenticator', 'BearerAuthenticator', 'BasicHttpAuthenticator', 'JwtAuthenticator', 'OAuthAuthenticator', 'SessionTokenAuthenticator']);

/** The fields the converter accepts per authenticator (its filterKnownFields lists); any other field → YAML. */
const KNOWN_FIELDS: Record<string, string[]> = {
  NoAuth: ['type'],
  ApiKeyAuthenticator: ['type', 'api_token', 'inject_into', 'header'],
  BearerAuthenticator: ['type', 'api_token'],
  BasicHttpAuthenticator: ['type', 'username', 'password'],
  JwtAuthenticator: ['type', 'secret_key', 'algorithm', 'token_duration', 'additional_jwt_headers', 'additional_jwt_payload', 'jwt_headers', 'jwt_payload', 'header_prefix', 'base64_encode_secret_key'],
  OAuthAuthenticator: ['type', 'access_token_name', 'access_token_value', 'client_id', 'client_secret', 'expires_in_name', 'grant_type', 'refresh_request_body', 'refresh_token', 'refresh_token_updater', 'scopes', 'token_expiry_date', 'token_expiry_date_format', 'token_refresh_endpoint'],
  SessionTokenAuthenticator: ['type', 'expiration_duration', 'login_requester', 'request_authentication', 'session_token_path', 'decoder'],
};
const UPDATER_FIELDS = ['access_token_config_path', 'refresh_token_config_path', 'refresh_token_name', 'token_expiry_date_config_path'];
const LOGIN_REQUESTER_FIELDS = ['type', 'authenticator', 'url_base', 'path', 'http_method', 'request_parameters', 'request_headers', 'request_body_data', 'request_body_json', 'error_handler'];

/** The input the Builder locks for a field: must the spec require it, must it be secret (useLockedInputs.ts). */
interface LockedInput {
  required: boolean;
  secret: boolean;
}
const LOCKED: Record<string, Record<string, LockedInput>> = {
  ApiKeyAuthenticator: { api_token: { required: true, secret: true } },
  BearerAuthenticator: { api_token: { required: true, secret: true } },
  BasicHttpAuthenticator: { username: { required: true, secret: false }, password: { required: false, secret: true } },
  JwtAuthenticator: { secret_key: { required: true, secret: true } },
  OAuthAuthenticator: {
    client_id: { required: true, secret: true },
    client_secret: { required: true, secret: true },
    refresh_token: { required: true, secret: true },
    'refresh_token_updater.access_token_config_path': { required: false, secret: true },
    'refresh_token_updater.token_expiry_date_config_path': { required: false, secret: false },
  },
  // The spec declares an OAuth flow (advanced_auth): the refresh token is an optional hidden input.
  DeclarativeOAuth: { client_id: { required: true, secret: true }, client_secret: { required: true, secret: true }, refresh_token: { required: false, secret: true } },
};

/** The Builder's own test for "{{ config['key'] }}" / "{{ config.key }}" (types.ts isInterpolatedConfigKey). */
const BRACKET = /^\s*{{\s*config\[('|")+(\S+)('|")+\]\s*}}\s*$/;
const DOT = /^\s*{{\s*config\.(\S+)\s*}}\s*$/;
export function interpolatedConfigKey(value: string): string | undefined {
  const m = BRACKET.exec(value);
  if (m) return m[2];
  return DOT.exec(value)?.[1];
}

function secretFix(value: unknown): string {
  const refs = typeof value === 'string' ? findConfigRefs(value) : [];
  if (refs.some(isNested)) return 'read a top-level input instead of a nested one (import-check --fix flattens nested config references where the spec allows)';
  if (refs.length === 1) return `keep only {{ config['${refs[0].path[0] ?? '<key>'}'] }} in the field: the UI binds it to that one input (move any other text or filter elsewhere)`;
  return `declare a string input in the spec and use {{ config['<key>'] }}`;
}

export function checkAuthenticator(
  auth: unknown,
  path: ManifestPath,
  manifest: Obj,
  custom: (component: Obj, path: ManifestPath, where: string) => void,
): MatrixFinding[] {
  const out: MatrixFinding[] = [];
  const a = obj(auth);
  if (!a) return out;
  const flag = (p: ManifestPath, message: string, fix?: string, rule = 'authenticator') => out.push({ rule, impact: 'yaml-only', scope: 'component', path: p, message, fix });
  const type = String(a.type);
  if (type.startsWith('Custom') || 'class_name' in a) {
    custom(a, path, 'the authenticator');
    return out;
  }
  if (a.type === undefined) {
    flag(path, 'the authenticator has no type; the Builder UI keeps it as YAML');
    return out;
  }
  if (!SUPPORTED.has(type)) {
    flag(path, `the authenticator is a ${type}, which the Builder UI does not support`, type === 'SelectiveAuthenticator' ? 'the Builder UI has one authentication method per connector: keep one of the authenticators (or stay YAML-only)' : undefined);
    return out;
  }
  unknownFields(a, KNOWN_FIELDS[type], path, type, flag);
  const spec = obj(manifest.spec);
  const oauthInput = obj(obj(obj(spec?.advanced_auth)?.oauth_config_specification)?.oauth_connector_input_specification);
  const declarative = !!oauthInput;
  const locked = type === 'OAuthAuthenticator' && declarative ? LOCKED.DeclarativeOAuth : LOCKED[type] ?? {};
  const fields = Object.keys(locked).filter((f) => !f.includes('.'));

  if (type === 'OAuthAuthenticator') {
    const grant = a.grant_type;
    if (grant !== undefined && grant !== 'refresh_token' && grant !== 'client_credentials')
      flag([...path, 'grant_type'], `OAuth grant_type ${String(grant)} is not supported by the Builder UI (refresh_token or client_credentials)`);
    if (declarative && !oauthInput!.extract_output)
      flag([...path], "the spec's oauth_connector_input_specification has no extract_output; the Builder UI's declarative OAuth form needs it", 'add extract_output (the key(s) of the access token in the token response)');
    const body = obj(a.refresh_request_body);
    if (body && Object.values(body).some((v) => typeof v !== 'string')) flag([...path, 'refresh_request_body'], 'OAuth refresh_request_body values must all be strings for the Builder UI');
    // The Builder reads a refresh token (and its updater) in the refresh-token flow only; in a declarative OAuth
    // flow, only when a refresh_token_updater says the API rotates tokens.
    const refreshFlow = (!declarative || a.refresh_token_updater !== undefined) && (grant === undefined || grant === 'refresh_token');
    if (!refreshFlow) fields.splice(fields.indexOf('refresh_token'), 1);
    const updater = obj(a.refresh_token_updater);
    if (refreshFlow && updater) {
      const up: ManifestPath = [...path, 'refresh_token_updater'];
      unknownFields(updater, UPDATER_FIELDS, up, 'OAuthAuthenticator.refresh_token_updater', flag);
      // A nested refresh_token is reported as such below; compare paths only for a top-level one.
      const key = typeof a.refresh_token === 'string' && !findConfigRefs(a.refresh_token).some(isNested) ? interpolatedConfigKey(a.refresh_token) : undefined;
      const configPath = updater.refresh_token_config_path;
      if (!declarative && key !== undefined && !(Array.isArray(configPath) && configPath.length === 1 && configPath[0] === key))
        flag(
          [...up, 'refresh_token_config_path'],
          configPath === undefined
            ? `refresh_token_updater has no refresh_token_config_path (the CDK writes to ["credentials","refresh_token"]) but refresh_token reads config['${key}']; the Builder UI needs them to be the same input`
            : `refresh_token_updater writes the new token to ${JSON.stringify(configPath)} but refresh_token reads config['${key}']; the Builder UI needs them to be the same input`,
          `set refresh_token_config_path: [${key}]`,
        );
      // The legacy (non-declarative) form also binds the access token and its expiry date to inputs.
      if (!declarative && key !== undefined) for (const f of ['access_token_config_path', 'token_expiry_date_config_path']) checkInput(updater[f], [...up, f], `${type}.refresh_token_updater.${f}`, locked[`refresh_token_updater.${f}`], spec, flag);
    }
  }
  if (type === 'ApiKeyAuthenticator') requestOption(a.inject_into, [...path, 'inject_into'], 'ApiKeyAuthenticator.inject_into', flag);
  if (type === 'SessionTokenAuthenticator') checkSessionToken(a, path, flag);
  for (const field of fields) checkInput(a[field], [...path, field], `${type}.${field}`, locked[field], spec, flag);
  return out;
}

type Flag = (p: ManifestPath, message: string, fix?: string, rule?: string) => void;

function unknownFields(component: Obj, known: string[], path: ManifestPath, name: string, flag: Flag): void {
  const extra = extraFields(component, known);
  if (extra.length) flag(path, `${name} has fields the Builder UI does not support: ${extra.join(', ')}`, `remove them, or keep the authenticator as YAML (the UI shows it as a YAML block)`);
}

/** A RequestOption the auth form edits: its known fields, and field_name or field_path, not both. */
function requestOption(o: unknown, path: ManifestPath, name: string, flag: Flag): void {
  const r = obj(o);
  if (!r) return;
  unknownFields(r, ['type', 'field_name', 'field_path', 'inject_into'], path, name, flag);
  if (r.field_name && r.field_path) flag(path, `${name} sets both field_name and field_path; the Builder UI needs one`);
}

function checkSessionToken(a: Obj, path: ManifestPath, flag: Flag): void {
  const how = obj(a.request_authentication);
  if (how?.type === 'ApiKey') {
    unknownFields(how, ['type', 'inject_into'], [...path, 'request_authentication'], 'SessionTokenAuthenticator.request_authentication', flag);
    requestOption(how.inject_into, [...path, 'request_authentication', 'inject_into'], 'SessionTokenAuthenticator.request_authentication.inject_into', flag);
  }
  else if (how?.type === 'Bearer') unknownFields(how, ['type'], [...path, 'request_authentication'], 'SessionTokenAuthenticator.request_authentication', flag);
  else if (how) flag([...path, 'request_authentication'], `SessionTokenAuthenticator.request_authentication is a ${String(how.type)}; the Builder UI supports ApiKey and Bearer`);
  const decoder = obj(a.decoder);
  if (decoder && decoder.type !== 'JsonDecoder' && decoder.type !== 'XmlDecoder') flag([...path, 'decoder'], `the session token response is read with a ${String(decoder.type)}; the Builder UI supports JSON and XML`);
  const login = obj(a.login_requester);
  if (!login) return;
  unknownFields(login, LOGIN_REQUESTER_FIELDS, [...path, 'login_requester'], 'SessionTokenAuthenticator.login_requester', flag);
  const loginAuth = obj(login.authenticator);
  if (loginAuth && !['NoAuth', 'ApiKeyAuthenticator', 'BearerAuthenticator', 'BasicHttpAuthenticator'].includes(String(loginAuth.type)))
    flag([...path, 'login_requester', 'authenticator'], `the session login request authenticates with a ${String(loginAuth.type)}; the Builder UI supports NoAuth, ApiKey, Bearer and Basic there`);
  const params = login.request_parameters;
  if (params !== undefined && (!obj(params) || Object.values(params as Obj).some((v) => typeof v !== 'string')))
    flag([...path, 'login_requester', 'request_parameters'], "the session login request's request_parameters must be a mapping of strings for the Builder UI");
}

/**
 * One field bound to a spec input, checked the way the converter's extractAndValidateSpecKey does: a
 * `{{ config['key'] }}` string or a one-element config path, naming a top-level spec property that exists, is
 * required where the Builder's input is, is a string, and is secret where the Builder's input is. All failures are
 * reported (the converter stops at the first), so one run shows everything to fix.
 */
function checkInput(value: unknown, p: ManifestPath, name: string, locked: LockedInput, spec: Obj | undefined, flag: Flag): void {
  const f = (message: string, fix?: string) => flag(p, message, fix, 'auth-secret');
  let key: string | undefined;
  if (Array.isArray(value)) {
    if (value.length !== 1) return f(`${name} is the config path ${JSON.stringify(value)}; the Builder UI needs a one-element path to a top-level input`, 'point it at a top-level input, e.g. [<key>]');
    key = String(value[0]);
  } else if (typeof value === 'string') {
    key = interpolatedConfigKey(value);
    if (key === undefined || findConfigRefs(value).some(isNested)) return f(`${name} is ${JSON.stringify(value)}; the Builder UI needs it to be exactly {{ config['<key>'] }} for a top-level input`, secretFix(value));
  } else {
    return f(`${name} is not set; the Builder UI binds it to an input and needs it to read one ({{ config['<key>'] }})`, `declare a string input in the spec and set ${name.split('.').pop()}: "{{ config['<key>'] }}"`);
  }
  const connection = obj(spec?.connection_specification);
  const prop = obj(obj(connection?.properties)?.[key]);
  if (!spec) return f(`${name} reads config['${key}'] but the manifest has no spec, so the Builder has no such input`, 'bring the spec into the manifest (import-check --fix inlines a separate spec)');
  if (!prop) return f(`${name} reads config['${key}'], which is not a top-level property of the spec`, `add ${key} (type: string) to spec.connection_specification.properties`);
  const required = Array.isArray(connection?.required) && (connection!.required as unknown[]).includes(key);
  if (locked.required && !required) f(`${name} reads config['${key}'], which the spec does not list as required; the Builder's input for it is required`, `add ${key} to spec.connection_specification.required`);
  if (prop.type !== 'string') f(`${name} reads config['${key}'], whose spec property has type ${JSON.stringify(prop.type)}; the Builder UI needs a string`);
  else if (locked.secret && prop.airbyte_secret !== true)
    f(`${name} reads config['${key}'], whose spec property is not marked airbyte_secret: true; the Builder's input for it is a secret`, `add airbyte_secret: true to ${key} in the spec (it also keeps the value masked in the UI and logs)`);
}
