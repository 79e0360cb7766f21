import { parse } from 'yaml';
import { preprocessManifest } from '@conveyor/manifest';
import { resolveSchemaFileRefs } from './schema-refs';

/** Read access to one connector folder, at the working tree or at a git ref. Paths are relative to the folder. */
export interface ConnectorFiles {
  read(path: string): string | undefined;
  /** Files directly or indirectly under `dir`, relative to the connector folder. */
  list(dir: string): string[];
}

export interface StreamSnapshot {
  name: string;
  schema?: Record<string, unknown>;
  /** Normalised to a list of field paths. */
  primaryKey?: string[][];
  cursorField?: string[];
  /** Whether primaryKey/cursorField were actually read (a manifest stream, or a stream in the configured catalog). */
  keysKnown: boolean;
}

/** What release compares between the base and the release: spec, streams, schemas, keys, cursors, auth flow. */
export interface ConnectorSnapshot {
  /** Where the facts came from, e.g. `manifest.yaml` or `spec.json, schemas/, configured_catalog.json`. */
  sources: string[];
  spec?: Record<string, unknown>;
  advancedAuth?: unknown;
  /** Undefined when no file names the streams. */
  streams?: StreamSnapshot[];
  /** OAuth authenticators of a manifest (`OAuthAuthenticator grant_type=…`); undefined when not readable (Python code). */
  oauthAuthenticators?: string[];
  /** What could not be compared, and why. */
  gaps: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseFile(files: ConnectorFiles, path: string): unknown {
  const text = files.read(path);
  if (text === undefined) return undefined;
  return path.endsWith('.json') ? JSON.parse(text) : parse(text);
}

export function normalizePrimaryKey(pk: unknown): string[][] | undefined {
  if (pk === undefined || pk === null) return undefined;
  if (typeof pk === 'string') return [[pk]];
  if (Array.isArray(pk)) return pk.map((p) => (Array.isArray(p) ? p.map(String) : [String(p)]));
  return undefined;
}

export function normalizeCursor(c: unknown): string[] | undefined {
  if (c === undefined || c === null || c === '') return undefined;
  if (typeof c === 'string') return [c];
  return Array.isArray(c) && c.length ? c.map(String) : undefined;
}

/** `source_<name>` / `destination_<name>`: the Python package folder of connector `name`. */
export function packageDirOf(name: string): string {
  return name.replace(/-/g, '_');
}

/**
 * Snapshot one side. Manifest connectors (root `manifest.yaml` or `source_<pkg>/manifest.yaml`) are resolved with
 * the CDK's reference/parameter semantics; other connectors use whatever files describe them.
 */
export function snapshotConnector(files: ConnectorFiles, connectorName: string): ConnectorSnapshot {
  const pkg = packageDirOf(connectorName);
  const manifestPath = ['manifest.yaml', `${pkg}/manifest.yaml`].find((p) => files.read(p) !== undefined);
  const snap: ConnectorSnapshot = { sources: [], gaps: [] };
  let manifest: Obj | undefined;
  if (manifestPath) {
    try {
      const raw = parse(files.read(manifestPath)!);
      if (!isObj(raw)) throw new Error('expected a mapping at the top');
      manifest = preprocessManifest(raw);
      snap.sources.push(manifestPath);
    } catch (e) {
      snap.gaps.push(`${manifestPath} could not be resolved (${(e as Error).message.split('\n')[0]}); streams and spec from it were not compared`);
    }
  }
  if (manifest) readManifest(manifest, files, pkg, snap);
  if (!snap.spec) readSpecFile(files, pkg, snap);
  // Destinations have no streams of their own: only their spec is compared.
  if (!manifest && !connectorName.startsWith('destination-')) readFileStreams(files, pkg, snap);
  else if (!manifest) snap.gaps.push('authenticator: defined in code, OAuth grant not compared');
  if (!snap.spec) snap.gaps.push('spec: no spec in a manifest, spec.yaml or spec.json');
  return snap;
}

function readManifest(m: Obj, files: ConnectorFiles, pkg: string, snap: ConnectorSnapshot): void {
  const spec = isObj(m.spec) ? m.spec : undefined;
  if (spec && isObj(spec.connection_specification)) {
    snap.spec = spec.connection_specification;
    snap.advancedAuth = spec.advanced_auth;
  }
  const streams = Array.isArray(m.streams) ? m.streams.filter(isObj) : [];
  snap.streams = streams.map((s) => streamFromManifest(s, files, pkg, snap));
  if (m.dynamic_streams !== undefined) snap.gaps.push('dynamic_streams: generated at runtime, not compared');
  const oauth = new Set<string>();
  collectOAuth(streams, oauth, new Set());
  snap.oauthAuthenticators = [...oauth].sort();
}

function streamFromManifest(s: Obj, files: ConnectorFiles, pkg: string, snap: ConnectorSnapshot): StreamSnapshot {
  const params = isObj(s.$parameters) ? s.$parameters : {};
  const name = String(s.name ?? params.name ?? '(unnamed)');
  const inc = isObj(s.incremental_sync) ? s.incremental_sync : undefined;
  const incParams = { ...params, ...(inc && isObj(inc.$parameters) ? inc.$parameters : {}) };
  const out: StreamSnapshot = {
    name,
    keysKnown: true,
    primaryKey: normalizePrimaryKey(interpolateParameters(s.primary_key, params)),
    cursorField: normalizeCursor(interpolateParameters(inc?.cursor_field, incParams)),
  };
  const loader = isObj(s.schema_loader) ? s.schema_loader : { type: 'JsonFileSchemaLoader' };
  if (loader.type === 'InlineSchemaLoader' && isObj(loader.schema)) out.schema = loader.schema;
  else if (loader.type === 'JsonFileSchemaLoader' || loader.type === undefined) {
    // The CDK's default file_path is ./<package>/schemas/<stream name>.json; paths interpolate parameters.name.
    const template = typeof loader.file_path === 'string' ? loader.file_path : `./${pkg}/schemas/{{ parameters['name'] }}.json`;
    const path = String(interpolateParameters(template, { ...params, name: params.name ?? name })).replace(/^\.\//, '');
    try {
      const schema = parseFile(files, path);
      if (isObj(schema)) out.schema = withFileRefs(schema, path, files, `${pkg}/schemas`, snap);
      else snap.gaps.push(`${name}: schema file ${path} not found`);
    } catch (e) {
      snap.gaps.push(`${name}: schema file ${path} does not parse (${(e as Error).message})`);
    }
  } else snap.gaps.push(`${name}: ${String(loader.type)} schemas are computed at runtime, not compared`);
  return out;
}

const PARAMETER = /\{\{\s*(?:parameters|options)(?:\.(\w+)|\[\s*['"](\w+)['"]\s*\])\s*\}\}/g;

/**
 * Resolve `{{ parameters.x }}` / `{{ parameters['x'] }}` in a key or cursor, the only interpolation that is fixed
 * at build time (config- or state-dependent templates stay as written and compare as text).
 */
export function interpolateParameters(value: unknown, params: Obj): unknown {
  if (typeof value === 'string') {
    const whole = /^\s*\{\{\s*(?:parameters|options)(?:\.(\w+)|\[\s*['"](\w+)['"]\s*\])\s*\}\}\s*$/.exec(value);
    if (whole) {
      const v = params[whole[1] ?? whole[2]];
      return v === undefined ? value : v;
    }
    return value.replace(PARAMETER, (m, a?: string, b?: string) => {
      const v = params[(a ?? b)!];
      return v === undefined || typeof v === 'object' ? m : String(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => interpolateParameters(v, params));
  return value;
}

function collectOAuth(node: unknown, out: Set<string>, seen: Set<unknown>): void {
  if (typeof node !== 'object' || node === null || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) return node.forEach((n) => collectOAuth(n, out, seen));
  const o = node as Obj;
  // Case-sensitive on purpose: `NoAuth` is not an OAuth flow.
  if (typeof o.type === 'string' && /OAuth/.test(o.type)) out.add(`${o.type} grant_type=${String(o.grant_type ?? 'refresh_token')}`);
  for (const v of Object.values(o)) collectOAuth(v, out, seen);
}

function withFileRefs(schema: Obj, path: string, files: ConnectorFiles, schemasDir: string, snap: ConnectorSnapshot): Obj {
  const r = resolveSchemaFileRefs(schema, path, files, schemasDir);
  if (r.unresolved.length) snap.gaps.push(`${path}: $ref ${r.unresolved.join(', ')} not found; compared as written`);
  return r.schema;
}

function readSpecFile(files: ConnectorFiles, pkg: string, snap: ConnectorSnapshot): void {
  for (const path of [`${pkg}/spec.yaml`, `${pkg}/spec.json`, 'src/main/resources/spec.json']) {
    let value: unknown;
    try {
      value = parseFile(files, path);
    } catch (e) {
      snap.gaps.push(`${path} does not parse (${(e as Error).message}); spec not compared`);
      return;
    }
    if (!isObj(value)) continue;
    const cs = value.connectionSpecification ?? value.connection_specification;
    if (isObj(cs)) {
      snap.spec = cs;
      snap.advancedAuth = value.advanced_auth ?? value.advancedAuth;
      snap.sources.push(path);
      return;
    }
  }
}

/** Python/Java connectors: stream names and schemas from `schemas/`, keys and cursors from the configured catalog. */
function readFileStreams(files: ConnectorFiles, pkg: string, snap: ConnectorSnapshot): void {
  const schemaFiles = files.list(`${pkg}/schemas`).filter((p) => p.endsWith('.json') && !p.slice(`${pkg}/schemas/`.length).includes('/'));
  const byName = new Map<string, StreamSnapshot>();
  for (const p of schemaFiles) {
    const name = p.split('/').pop()!.replace(/\.json$/, '');
    try {
      const schema = parseFile(files, p);
      byName.set(name, { name, keysKnown: false, schema: isObj(schema) ? withFileRefs(schema, p, files, `${pkg}/schemas`, snap) : undefined });
    } catch (e) {
      snap.gaps.push(`${p} does not parse (${(e as Error).message})`);
      byName.set(name, { name, keysKnown: false });
    }
  }
  if (schemaFiles.length) snap.sources.push(`${pkg}/schemas/`);
  let catalog: unknown;
  const catalogPath = 'integration_tests/configured_catalog.json';
  try {
    catalog = parseFile(files, catalogPath);
  } catch (e) {
    snap.gaps.push(`${catalogPath} does not parse (${(e as Error).message})`);
  }
  const entries = isObj(catalog) && Array.isArray(catalog.streams) ? catalog.streams.filter(isObj) : undefined;
  if (entries) {
    snap.sources.push(catalogPath);
    for (const e of entries) {
      const st = isObj(e.stream) ? e.stream : {};
      const name = String(st.name ?? '');
      if (!name) continue;
      const s = byName.get(name) ?? { name, keysKnown: true, schema: isObj(st.json_schema) ? st.json_schema : undefined };
      s.keysKnown = true;
      s.primaryKey = normalizePrimaryKey(st.source_defined_primary_key ?? e.primary_key);
      s.cursorField = normalizeCursor(e.cursor_field ?? st.default_cursor_field);
      byName.set(name, s);
    }
  } else snap.gaps.push('primary keys and cursor fields: no integration_tests/configured_catalog.json');
  snap.gaps.push('authenticator: defined in code, OAuth grant not compared');
  snap.streams = byName.size ? [...byName.values()] : undefined;
  if (!snap.streams) snap.gaps.push(`streams: no manifest, ${pkg}/schemas/ or configured catalog names them`);
}

/** Whether `path` (relative to the connector folder) is a file `snapshotConnector` may read: fetch only these at a base ref. */
export function isSnapshotInput(path: string, connectorName: string): boolean {
  const pkg = packageDirOf(connectorName);
  return (
    ['manifest.yaml', 'metadata.yaml', `${pkg}/manifest.yaml`, `${pkg}/spec.yaml`, `${pkg}/spec.json`, 'src/main/resources/spec.json', 'integration_tests/configured_catalog.json'].includes(path) ||
    (path.startsWith(`${pkg}/schemas/`) && /\.(json|ya?ml)$/.test(path))
  );
}
