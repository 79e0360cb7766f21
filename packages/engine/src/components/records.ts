/**
 * From response to records: decoders (JSON, JSONL), DpathExtractor (nested paths and `*`), RecordFilter,
 * and schema loaders (transformations live in transformations.ts).
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Response } from '../http/response';
import { evalBoolean, evalString, type Context } from '../jinja/interpolation';
import { isDict, pyStr } from '../jinja/values';
import { type Build, type Node, expectType, params, refuseFields } from './build';
import { normalizeRecord } from './normalize';
import { parseJson } from '../json';

export type Decoder = (res: Response) => unknown[];
export type Record_ = Record<string, unknown>;

export function buildDecoder(b: Build, node: Node | undefined): Decoder {
  if (!node) return decodeJson;
  const type = expectType(b, node, ['JsonDecoder', 'JsonlDecoder']);
  if (type === 'JsonlDecoder') {
    // JsonLineParser: one JSON value per line; a line that does not parse is skipped (the CDK logs a warning).
    return (res) => {
      const out: unknown[] = [];
      for (const line of res.body.split('\n')) {
        if (!line.trim()) continue;
        try {
          out.push(parseJson(line));
        } catch {
          /* skipped, as the CDK does */
        }
      }
      return out;
    };
  }
  return decodeJson;
}

/** JsonDecoder: a list body yields its items as bodies; a non-JSON or empty-list body yields `{}`. */
function decodeJson(res: Response): unknown[] {
  const body = res.json();
  if (body === undefined) return [{}];
  if (!Array.isArray(body)) return [body];
  return body.length ? body : [{}];
}

export function dpathGet(obj: unknown, keys: string[]): unknown {
  let cur = obj;
  for (const k of keys) {
    if (Array.isArray(cur) && /^-?\d+$/.test(k)) cur = cur[Number(k) < 0 ? cur.length + Number(k) : Number(k)];
    else if (isDict(cur) && Object.prototype.hasOwnProperty.call(cur, k)) cur = cur[k];
    else return undefined;
  }
  return cur;
}

/** dpath.values with glob segments (`*` matches any key or index). */
function dpathValues(obj: unknown, keys: string[]): unknown[] {
  if (!keys.length) return [obj];
  const [k, ...rest] = keys;
  const children: unknown[] = [];
  if (k === '*') {
    if (Array.isArray(obj)) children.push(...obj);
    else if (isDict(obj)) children.push(...Object.values(obj));
  } else {
    const v = dpathGet(obj, [k]);
    if (v !== undefined) children.push(v);
  }
  return children.flatMap((c) => dpathValues(c, rest));
}

export type Extractor = (res: Response) => unknown[];

export function buildExtractor(b: Build, node: Node, decoder: Decoder): Extractor {
  expectType(b, node, ['DpathExtractor']);
  const p = params(node);
  const fieldPath = ((node.field_path as unknown[]) ?? []).map((x) => pyStr(evalString(x, b.config, {}, p)));
  const dec = node.decoder ? buildDecoder(b, node.decoder as Node) : decoder;
  return (res) => {
    const out: unknown[] = [];
    for (const body of dec(res)) {
      const extracted = !fieldPath.length ? body : fieldPath.includes('*') ? dpathValues(body, fieldPath) : dpathGet(body, fieldPath) ?? [];
      if (Array.isArray(extracted)) out.push(...extracted);
      else if (extracted && !(isDict(extracted) && !Object.keys(extracted).length)) out.push(extracted);
    }
    return out;
  };
}

export type RecordStep = (records: Record_[], ctx: Context) => Record_[];

export function buildFilter(b: Build, node: Node | undefined): RecordStep | undefined {
  if (!node) return undefined;
  expectType(b, node, ['RecordFilter']);
  const p = params(node);
  return (records, ctx) => records.filter((record) => evalBoolean(node.condition ?? '', b.config, { ...ctx, record }, p));
}

