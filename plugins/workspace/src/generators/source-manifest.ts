import { isMap, parseDocument, stringify } from 'yaml';
import { preprocessManifest } from '@conveyor/manifest';
import { GeneratorInputError } from '../names';

export type Auth = 'bearer' | 'api-key' | 'basic' | 'none';

/** What the rest of the connector's files are derived from. */
export interface ManifestFacts {
  streams: { name: string; incremental: boolean; cursorField?: string }[];
  urlBases: string[];
  /** `allowedHosts.hosts`: host names, config interpolations as `${key}` (metadata schema AllowedHosts.yaml). */
  hosts: string[];
  connectionSpecification: Record<string, unknown>;
}

export interface NewManifestInput {
  urlBase: string;
  stream: string;
  path: string;
  auth: Auth;
  version: string;
  description: string;
}

/** A manifest with spec, check and one stream, in the shape the Connector Builder exports (so it opens in the UI). */
export function newManifest(i: NewManifestInput): string {
  const secret = i.auth === 'basic' ? ['username', 'password'] : i.auth === 'none' ? [] : ['api_key'];
  const properties: Record<string, unknown> = {};
  secret.forEach((key, order) => {
    properties[key] = {
      type: 'string',
      title: key === 'api_key' ? 'API Key' : key[0].toUpperCase() + key.slice(1),
      ...(key === 'username' ? {} : { airbyte_secret: true }),
      order,
    };
  });
  const manifest = {
    version: i.version,
    type: 'DeclarativeSource',
    description: i.description,
    check: { type: 'CheckStream', stream_names: [i.stream] },
    definitions: {
      streams: {
        [i.stream]: {
          type: 'DeclarativeStream',
          name: i.stream,
          primary_key: ['id'],
          retriever: {
            type: 'SimpleRetriever',
            requester: { $ref: '#/definitions/base_requester', path: i.path, http_method: 'GET' },
            record_selector: { type: 'RecordSelector', extractor: { type: 'DpathExtractor', field_path: [] } },
            paginator: { type: 'NoPagination' },
          },
          schema_loader: { type: 'InlineSchemaLoader', schema: { $ref: `#/schemas/${i.stream}` } },
        },
      },
      base_requester: { type: 'HttpRequester', url_base: i.urlBase, authenticator: authenticator(i.auth) },
    },
    streams: [{ $ref: `#/definitions/streams/${i.stream}` }],
    spec: {
      type: 'Spec',
      connection_specification: { type: 'object', $schema: 'http://json-schema.org/draft-07/schema#', required: secret, properties, additionalProperties: true },
    },
    schemas: {
      [i.stream]: {
        type: 'object',
        $schema: 'http://json-schema.org/schema#',
        additionalProperties: true,
        properties: { id: { type: ['string', 'null'] } },
      },
    },
  };
  return stringify(manifest, { lineWidth: 0 });
}

function authenticator(auth: Auth): Record<string, unknown> {
  switch (auth) {
    case 'bearer':
      return { type: 'BearerAuthenticator', api_token: '{{ config["api_key"] }}' };
    case 'api-key':
      return { type: 'ApiKeyAuthenticator', api_token: '{{ config["api_key"] }}', inject_into: { type: 'RequestOption', inject_into: 'header', field_name: 'X-API-Key' } };
    case 'basic':
      return { type: 'BasicHttpAuthenticator', username: '{{ config["username"] }}', password: '{{ config["password"] }}' };
    case 'none':
      return { type: 'NoAuth' };
  }
}

/**
 * A manifest exported from the Connector Builder, ready to commit: its `metadata` field (Builder UI state,
 * test values) removed, everything else kept as written.
 */
export function fromBuilderExport(text: string, file: string): { manifest: string; value: Record<string, unknown> } {
  const doc = parseDocument(text);
  if (doc.errors.length) {
    const e = doc.errors[0];
    const pos = e.linePos?.[0];
    throw new GeneratorInputError(`--from: ${file}${pos ? `:${pos.line}:${pos.col}` : ''}: not valid YAML: ${e.message.split('\n')[0]}`);
  }
  if (!isMap(doc.contents)) throw new GeneratorInputError(`--from: ${file}: expected a manifest (a mapping with version, streams, spec), got ${doc.contents === null ? 'an empty file' : 'a scalar or a list'}`);
  doc.delete('metadata');
  const value = doc.toJS() as Record<string, unknown>;
  for (const key of ['streams', 'spec'] as const)
    if (value[key] === undefined)
      throw new GeneratorInputError(`--from: ${file}: the manifest has no \`${key}\`; expected a Connector Builder export (Builder → ⋯ → Export YAML), which always has streams and spec`);
  return { manifest: doc.toString({ lineWidth: 0 }), value };
}

