/**
 * Attribute lookup, the Python methods templates may call (dict.get, str.split, datetime.strftime, ...) and
 * the CDK's macros (airbyte_cdk/sources/declarative/interpolation/macros.py).
 */
import { cdkFormat, cdkParse, isoparse, nowUtc, parseDuration, strftime } from './datetime';
import {
  PyDate, PyDateTime, PyDuration, PyError, PyTimedelta, Undefined, UndefinedError,
  datetimeStr, float, isDict, isNumber, num, pyCompare, pyEquals, pyStr, typeName,
} from './values';

export type Method = { self: unknown; name: string; __method: true };
export const isMethod = (v: unknown): v is Method => typeof v === 'object' && v !== null && (v as Method).__method === true;
const method = (self: unknown, name: string): Method => ({ self, name, __method: true });

const DICT_METHODS = new Set(['get', 'keys', 'values', 'items', 'copy', 'pop', 'update', 'setdefault', 'clear', 'popitem', 'fromkeys']);
const STR_METHODS = new Set(['lower', 'upper', 'strip', 'lstrip', 'rstrip', 'split', 'rsplit', 'replace', 'startswith', 'endswith', 'format', 'join', 'title', 'capitalize', 'find', 'count', 'zfill', 'isdigit', 'isalpha', 'isnumeric', 'splitlines', 'index', 'casefold', 'removeprefix', 'removesuffix']);
const LIST_METHODS = new Set(['index', 'count', 'copy']);
const DT_METHODS = new Set(['strftime', 'isoformat', 'timestamp', 'date', 'replace', 'astimezone', 'weekday', 'isoweekday', 'utcoffset']);

/** Jinja's sandboxed getattr: a Python attribute first, then the item of the same name. */
export function getAttribute(o: unknown, name: string, attrFirst: boolean): unknown {
  if (o instanceof Undefined) throw new UndefinedError(o.hint);
  if (isDict(o)) {
    if (attrFirst && DICT_METHODS.has(name)) return method(o, name);
    if (Object.prototype.hasOwnProperty.call(o, name)) return o[name];
    if (!attrFirst && DICT_METHODS.has(name)) return method(o, name);
    return new Undefined(`'dict object' has no attribute '${name}'`);
  }
  if (typeof o === 'string' && STR_METHODS.has(name)) return method(o, name);
  if (Array.isArray(o) && LIST_METHODS.has(name)) return method(o, name);
  if (o instanceof PyDateTime || o instanceof PyDate) {
    const dt = o instanceof PyDate ? o.dt : o;
    const f = dt.fields();
    const fields: Record<string, number> = { year: f.year, month: f.month, day: f.day };
    if (o instanceof PyDateTime) Object.assign(fields, { hour: f.hour, minute: f.minute, second: f.second, microsecond: f.micro });
    if (name in fields) return fields[name];
    if (name === 'tzinfo' && o instanceof PyDateTime) return o.offset === null ? null : 'UTC';
    if (DT_METHODS.has(name)) return method(o, name);
  }
  if (o instanceof PyTimedelta) {
    if (name === 'days') return Math.floor(o.us / 86_400_000_000);
    if (name === 'seconds') return Math.floor((o.us % 86_400_000_000) / 1_000_000);
    if (name === 'microseconds') return o.us % 1_000_000;
    if (name === 'total_seconds') return method(o, name);
  }
  return new Undefined(`'${typeName(o)} object' has no attribute '${name}'`);
}

