/**
 * Record transformations as the CDK runs them (airbyte_cdk/sources/declarative/transformations/): AddFields,
 * RemoveFields (dpath.delete semantics, condition per leaf), KeysToLower, KeysToSnakeCase, KeysReplace,
 * FlattenFields and DpathFlattenFields (with KeyTransformation).
 */
import { evalBoolean, evalString, type Context, type PyType } from '../jinja/interpolation';
import { isDict, pyStr } from '../jinja/values';
import { type Build, type Node, expectType, params } from './build';
import { dpathGet, type RecordStep, type Record_ } from './records';

const VALUE_TYPES: Record<string, PyType> = { string: 'str', number: 'float', integer: 'int', boolean: 'bool' };

function setPath(record: Record_, keys: string[], value: unknown): void {
  let cur = record;
  for (const k of keys.slice(0, -1)) {
    if (!isDict(cur[k])) cur[k] = {};
    cur = cur[k] as Record_;
  }
  cur[keys[keys.length - 1]] = value;
}

const isLeaf = (v: unknown): boolean => !isDict(v) && !Array.isArray(v);

/**
 * dpath.delete(obj, glob, afilter): every match is deleted; with a filter only leaves it accepts. A list item is
 * removed when it is the list's last one and set to None otherwise (so the other indexes keep their place).
 */
export function removePath(obj: unknown, keys: string[], accept?: (leaf: unknown) => boolean): void {
  if (!keys.length || (!isDict(obj) && !Array.isArray(obj))) return;
  const [k, ...rest] = keys;
  let targets: string[];
  if (k === '*') targets = Array.isArray(obj) ? obj.map((_x, i) => String(i)).reverse() : Object.keys(obj);
  else targets = [k];
  for (const t of targets) {
    if (rest.length) {
      removePath(dpathGet(obj, [t]), rest, accept);
      continue;
    }
    if (Array.isArray(obj)) {
      if (!/^\d+$/.test(t) || Number(t) >= obj.length) continue;
      const i = Number(t);
      if (accept && !(isLeaf(obj[i]) && accept(obj[i]))) continue;
      if (i === obj.length - 1) obj.pop();
      else obj[i] = null;
    } else if (isDict(obj) && Object.prototype.hasOwnProperty.call(obj, t)) {
      if (accept && !(isLeaf(obj[t]) && accept(obj[t]))) continue;
      delete obj[t];
    }
  }
}