/** Streams, hosts and spec of a manifest, read after `$ref`s and `$parameters` are resolved as the CDK does. */
export function manifestFacts(value: Record<string, unknown>, file: string): ManifestFacts {
  let resolved: Record<string, unknown>;
  try {
    resolved = preprocessManifest(structuredClone(value));
  } catch (e) {
    throw new GeneratorInputError(`${file}: ${(e as Error).message}`);
  }
  const streams = (Array.isArray(resolved.streams) ? resolved.streams : []) as Record<string, any>[];
  const urlBases = new Set<string>();
  const facts: ManifestFacts['streams'] = [];
  for (const s of streams) {
    const name = s?.name ?? s?.$parameters?.name;
    if (typeof name !== 'string') continue;
    const inc = s.incremental_sync as Record<string, unknown> | undefined;
    facts.push({ name, incremental: Boolean(inc), cursorField: cursorField(inc, s) });
    const urlBase = s.retriever?.requester?.url_base;
    if (typeof urlBase === 'string') urlBases.add(urlBase);
  }
  if (!facts.length) throw new GeneratorInputError(`${file}: no stream with a name: expected \`streams\` to list at least one DeclarativeStream`);
  const spec = (resolved.spec as { connection_specification?: Record<string, unknown> } | undefined)?.connection_specification;
  if (!spec || typeof spec !== 'object') throw new GeneratorInputError(`${file}: expected \`spec.connection_specification\` (the config form) in the manifest`);
  const hosts = [...new Set([...urlBases].map(hostOf).filter((h): h is string => Boolean(h)))];
  return { streams: facts, urlBases: [...urlBases], hosts, connectionSpecification: spec };
}

/** The cursor field, with a `{{ parameters['x'] }}` reference looked up in the stream's `$parameters`. */
function cursorField(inc: Record<string, any> | undefined, stream: Record<string, any>): string | undefined {
  const raw = inc?.cursor_field;
  if (typeof raw !== 'string') return undefined;
  const ref = /^\{\{\s*parameters(?:\[\s*['"]([^'"]+)['"]\s*\]|\.(\w+))\s*\}\}$/.exec(raw.trim());
  if (!ref) return raw.includes('{{') ? undefined : raw;
  const value = (inc?.$parameters ?? stream.$parameters ?? {})[ref[1] ?? ref[2]];
  return typeof value === 'string' && !value.includes('{{') ? value : undefined;
}

/**
 * `api.foo.com` from `https://api.foo.com/v1`. A host whose leading labels come from the config becomes a
 * wildcard, as Airbyte writes it (`https://{{ config['account'] }}.api-us1.com` → `*.api-us1.com`); a host that
 * is entirely a config value becomes a `${key}` placeholder, which the platform fills from the config.
 */
export function hostOf(urlBase: string): string | undefined {
  const configRef = /\{\{\s*config(?:\[\s*['"]([^'"\]]+)['"]\s*\]|\.([A-Za-z_][\w]*))\s*\}\}/g;
  const marked = urlBase.replace(configRef, (_m, a, b) => `\u0000${a ?? b}\u0000`);
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#:]+)/i.exec(marked);
  if (!m) {
    const only = /^\u0000([^\u0000]+)\u0000/.exec(marked);
    return only ? `\${${only[1]}}` : undefined;
  }
  const labels = m[1].split('.');
  const dynamic = labels.map((l) => l.includes('\u0000'));
  if (!dynamic.some(Boolean)) return m[1];
  const lastDynamic = dynamic.lastIndexOf(true);
  const fixed = labels.slice(lastDynamic + 1);
  // Two fixed labels at least (`*.example.com`), else the host is whatever the user configures.
  if (fixed.length >= 2) return ['*', ...fixed].join('.');
  return m[1].replace(/\u0000([^\u0000]+)\u0000/g, (_x, k) => `\${${k}}`);
}