export function callMethod(m: Method, args: unknown[], kw: Record<string, unknown>): unknown {
  const { self, name } = m;
  if (isDict(self)) {
    switch (name) {
      case 'get': {
        const k = args[0];
        const key = typeof k === 'string' ? k : pyStr(k);
        return Object.prototype.hasOwnProperty.call(self, key) ? self[key] : args.length > 1 ? args[1] : null;
      }
      case 'keys': return Object.keys(self);
      case 'values': return Object.values(self);
      case 'items': return Object.entries(self);
      case 'copy': return { ...self };
    }
    throw new PyError('SecurityError', `dict.${name} is not allowed in a template (it would modify data)`);
  }
  if (typeof self === 'string') return strMethod(self, name, args);
  if (Array.isArray(self)) {
    if (name === 'count') return self.filter((x) => pyEquals(x, args[0])).length;
    if (name === 'copy') return [...self];
    const i = self.findIndex((x) => pyEquals(x, args[0]));
    if (i < 0) throw new PyError('ValueError', `${pyStr(args[0])} is not in list`);
    return i;
  }
  if (self instanceof PyTimedelta) return float(self.us / 1_000_000);
  const dt = self instanceof PyDate ? self.dt : (self as PyDateTime);
  switch (name) {
    case 'strftime': return strftime(dt, String(args[0]));
    case 'isoformat': return self instanceof PyDate ? datetimeStr(dt).slice(0, 10) : datetimeStr(dt, String(args[0] ?? kw.sep ?? 'T'));
    case 'timestamp': return float((dt.offset === null ? dt.us : dt.us) / 1_000_000);
    case 'date': return new PyDate(new PyDateTime(Math.floor((dt.us + (dt.offset ?? 0) * 60_000_000) / 86_400_000_000) * 86_400_000_000, null));
    case 'weekday': return dt.fields().weekday;
    case 'isoweekday': return dt.fields().weekday + 1;
    case 'astimezone': return dt.withOffset(0);
    case 'utcoffset': return dt.offset === null ? null : new PyTimedelta(dt.offset * 60_000_000);
    case 'replace': {
      const f = dt.fields();
      const g = (k: string, v: number): number => (k in kw ? num(kw[k]) : v);
      const offset = 'tzinfo' in kw ? (kw.tzinfo === null ? null : 0) : dt.offset;
      const out = PyDateTime.fromFields(g('year', f.year), g('month', f.month), g('day', f.day), g('hour', f.hour), g('minute', f.minute), g('second', f.second), g('microsecond', f.micro), offset);
      return self instanceof PyDate ? new PyDate(out) : out;
    }
  }
  throw new PyError('AttributeError', `'${typeName(self)}' object has no attribute '${name}'`);
}

function strMethod(s: string, name: string, args: unknown[]): unknown {
  const a0 = args[0];
  const stripSet = (chars: unknown): RegExp | null => (chars === undefined || chars === null ? null : new RegExp(`[${String(chars).replace(/[\]\\^-]/g, '\\$&')}]`));
  switch (name) {
    case 'lower': case 'casefold': return s.toLowerCase();
    case 'upper': return s.toUpperCase();
    case 'strip': case 'lstrip': case 'rstrip': {
      const set = stripSet(a0);
      let a = 0;
      let b = s.length;
      const strip = (c: string): boolean => (set ? set.test(c) : /\s/.test(c));
      if (name !== 'rstrip') while (a < b && strip(s[a])) a++;
      if (name !== 'lstrip') while (b > a && strip(s[b - 1])) b--;
      return s.slice(a, b);
    }
    case 'split': case 'rsplit': {
      const max = args[1] === undefined ? -1 : num(args[1]);
      if (a0 === undefined || a0 === null) return s.trim() ? s.trim().split(/\s+/) : [];
      const parts = s.split(String(a0));
      if (max < 0 || parts.length <= max + 1) return parts;
      return name === 'split'
        ? [...parts.slice(0, max), parts.slice(max).join(String(a0))]
        : [parts.slice(0, parts.length - max).join(String(a0)), ...parts.slice(parts.length - max)];
    }
    case 'replace': {
      const count = args[2] === undefined ? -1 : num(args[2]);
      if (count < 0) return s.split(String(a0)).join(String(args[1]));
      let out = s;
      let from = 0;
      for (let i = 0; i < count; i++) {
        const at = out.indexOf(String(a0), from);
        if (at < 0) break;
        out = out.slice(0, at) + String(args[1]) + out.slice(at + String(a0).length);
        from = at + String(args[1]).length;
      }
      return out;
    }
    case 'startswith': return Array.isArray(a0) ? a0.some((p) => s.startsWith(String(p))) : s.startsWith(String(a0));
    case 'endswith': return Array.isArray(a0) ? a0.some((p) => s.endsWith(String(p))) : s.endsWith(String(a0));
    case 'join': return (a0 as unknown[]).map((x) => {
      if (typeof x !== 'string') throw new PyError('TypeError', `sequence item: expected str instance, ${typeName(x)} found`);
      return x;
    }).join(s);
    case 'title': return s.toLowerCase().replace(/(^|[^a-zA-Z])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase());
    case 'capitalize': return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
    case 'find': return s.indexOf(String(a0));
    case 'index': { const i = s.indexOf(String(a0)); if (i < 0) throw new PyError('ValueError', 'substring not found'); return i; }
    case 'count': return String(a0) ? s.split(String(a0)).length - 1 : s.length + 1;
    case 'zfill': return s.padStart(num(a0), '0');
    case 'isdigit': case 'isnumeric': return /^\d+$/.test(s);
    case 'isalpha': return /^[A-Za-z]+$/.test(s);
    case 'splitlines': return s.split(/\r?\n/).filter((x, i, arr) => i < arr.length - 1 || x !== '');
    case 'removeprefix': return s.startsWith(String(a0)) ? s.slice(String(a0).length) : s;
    case 'removesuffix': return String(a0) && s.endsWith(String(a0)) ? s.slice(0, -String(a0).length) : s;
    case 'format': {
      let auto = 0;
      return s.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (m, field?: string) => {
        if (m === '{{') return '{';
        if (m === '}}') return '}';
        const key = (field ?? '').split(':')[0];
        if (key === '') return pyStr(args[auto++]);
        if (/^\d+$/.test(key)) return pyStr(args[Number(key)]);
        throw new PyError('KeyError', key);
      });
    }
  }
  throw new PyError('AttributeError', `'str' object has no attribute '${name}'`);
}

