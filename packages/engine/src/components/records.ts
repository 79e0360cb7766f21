/**
 * From response to records: decoders (JSON, JSONL), DpathExtractor (nested paths and `*`), RecordFilter,
 * transformations (AddFields, RemoveFields, KeysToLower, KeysToSnakeCase, KeysReplace) and schema loaders.
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Response } from '../http/response';
import { evalBoolean, evalString, type Context, type PyType } from '../jinja/interpolation';
import { isDict, pyStr } from '../jinja/values';
import { type Build, type Node, expectType, params, refuseFields } from './build';
import { normalizeRecord } from './normalize';

export type Decoder = (res: Response) => unknown[];
export type Record_ = Record<string, unknown>;

export function buildDecoder(b: Build, node: Node | undefined): Decoder {
  if (!node) return decodeJson;
  const type = expectType(b, node, ['JsonDecoder', 'JsonlDecoder']);
  if (type === 'JsonlDecoder') {
    return (res) => res.body.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown);
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

const VALUE_TYPES: Record<string, PyType> = { string: 'str', number: 'float', integer: 'int', boolean: 'bool' };

function setPath(record: Record_, keys: string[], value: unknown): void {
  let cur = record;
  for (const k of keys.slice(0, -1)) {
    if (!isDict(cur[k])) cur[k] = {};
    cur = cur[k] as Record_;
  }
  cur[keys[keys.length - 1]] = value;
}

function removePath(obj: unknown, keys: string[]): void {
  if (!keys.length || (!isDict(obj) && !Array.isArray(obj))) return;
  const [k, ...rest] = keys;
  const targets = k === '*' ? (Array.isArray(obj) ? obj.map((_x, i) => String(i)) : Object.keys(obj)) : [k];
  for (const t of targets) {
    if (rest.length) removePath(dpathGet(obj, [t]), rest);
    else if (isDict(obj)) delete obj[t];
  }
}

function snakeCase(key: string): string {
  const ascii = key.normalize('NFKD').replace(/[^\x00-\x7f]/g, '');
  const tokens: string[] = [];
  for (const m of ascii.matchAll(/[A-Z]+[a-z]*|[a-z]+|\d+|([^a-zA-Z\d]+)/g)) tokens.push(m[1] === undefined ? m[0] : '');
  let t = tokens.length >= 3 ? [tokens[0], ...tokens.slice(1, -1).filter(Boolean), tokens[tokens.length - 1]] : tokens;
  if (t.length && /^\d+$/.test(t[0])) t = ['', ...t];
  return t.map((x) => x.toLowerCase()).join('_');
}

function mapKeys(v: unknown, fn: (k: string) => string, deep: boolean): unknown {
  if (!isDict(v)) return v;
  const out: Record_ = {};
  for (const [k, x] of Object.entries(v)) out[fn(k)] = deep ? mapKeys(x, fn, deep) : x;
  return out;
}

export function buildTransformation(b: Build, node: Node): RecordStep {
  const type = expectType(b, node, ['AddFields', 'RemoveFields', 'KeysToLower', 'KeysToSnakeCase', 'KeysReplace']);
  const p = params(node);
  switch (type) {
    case 'AddFields': {
      const fields = ((node.fields as Node[]) ?? []).map((f) => {
        expectType(b, f, ['AddedFieldDefinition']);
        return { path: (f.path as unknown[]).map(String), value: f.value, valid: f.value_type ? [VALUE_TYPES[String(f.value_type)]] : undefined, p: params(f) };
      });
      return (records, ctx) => {
        for (const record of records) {
          for (const f of fields) {
            const c = { ...ctx, record };
            const value = evalString(f.value, b.config, c, { ...p, ...f.p }, f.valid);
            if (!node.condition || evalBoolean(node.condition, b.config, { ...c, value }, p)) setPath(record, f.path, value);
          }
        }
        return records;
      };
    }
    case 'RemoveFields': {
      const pointers = ((node.field_pointers as unknown[][]) ?? []).map((ptr) => ptr.map(String));
      return (records, ctx) => {
        for (const record of records) {
          for (const ptr of pointers) {
            if (!node.condition || evalBoolean(node.condition, b.config, { ...ctx, property: dpathGet(record, ptr) }, p)) removePath(record, ptr);
          }
        }
        return records;
      };
    }
    case 'KeysToLower': return (records) => records.map((r) => mapKeys(r, (k) => k.toLowerCase(), false) as Record_);
    case 'KeysToSnakeCase': return (records) => records.map((r) => mapKeys(r, snakeCase, true) as Record_);
    default: return (records, ctx) => records.map((r) => mapKeys(r, (k) => {
      const c = { ...ctx, record: r };
      return k.split(pyStr(evalString(node.old, b.config, c, p))).join(pyStr(evalString(node.new, b.config, c, p)));
    }, true) as Record_);
  }
}

export type RecordSelector = { extract: Extractor; select: (res: Response, ctx: Context) => Record_[] };

export function buildRecordSelector(b: Build, node: Node, decoder: Decoder, transformations: RecordStep[], loadStreamSchema: () => Record<string, unknown>): RecordSelector {
  expectType(b, node, ['RecordSelector']);
  refuseFields(b, node, ['record_expander']);
  const normalization = node.schema_normalization ?? 'None';
  if (normalization !== 'None' && normalization !== 'Default') {
    throw b.error(node, `RecordSelector.schema_normalization ${JSON.stringify(normalization)} is not supported by conveyor-manifest (None or Default)`);
  }
  let schema: Record<string, unknown> | undefined;
  const extract = buildExtractor(b, node.extractor as Node, decoder);
  const filter = buildFilter(b, node.record_filter as Node | undefined);
  const transformFirst = node.transform_before_filtering === true;
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
