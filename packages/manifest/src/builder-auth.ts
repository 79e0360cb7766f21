/**
 * The Builder UI's rules for authenticators: supported types, and secret fields that must read a
 * top-level string input of the spec (`{{ config['key'] }}`), because its auth forms bind to inputs.
 */
import type { ManifestPath } from './references';
import type { MatrixFinding } from './builder-matrix';
import { findConfigRefs, isNested } from './config-refs';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

const SUPPORTED = new Set(['NoAuth', 'ApiKeyAuthenticator', 'BearerAuthenticator', 'BasicHttpAuthenticator', 'JwtAuthenticator', 'OAuthAuthenticator', 'SessionTokenAuthenticator']);

/** Fields the Builder binds to a spec input, per authenticator type. */
const SECRET_FIELDS: Record<string, string[]> = {
  ApiKeyAuthenticator: ['api_token'],
  BearerAuthenticator: ['api_token'],
  BasicHttpAuthenticator: ['username', 'password'],
  JwtAuthenticator: ['secret_key'],
  OAuthAuthenticator: ['client_id', 'client_secret', 'refresh_token'],
};

/** Fields whose Builder input is a secret, so the spec property must say `airbyte_secret: true`. */
const SECRET = new Set(['api_token', 'password', 'client_secret', 'refresh_token', 'secret_key']);

const TOP_LEVEL = /^\s*\{\{\s*config\s*(?:\[\s*(['"])([^'"]+)\1\s*\]|\.([A-Za-z_]\w*))\s*\}\}\s*$/;

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
  const type = String(a.type);
  if (type.startsWith('Custom') || 'class_name' in a) {
    custom(a, path, 'the authenticator');
    return out;
  }
  if (!SUPPORTED.has(type)) {
    const fix = type === 'SelectiveAuthenticator' ? 'the Builder UI has one authentication method per connector: keep one of the authenticators (or stay YAML-only)' : undefined;
    out.push({ rule: 'authenticator', impact: 'yaml-only', path, message: `the authenticator is a ${type}, which the Builder UI does not support`, fix });
    return out;
  }
  if (type === 'OAuthAuthenticator') {
    const grant = a.grant_type;
    if (grant !== undefined && grant !== 'refresh_token' && grant !== 'client_credentials')
      out.push({ rule: 'authenticator', impact: 'yaml-only', path: [...path, 'grant_type'], message: `OAuth grant_type ${String(grant)} is not supported by the Builder UI (refresh_token or client_credentials)` });
    const updater = obj(a.refresh_token_updater);
    const configPath = updater?.refresh_token_config_path;
    const read = typeof a.refresh_token === 'string' ? TOP_LEVEL.exec(a.refresh_token) : null;
    if (Array.isArray(configPath) && read && (configPath.length !== 1 || configPath[0] !== (read[2] ?? read[3])))
      out.push({
        rule: 'authenticator',
        impact: 'yaml-only',
        path: [...path, 'refresh_token_updater', 'refresh_token_config_path'],
        message: `refresh_token_updater writes the new token to ${JSON.stringify(configPath)} but refresh_token reads config['${read[2] ?? read[3]}']; the Builder UI needs them to be the same input`,
        fix: `set refresh_token_config_path: [${read[2] ?? read[3]}]`,
      });
    const body = obj(a.refresh_request_body);
    if (body && Object.values(body).some((v) => typeof v !== 'string'))
      out.push({ rule: 'authenticator', impact: 'yaml-only', path: [...path, 'refresh_request_body'], message: 'OAuth refresh_request_body values must all be strings for the Builder UI' });
  }
  if (type === 'SessionTokenAuthenticator') {
    const how = obj(a.request_authentication);
    if (how && how.type !== 'ApiKey' && how.type !== 'Bearer')
      out.push({ rule: 'authenticator', impact: 'yaml-only', path: [...path, 'request_authentication'], message: `SessionTokenAuthenticator.request_authentication is a ${String(how.type)}; the Builder UI supports ApiKey and Bearer` });
    const login = obj(obj(a.login_requester)?.authenticator);
    if (login && !['NoAuth', 'ApiKeyAuthenticator', 'BearerAuthenticator', 'BasicHttpAuthenticator'].includes(String(login.type)))
      out.push({ rule: 'authenticator', impact: 'yaml-only', path: [...path, 'login_requester', 'authenticator'], message: `the session login request authenticates with a ${String(login.type)}; the Builder UI supports NoAuth, ApiKey, Bearer and Basic there` });
    const decoder = obj(a.decoder);
    if (decoder && decoder.type !== 'JsonDecoder' && decoder.type !== 'XmlDecoder')
      out.push({ rule: 'authenticator', impact: 'yaml-only', path: [...path, 'decoder'], message: `the session token response is read with a ${String(decoder.type)}; the Builder UI supports JSON and XML` });
  }
  const props = obj(obj(obj(manifest.spec)?.connection_specification)?.properties);
  const fields = [...(SECRET_FIELDS[type] ?? [])];
  if (type === 'OAuthAuthenticator' && a.grant_type === 'client_credentials') fields.splice(fields.indexOf('refresh_token'), 1);
  for (const field of fields) {
    const value = a[field];
    if (value === undefined) continue;
    const p = [...path, field];
    const m = typeof value === 'string' ? TOP_LEVEL.exec(value) : null;
    if (!m) {
      out.push({
        rule: 'auth-secret',
        impact: 'yaml-only',
        path: p,
        message: `${type}.${field} is ${JSON.stringify(value)}; the Builder UI needs it to be exactly {{ config['<key>'] }} for a top-level input`,
        fix: secretFix(value),
      });
      continue;
    }
    const key = m[2] ?? m[3];
    const prop = obj(props?.[key]);
    if (!props) out.push({ rule: 'auth-secret', impact: 'yaml-only', path: p, message: `${type}.${field} reads config['${key}'] but the manifest has no spec, so the Builder has no such input`, fix: 'bring the spec into the manifest (import-check --fix inlines a separate spec)' });
    else if (!prop) out.push({ rule: 'auth-secret', impact: 'yaml-only', path: p, message: `${type}.${field} reads config['${key}'], which is not a top-level property of the spec`, fix: `add ${key} (type: string) to spec.connection_specification.properties` });
    else if (prop.type === 'string' && SECRET.has(field) && prop.airbyte_secret !== true)
      out.push({ rule: 'auth-secret', impact: 'yaml-only', path: p, message: `${type}.${field} reads config['${key}'], whose spec property is not marked airbyte_secret: true; the Builder's ${field} input is a secret`, fix: `add airbyte_secret: true to ${key} in the spec (it also keeps the value masked in the UI and logs)` });
    else if (prop.type !== 'string') out.push({ rule: 'auth-secret', impact: 'yaml-only', path: p, message: `${type}.${field} reads config['${key}'], whose spec property has type ${JSON.stringify(prop.type)}; the Builder UI needs a string` });
  }
  return out;
}