/** Python's str.replace, including an empty `old` (inserts `new` between every character). */
function pyReplace(s: string, old: string, replacement: string): string {
  if (old === '') return replacement + [...s].join(replacement) + (s.length ? replacement : '');
  return s.split(old).join(replacement);
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

/** FlattenFields.flatten_record: the CDK's stack walk, whose order decides which keys get a parent prefix. */
export function flattenRecord(record: Record_, flattenLists: boolean): Record_ {
  const stack: [unknown, string][] = [[record, '_']];
  const out: Record_ = {};
  let forceParent = false;
  while (stack.length) {
    const [cur, parent] = stack.pop()!;
    if (isDict(cur)) {
      for (const [k, v] of Object.entries(cur)) stack.push([v, k in out || forceParent ? `${parent}.${k}` : k]);
    } else if (Array.isArray(cur) && flattenLists) {
      cur.forEach((item, i) => {
        forceParent = true;
        stack.push([item, `${parent}.${i}`]);
      });
    } else out[parent] = cur;
  }
  return out;
}

function replaceContents(record: Record_, next: Record_): Record_ {
  for (const k of Object.keys(record)) delete record[k];
  return Object.assign(record, next);
}

function dpathFlatten(b: Build, node: Node): RecordStep {
  const p = params(node);
  const path = ((node.field_path as unknown[]) ?? []).map((x) => pyStr(evalString(x, b.config, {}, p)));
  const kt = node.key_transformation as Node | undefined;
  if (kt) expectType(b, kt, ['KeyTransformation']);
  const affix = (v: unknown): string => (v === undefined || v === null ? '' : pyStr(evalString(v, b.config, {}, { ...p, ...params(kt!) })));
  const prefix = kt ? affix(kt.prefix) : '';
  const suffix = kt ? affix(kt.suffix) : '';
  const values = (obj: unknown, keys: string[]): unknown[] => {
    if (!keys.length) return [obj];
    const [k, ...rest] = keys;
    const kids = k === '*' ? (Array.isArray(obj) ? obj : isDict(obj) ? Object.values(obj) : []) : [dpathGet(obj, [k])].filter((x) => x !== undefined);
    return kids.flatMap((c) => values(c, rest));
  };
  return (records) => {
    for (const record of records) {
      const extracted = path.includes('*') ? values(record, path)[0] : dpathGet(record, path);
      if (!isDict(extracted)) continue;
      const moved = Object.fromEntries(Object.entries(extracted).map(([k, v]) => [`${prefix}${k}${suffix}`, v]));
      if (node.replace_record === true && Object.keys(moved).length) replaceContents(record, moved);
      else if (!Object.keys(moved).some((k) => k in record)) {
        // Keys that would overwrite the record's own leave the record untouched.
        if (node.delete_origin_value === true) removePath(record, path);
        Object.assign(record, moved);
      }
    }
    return records;
  };
}

export function buildTransformation(b: Build, node: Node): RecordStep {
  const type = expectType(b, node, ['AddFields', 'RemoveFields', 'KeysToLower', 'KeysToSnakeCase', 'KeysReplace', 'FlattenFields', 'DpathFlattenFields']);
  const p = params(node);
  switch (type) {
    case 'AddFields': {
      const fields = ((node.fields as Node[]) ?? []).map((f) => {
        expectType(b, f, ['AddedFieldDefinition']);
        return { path: (f.path as unknown[]).map(String), value: f.value, valid: f.value_type ? [VALUE_TYPES[String(f.value_type)]] : undefined, p: params(f) };
      });
      return (records, ctx) => {
        for (const record of records) {
          // AddFields.transform gives templates `record` and `stream_slice` only (plus config and parameters).
          const c: Context = { record, stream_slice: ctx.stream_slice ?? null };
          for (const f of fields) {
            const value = evalString(f.value, b.config, c, { ...p, ...f.p }, f.valid);
            if (!node.condition || evalBoolean(node.condition, b.config, { ...c, value, path: f.path }, p)) setPath(record, f.path, value);
          }
        }
        return records;
      };
    }
    case 'RemoveFields': {
      const pointers = ((node.field_pointers as unknown[][]) ?? []).map((ptr) => ptr.map(String));
      // The condition sees each matched leaf as `property` (and config), nothing else.
      const accept = node.condition ? (leaf: unknown): boolean => evalBoolean(node.condition, b.config, { property: leaf }, p) : undefined;
      return (records) => {
        for (const record of records) for (const ptr of pointers) removePath(record, ptr, accept);
        return records;
      };
    }
    case 'KeysToLower': return (records) => records.map((r) => replaceContents(r, mapKeys(r, (k) => k.toLowerCase(), false) as Record_));
    case 'KeysToSnakeCase': return (records) => records.map((r) => replaceContents(r, mapKeys(r, snakeCase, false) as Record_));
    case 'FlattenFields': {
      const lists = node.flatten_lists !== false;
      return (records) => records.map((r) => replaceContents(r, flattenRecord(r, lists)));
    }
    case 'DpathFlattenFields': return dpathFlatten(b, node);
    default: return (records, ctx) => records.map((r) => {
      const c: Context = { record: r, stream_slice: ctx.stream_slice ?? null };
      const old = pyStr(evalString(node.old, b.config, c, p));
      const replacement = pyStr(evalString(node.new, b.config, c, p));
      return replaceContents(r, mapKeys(r, (k) => pyReplace(k, old, replacement), true) as Record_);
    });
  }
}