function toDatetime(v: unknown): PyDateTime {
  if (v instanceof PyDateTime) return v;
  if (v instanceof PyDate) return v.dt.withOffset(0);
  return strToDatetime(String(v));
}

/**
 * str_to_datetime = ab_datetime_parse (airbyte_cdk/utils/datetime_helpers.py) then astimezone(UTC): a string of
 * digits is a Unix timestamp (at most 10 digits), `YYYY-MM-DD` is a date, anything else goes to dateutil
 * (here: ISO 8601 forms and `YYYY/MM/DD[ HH:MM[:SS]]`).
 */
export function strToDatetime(s: string): PyDateTime {
  if (/^-?\d+$/.test(s)) {
    const n = Number(s);
    if (n < 0) throw new PyError('ValueError', 'Timestamp cannot be negative');
    if (String(Math.abs(n)).length > 10) throw new PyError('ValueError', 'Timestamp value too large');
    return new PyDateTime(n * 1_000_000, 0);
  }
  const slash = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s.trim());
  if (slash) {
    const [, y, mo, d, h, mi, se] = slash.map((x) => (x === undefined ? 0 : Number(x)));
    return PyDateTime.fromFields(y, mo, d, h, mi, se, 0, 0);
  }
  try {
    return isoparse(s).withOffset(0);
  } catch {
    throw new PyError('ValueError', `Could not parse datetime string: ${s}`);
  }
}

function pyMax(args: unknown[], sign: 1 | -1): unknown {
  const items = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  if (!items.length) throw new PyError('ValueError', `${sign > 0 ? 'max' : 'min'}() arg is an empty sequence`);
  return items.reduce((best, x) => (pyCompare(x, best) * sign > 0 ? x : best));
}

function tzDate(zone: string): PyDate {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const [y, m, d] = parts.split('-').map(Number);
  return new PyDate(PyDateTime.fromFields(y, m, d));
}

export const MACROS: Record<string, (args: unknown[], kw: Record<string, unknown>) => unknown> = {
  now_utc: () => nowUtc(),
  today_utc: () => new PyDate(new PyDateTime(Math.floor(Date.now() / 86_400_000) * 86_400_000_000, null)),
  today_with_timezone: (a) => tzDate(String(a[0])),
  timestamp: (a) => {
    const v = a[0];
    if (isNumber(v)) return Math.trunc(num(v));
    return float(toDatetime(v).us / 1_000_000);
  },
  max: (a) => pyMax(a, 1),
  min: (a) => pyMax(a, -1),
  day_delta: (a, kw) => {
    const fmt = String(a[1] ?? kw.format ?? '%Y-%m-%dT%H:%M:%S.%f%z');
    return strftime(new PyDateTime(Date.now() * 1000 + num(a[0] ?? kw.num_days) * 86_400_000_000, 0), fmt);
  },
  duration: (a) => parseDuration(String(a[0])),
  format_datetime: (a, kw) => {
    const [dt, format, inputFormat] = [a[0], String(a[1] ?? kw.format), a[2] ?? kw.input_format];
    if (dt instanceof PyDateTime) return strftime(dt, format);
    if (typeof dt === 'number' && Number.isInteger(dt)) return cdkFormat(new PyDateTime(dt * 1_000_000, 0), format);
    const parsed = inputFormat ? cdkParse(dt, String(inputFormat)) : toDatetime(dt);
    return cdkFormat(parsed, format);
  },
  str_to_datetime: (a) => strToDatetime(String(a[0])),
  sanitize_url: (a) => encodeURIComponent(String(a[0])).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
  camel_case_to_snake_case: (a) => String(a[0]).replace(/(?<!^)(?=[A-Z])/g, '_').toLowerCase(),
  generate_uuid: () => globalThis.crypto.randomUUID(),
};

export { PyDuration };
