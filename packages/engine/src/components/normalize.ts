/**
 * RecordSelector `schema_normalization: Default`: the CDK's TypeTransformer converts a value whose JSON type
 * does not match the schema's declared type (str(), float(), int(), strtobool), recursively through
 * properties and items; values it cannot convert are left alone.
 */
import { PyFloat, isDict, pyStr } from '../jinja/values';

type Schema = Record<string, unknown>;

function matches(v: unknown, type: string): boolean {
  if (v instanceof PyFloat) return type === 'number' || (type === 'integer' && Number.isInteger(v.v));
  switch (type) {
    case 'string': return typeof v === 'string';
    case 'number': return typeof v === 'number';
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'boolean': return typeof v === 'boolean';
    case 'array': return Array.isArray(v);
    case 'object': return isDict(v);
    case 'null': return v === null;
  }
  return true;
}

function convert(v: unknown, schema: Schema): unknown {
  let type = schema.type;
  if (v === null || v === undefined) return v;
  if (Array.isArray(type)) {
    if (type.some((t) => matches(v, String(t)))) return v;
    const rest = type.filter((t) => t !== 'null');
    if (rest.length !== 1) return v;
    type = rest[0];
  }
  if (typeof type !== 'string' || matches(v, type)) return v;
  switch (type) {
    case 'string': return isDict(v) || Array.isArray(v) ? v : pyStr(v);
    case 'number': {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : typeof v === 'boolean' ? Number(v) : NaN;
      return Number.isNaN(n) ? v : n;
    }
    case 'integer': {
      if (typeof v === 'number') return Math.trunc(v);
      if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return Number(v);
      if (typeof v === 'boolean') return Number(v);
      return v;
    }
    case 'boolean': {
      if (typeof v === 'string') {
        const s = v.toLowerCase();
        if (['y', 'yes', 't', 'true', 'on', '1'].includes(s)) return true;
        if (['n', 'no', 'f', 'false', 'off', '0'].includes(s)) return false;
        return v;
      }
      return Boolean(v);
    }
  }
  return v;
}

export function normalizeRecord(value: unknown, schema: Schema): unknown {
  const v = convert(value, schema);
  if (isDict(v) && isDict(schema.properties)) {
    for (const [k, sub] of Object.entries(schema.properties)) {
      if (k in v && isDict(sub)) v[k] = normalizeRecord(v[k], sub as Schema);
    }
  } else if (Array.isArray(v) && isDict(schema.items)) {
    for (let i = 0; i < v.length; i++) v[i] = normalizeRecord(v[i], schema.items as Schema);
  }
  return v;
}