export type RecordSelector = { extract: Extractor; select: (res: Response, ctx: Context) => Record_[] };

/**
 * `clientSideIncremental`: the factory then defaults transform_before_filtering to True (the filter is the
 * ClientSideIncrementalRecordFilterDecorator, which wants transformed records).
 */
export function buildRecordSelector(
  b: Build,
  node: Node,
  decoder: Decoder,
  transformations: RecordStep[],
  loadStreamSchema: () => Record<string, unknown>,
  clientSideIncremental = false,
): RecordSelector {
  expectType(b, node, ['RecordSelector']);
  refuseFields(b, node, ['record_expander']);
  const normalization = node.schema_normalization ?? 'None';
  if (normalization !== 'None' && normalization !== 'Default') {
    throw b.error(node, `RecordSelector.schema_normalization ${JSON.stringify(normalization)} is not supported by conveyor-manifest (None or Default)`);
  }
  let schema: Record<string, unknown> | undefined;
  const extract = buildExtractor(b, node.extractor as Node, decoder);
  const filter = buildFilter(b, node.record_filter as Node | undefined);
  const transformFirst = node.transform_before_filtering === undefined || node.transform_before_filtering === null ? clientSideIncremental : node.transform_before_filtering === true;
  return {
    extract,
    select(res, ctx) {
      let records = extract(res) as Record_[];
      const transform = (rs: Record_[]): Record_[] => transformations.reduce((acc, t) => t(acc, ctx), rs);
      if (transformFirst) records = transform(records);
      if (filter) records = filter(records, ctx);
      if (!transformFirst) records = transform(records);
      if (normalization === 'Default') {
        schema ??= loadStreamSchema();
        records = records.map((r) => normalizeRecord(r, schema!) as Record_);
      }
      return records;
    },
  };
}

/** InlineSchemaLoader or JsonFileSchemaLoader (files next to the manifest, `$ref`s to sibling files inlined). */
export function loadSchema(b: Build, node: Node | undefined, streamName: string): Record<string, unknown> {
  if (!node) return loadSchema(b, { type: 'JsonFileSchemaLoader' }, streamName);
  const type = expectType(b, node, ['InlineSchemaLoader', 'JsonFileSchemaLoader']);
  if (type === 'InlineSchemaLoader') return (node.schema as Record<string, unknown>) ?? {};
  const p = { name: streamName, ...params(node) };
  const rel = pyStr(evalString(node.file_path ?? `./schemas/{{ parameters['name'] }}.json`, b.config, {}, p));
  const candidates = [path.resolve(b.manifestDir, rel), path.resolve(b.manifestDir, 'schemas', path.basename(rel))];
  const file = candidates.find((c) => existsSync(c));
  if (!file) throw b.error(node, `JsonFileSchemaLoader: no schema file ${rel} (looked in ${candidates.join(', ')})`);
  const inline = (v: unknown, dir: string, depth: number): unknown => {
    if (Array.isArray(v)) return v.map((x) => inline(x, dir, depth));
    if (!isDict(v)) return v;
    if (typeof v.$ref === 'string' && !v.$ref.startsWith('#') && depth < 20) {
      // ResourceSchemaLoader resolves references against schemas/shared/ as well as the referring file.
      const options = [path.resolve(dir, v.$ref), path.resolve(path.dirname(file), 'shared', v.$ref)];
      const target = options.find((o) => existsSync(o));
      if (!target) throw b.error(node, `JsonFileSchemaLoader: ${file} references ${v.$ref}, which is not at ${options.join(' or ')}`);
      const loaded = JSON.parse(readFileSync(target, 'utf8')) as unknown;
      return inline(loaded, path.dirname(target), depth + 1);
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, inline(x, dir, depth)]));
  };
  return inline(JSON.parse(readFileSync(file, 'utf8')), path.dirname(file), 0) as Record<string, unknown>;
}
