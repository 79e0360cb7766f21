/**
 * The manifest of a manifest-only connector, as Airbyte's migrate-to-manifest-only wrote it
 * (migrate_to_manifest_only/pipeline.py + its vendored manifest_component_transformer.py):
 * `version` raised, `type: DeclarativeSource`, every reference resolved, types filled in, each `$parameters`
 * entry copied onto the components whose model has that field, then every `$parameters` removed.
 * `definitions` and `schemas` stay (resolved), as in Airbyte's output.
 *
 * One addition: `{{ parameters.x }}` in an interpolation would read nothing once `$parameters` are gone,
 * so it is replaced by the value in scope, as the Builder-made manifests of the real migrations show
 * (source-aircall: `field_path: ["{{ parameters.name }}"]` became `field_path: [calls]`).
 */
import { CUSTOM_COMPONENTS_MAPPING, DEFAULT_MODEL_TYPES, isTruthy, removeParameters, resolveReferences, type ManifestPath } from '@conveyor/manifest';
import { COMPONENT_FIELDS } from './component-fields';

type Obj = Record<string, unknown>;

export interface UnresolvedParameter {
  path: ManifestPath;
  text: string;
}

export interface FlattenResult {
  manifest: Obj;
  /** Interpolations naming a parameter that is not in scope: they are left as written. */
  unresolved: UnresolvedParameter[];
}

/** Top-level fields that hold data, not components: nothing in them is evaluated with parameters. */
const DATA_FIELDS = new Set(['definitions', 'schemas', 'metadata']);

export function flattenManifest(manifest: Obj, minVersion: string): FlattenResult {
  const input: Obj = { ...manifest, version: higherVersion(manifest.version, minVersion) };
  input.type = 'DeclarativeSource';
  const resolved = resolveReferences(input);
  const unresolved: UnresolvedParameter[] = [];
  const out = propagate('', resolved, {}, [], unresolved);
  return { manifest: removeParameters(out), unresolved };
}

function propagate(parentField: string, component: Obj, parentParameters: Obj, path: ManifestPath, unresolved: UnresolvedParameter[]): Obj {
  const out: Obj = { ...component };
  if (!('type' in out)) {
    const found = 'class_name' in out ? CUSTOM_COMPONENTS_MAPPING[parentField] : DEFAULT_MODEL_TYPES[parentField];
    if (found) out.type = found;
  }
  if (!('type' in out) || isJsonSchemaObject(out)) {
    // Not a component (or a JSON schema): Airbyte's transformer stops here. Interpolations in it still run
    // with the enclosing component's parameters, so those are substituted.
    return isJsonSchemaObject(out) ? out : (substituteDeep(out, parentParameters, path, unresolved) as Obj);
  }
  const type = String(out.type);
  const current: Obj = { ...parentParameters, ...((out.$parameters as Obj | undefined) ?? {}) };
  delete out.$parameters;
  const fields = COMPONENT_FIELDS[type] ?? [];
  for (const [k, v] of Object.entries(current)) if (fields.includes(k)) out[k] = isTruthy(out[k]) ? out[k] : v;

  for (const [field, value] of Object.entries(out)) {
    const at = [...path, field];
    if (type === 'DeclarativeSource' && DATA_FIELDS.has(field)) continue;
    if (value && typeof value === 'object') {
      // A parameter named like the field is not passed into it (Airbyte: avoids an infinite cycle).
      const excluded = current[field];
      delete current[field];
      const id = `${type}.${field}`;
      out[field] = Array.isArray(value)
        ? value.map((el, i) => (isObject(el) ? propagate(id, el, current, [...at, i], unresolved) : substituteDeep(el, current, [...at, i], unresolved)))
        : propagate(id, value as Obj, current, at, unresolved);
      if (isTruthy(excluded)) current[field] = excluded;
    } else if (typeof value === 'string') out[field] = substitute(value, current, at, unresolved);
  }
  return out;
}

function substituteDeep(node: unknown, params: Obj, path: ManifestPath, unresolved: UnresolvedParameter[]): unknown {
  if (typeof node === 'string') return substitute(node, params, path, unresolved);
  if (Array.isArray(node)) return node.map((v, i) => substituteDeep(v, params, [...path, i], unresolved));
  if (isObject(node)) {
    if (isJsonSchemaObject(node)) return node;
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, substituteDeep(v, params, [...path, k], unresolved)]));
  }
  return node;
}

// parameters.x | parameters['x'] | parameters["x"] | parameters.get('x') | parameters.get('x', default)
const ACCESS = /\bparameters(?:\.get\(\s*(['"])([^'"]+)\1\s*(?:,\s*([^()]*?))?\)|\.([A-Za-z_]\w*)|\[\s*(['"])([^'"]+)\5\s*\])/g;
const BLOCK = /\{\{([\s\S]*?)\}\}|\{%([\s\S]*?)%\}/g;

/** Replace parameter reads in the interpolations of one string by the values in scope. */
export function substitute(text: string, params: Obj, path: ManifestPath, unresolved: UnresolvedParameter[]): unknown {
  if (!text.includes('parameters')) return text;
  const whole = /^\s*\{\{\s*([^{}]*?)\s*\}\}\s*$/.exec(text);
  if (whole) {
    const single = new RegExp(`^${ACCESS.source}$`).exec(whole[1]);
    const key = single && (single[2] ?? single[4] ?? single[6]);
    // The whole value is one parameter: it becomes the parameter's value (the CDK would evaluate it so).
    if (key && key in params && params[key] !== undefined && params[key] !== null) return params[key];
  }
  let missing = false;
  const replaced = text.replace(BLOCK, (block) => {
    const out = block.replace(ACCESS, (m, _q1, getKey, fallback, dotKey, _q2, indexKey) => {
      const key = getKey ?? dotKey ?? indexKey;
      if (key in params && params[key] !== undefined) return literal(params[key]);
      if (getKey) return fallback?.trim() || 'None';
      return m;
    });
    // Anything still reading `parameters` (an unknown name, a computed key) would read nothing.
    if (/\bparameters\b/.test(out)) missing = true;
    return out;
  });
  if (missing) unresolved.push({ path, text });
  // `{{ 'calls' }}` inside a string is just the text `calls`.
  return replaced.replace(/\{\{\s*'((?:[^'\\]|\\.)*)'\s*\}\}/g, (_, s: string) => s.replace(/\\(.)/g, '$1'));
}

/** A Jinja literal for a parameter value. */
function literal(v: unknown): string {
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return JSON.stringify(v);
}

function isObject(v: unknown): v is Obj {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function isJsonSchemaObject(c: Obj): boolean {
  const t = c.type;
  return t === 'object' || (Array.isArray(t) && t.includes('object'));
}

/** The higher of two `X.Y.Z` versions (a manifest's own newer version is never lowered). */
export function higherVersion(current: unknown, min: string): string {
  const parse = (v: string) => v.split('.').map((n) => Number.parseInt(n, 10) || 0);
  if (typeof current !== 'string' || !/^\d+\.\d+\.\d+/.test(current)) return min;
  const [a, b] = [parse(current), parse(min)];
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i] ? current : min;
  return current;
}
