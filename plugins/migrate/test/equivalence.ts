/**
 * "Equivalent after reference resolution": what the CDK builds from a manifest. Both sides are
 * preprocessed (references, types, parameters), then fields a component's schema does not declare are
 * dropped (the CDK ignores them; Airbyte's older migrations copied every `$parameters` entry onto every
 * component, the newer only onto declared fields).
 *
 * Four of the real migrations were redone in the Connector Builder instead of by the pipeline; the
 * Builder rewrites some things into equivalent forms, undone by `builderForms`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { preprocessManifest, type Manifest } from '@conveyor/manifest';
import { CORPUS } from './corpus';

type Obj = Record<string, any>;
let schema: Obj | undefined;
function definitions(): Obj {
  schema ??= parse(readFileSync(join(CORPUS, '..', 'reference', 'declarative_component_schema.yaml'), 'utf8')) as Obj;
  return schema.definitions as Obj;
}

function declaredOnly(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(declaredOnly);
  if (!node || typeof node !== 'object') return node;
  const n = node as Obj;
  const def = typeof n.type === 'string' ? definitions()[n.type] : undefined;
  const out: Obj = {};
  for (const [k, v] of Object.entries(n)) {
    if (k === '$parameters') continue;
    if (def?.properties && !(k in def.properties) && !String(n.type).startsWith('Custom')) continue;
    out[k] = (n.type === 'InlineSchemaLoader' && k === 'schema') || k === 'connection_specification' ? v : declaredOnly(v);
  }
  return out;
}

/** streams, spec and check as the CDK sees them. */
export function semanticParts(manifest: Manifest): Obj {
  const m = declaredOnly(preprocessManifest(manifest)) as Obj;
  return { streams: m.streams, spec: m.spec, check: m.check };
}

/** Undo the Connector Builder's equivalent rewrites (and its cosmetic ones) so both sides compare. */
export function builderForms(node: unknown, key = ''): unknown {
  if (typeof node === 'string') return node.replace(/config\["([^"]+)"\]/g, "config['$1']");
  if (Array.isArray(node)) return node.map((v) => builderForms(v));
  if (!node || typeof node !== 'object') return node;
  const n = { ...(node as Obj) };
  if (n.type === 'DeclarativeStream' && typeof n.primary_key === 'string') n.primary_key = [n.primary_key];
  if (n.type === 'SimpleRetriever' && n.paginator?.type === 'NoPagination') delete n.paginator;
  if (n.type === 'ApiKeyAuthenticator' && typeof n.header === 'string' && !n.inject_into) {
    n.inject_into = { type: 'RequestOption', field_name: n.header, inject_into: 'header' };
    delete n.header;
  }
  if (n.type === 'InlineSchemaLoader' && n.schema && typeof n.schema === 'object') {
    const { additionalProperties: _a, title: _t, ...rest } = n.schema as Obj;
    n.schema = rest;
  }
  if (key === 'spec') {
    delete n.documentation_url;
    const cs = { ...(n.connection_specification as Obj) };
    delete cs.title;
    cs.properties = Object.fromEntries(Object.entries((cs.properties ?? {}) as Obj).map(([p, v]) => [p, (({ order: _o, ...r }) => r)(v as Obj)]));
    n.connection_specification = cs;
  }
  return Object.fromEntries(Object.entries(n).map(([k, v]) => [k, k === 'schema' || k === 'connection_specification' ? v : builderForms(v, k)]));
}

/** Paths where two values differ (for readable failures). */
export function differences(a: unknown, b: unknown, path = ''): string[] {
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a as Obj), ...Object.keys(b as Obj)]);
    return [...keys].flatMap((k) => differences((a as Obj)[k], (b as Obj)[k], `${path}/${k}`));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${path}: ours ${JSON.stringify(a)?.slice(0, 100)} / Airbyte's ${JSON.stringify(b)?.slice(0, 100)}`];
}
