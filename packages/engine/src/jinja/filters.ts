/**
 * Jinja's built-in filters and tests that manifests use, plus the CDK's own filters
 * (airbyte_cdk/sources/declarative/interpolation/filters.py: hash, base64encode, base64decode, string,
 * regex_search, regex_replace).
 */
import { createHash, createHmac } from 'node:crypto';
import { getAttribute } from './builtins';
import {
  PyDate, PyDateTime, PyError, PyFloat, Undefined, UndefinedError,
  float, isDict, isFloat, isNumber, num, pyCompare, pyEquals, pyJsonDumps, pyStr, truthy, typeName,
} from './values';

function iter(v: unknown): unknown[] {
  if (v instanceof Undefined) return [];
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (isDict(v)) return Object.keys(v);
  throw new PyError('TypeError', `'${typeName(v)}' object is not iterable`);
}

/** Python's `re` syntax differs from JS mostly in named groups; translate the common forms. */
export function pyRegex(pattern: string, flags = ''): RegExp {
  return new RegExp(pattern.replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>'), flags);
}

function toInt(v: unknown, dflt: unknown = 0): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (isNumber(v)) return Math.trunc(num(v));
  if (typeof v === 'string') {
    const s = v.trim().replace(/_/g, '');
    if (/^[+-]?\d+$/.test(s)) return Number(s);
    const f = Number(s);
    if (s !== '' && !Number.isNaN(f)) return Math.trunc(f);
  }
  return dflt;
}

function toFloat(v: unknown, dflt: unknown = new PyFloat(0)): unknown {
  if (isNumber(v)) return float(num(v));
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v.trim()))) return float(Number(v.trim()));
  return dflt;
}

export function callFilter(name: string, v: unknown, args: unknown[], kw: Record<string, unknown>): unknown {
  const strictV = (): unknown => {
    if (v instanceof Undefined) throw new UndefinedError(v.hint);
    return v;
  };
  switch (name) {
    case 'default': case 'd': {
      const boolean = args[1] ?? kw.boolean ?? false;
      if (v instanceof Undefined || (boolean && !truthy(v))) return args[0] ?? kw.default_value ?? '';
      return v;
    }
    case 'upper': return pyStr(v).toUpperCase();
    case 'lower': return pyStr(v).toLowerCase();
    case 'capitalize': return pyStr(v).charAt(0).toUpperCase() + pyStr(v).slice(1).toLowerCase();
    case 'title': return pyStr(v).toLowerCase().replace(/(^|[^a-zA-Z])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase());
    case 'trim': return args[0] === undefined ? pyStr(v).trim() : pyStr(v).replace(new RegExp(`^[${String(args[0])}]+|[${String(args[0])}]+$`, 'g'), '');
    // filters.py `string`: a non-string becomes its JSON inside triple quotes, so that the literal evaluation of a
    // template that is only this expression yields a str (and a longer template keeps the quotes).
    case 'string': return typeof v === 'string' ? v : `"""${pyJsonDumps(strictV())}"""`;
    case 'int': return toInt(v, args[0] ?? kw.default ?? 0);
    case 'float': return toFloat(v, args[0] ?? kw.default ?? new PyFloat(0));
    case 'abs': { const x = num(strictV()); return isFloat(v) ? float(Math.abs(x)) : Math.abs(x); }
    case 'round': {
      const precision = num(args[0] ?? kw.precision ?? 0);
      const method = String(args[1] ?? kw.method ?? 'common');
      const m = 10 ** precision;
      const x = num(strictV()) * m;
      const r = method === 'ceil' ? Math.ceil(x) : method === 'floor' ? Math.floor(x) : Math.sign(x) * Math.round(Math.abs(x));
      return float(r / m);
    }
    case 'length': case 'count': return v instanceof Undefined ? 0 : iter(v).length;
    case 'first': { const l = iter(v); return l.length ? l[0] : new Undefined('first item'); }
    case 'last': { const l = iter(v); return l.length ? l[l.length - 1] : new Undefined('last item'); }
    case 'list': return iter(v);
    case 'reverse': return typeof v === 'string' ? [...v].reverse().join('') : [...iter(v)].reverse();
    case 'join': {
      const attr = kw.attribute ?? args[1];
      return iter(v).map((x) => pyStr(attr === undefined ? x : getAttribute(x, String(attr), false))).join(String(args[0] ?? kw.d ?? ''));
    }
    case 'replace': {
      const count = args[2] === undefined ? -1 : num(args[2]);
      const s = pyStr(v);
      if (count < 0) return s.split(String(args[0])).join(String(args[1]));
      let out = s;
      for (let i = 0; i < count && out.includes(String(args[0])); i++) out = out.replace(String(args[0]), String(args[1]));
      return out;
    }
    case 'sum': return iter(v).reduce<number>((a, x) => a + num(x), num(args[0] ?? kw.start ?? 0));
    case 'min': case 'max': {
      const l = iter(v);
      if (!l.length) return new Undefined(`${name} of empty sequence`);
      return l.reduce((b, x) => (pyCompare(x, b) * (name === 'max' ? 1 : -1) > 0 ? x : b));
    }
    case 'sort': {
      const reverse = truthy(args[0] ?? kw.reverse ?? false);
      const attr = kw.attribute;
      const key = (x: unknown): unknown => (attr === undefined ? x : getAttribute(x, String(attr), false));
      return [...iter(v)].sort((a, b) => pyCompare(key(a), key(b)) * (reverse ? -1 : 1));
    }
    case 'unique': return iter(v).filter((x, i, l) => l.findIndex((y) => pyEquals(x, y)) === i);
    case 'map': {
      const attr = kw.attribute;
      if (attr !== undefined) return iter(v).map((x) => getAttribute(x, String(attr), false));
      return iter(v).map((x) => callFilter(String(args[0]), x, args.slice(1), {}));
    }
    case 'select': case 'reject':
      return iter(v).filter((x) => (args.length ? callTest(String(args[0]), x, args.slice(1)) : truthy(x)) === (name === 'select'));
    case 'selectattr': case 'rejectattr':
      return iter(v).filter((x) => {
        const a = getAttribute(x, String(args[0]), false);
        return (args.length > 1 ? callTest(String(args[1]), a, args.slice(2)) : truthy(a)) === (name === 'selectattr');
      });
    case 'attr': return getAttribute(v, String(args[0]), true);
    case 'items': return isDict(v) ? Object.entries(v) : [];
    case 'dictsort': return isDict(v) ? Object.entries(v).sort((a, b) => pyCompare(a[0], b[0])) : [];
    case 'tojson': {
      // Jinja's htmlsafe_json_dumps with the default policy: json.dumps(sort_keys=True), HTML-sensitive characters escaped.
      const sortKeys = (x: unknown): unknown => (Array.isArray(x) ? x.map(sortKeys) : isDict(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sortKeys(x[k])])) : x);
      return pyJsonDumps(sortKeys(v)).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/'/g, '\\u0027');
    }
    case 'urlencode': return encodeURIComponent(pyStr(v)).replace(/%2F/g, '/');
    case 'wordcount': return pyStr(v).split(/\s+/).filter(Boolean).length;
    case 'format': { let i = 0; return pyStr(v).replace(/%[sdif]/g, () => pyStr(args[i++])); }
    case 'hash': {
      const type = String(args[0] ?? kw.hash_type ?? 'md5');
      const salt = args[1] ?? kw.salt;
      const h = createHash(type);
      h.update(pyStr(v));
      if (truthy(salt)) h.update(pyStr(salt));
      return h.digest('hex');
    }
    case 'hmac': {
      const type = String(args[1] ?? kw.hash_type ?? 'sha256');
      if (type !== 'sha256') throw new PyError('ValueError', `Hash type '${type}' is not allowed. Allowed types: sha256`);
      return createHmac('sha256', pyStr(args[0] ?? kw.key)).update(pyStr(v)).digest('hex');
    }
    // Despite its name, the CDK's base64binascii_decode base64-*encodes* its ASCII input.
    case 'base64binascii_decode': return Buffer.from(pyStr(v), 'ascii').toString('base64');
    case 'base64encode': return Buffer.from(pyStr(v), 'utf8').toString('base64');
    case 'base64decode': return Buffer.from(pyStr(v), 'base64').toString('utf8');
    case 'regex_search': {
      // The first group when the pattern has one and it matched; "" otherwise (None for a group that did not take part).
      const m = pyRegex(String(args[0])).exec(pyStr(v));
      return m && m.length > 1 ? m[1] ?? null : '';
    }
    case 'regex_replace': return pyStr(v).replace(pyRegex(String(args[0]), 'g'), String(args[1]).replace(/\\(\d)/g, '$$$1'));
  }
  throw new PyError('TemplateAssertionError', `No filter named '${name}'`);
}

export function callTest(name: string, v: unknown, args: unknown[]): boolean {
  switch (name) {
    case 'defined': return !(v instanceof Undefined);
    case 'undefined': return v instanceof Undefined;
    case 'none': return v === null;
    case 'boolean': return typeof v === 'boolean';
    case 'true': return v === true;
    case 'false': return v === false;
    case 'number': return isNumber(v) && typeof v !== 'boolean';
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'float': return isFloat(v);
    case 'string': return typeof v === 'string';
    case 'mapping': return isDict(v);
    case 'sequence': case 'iterable': return typeof v === 'string' || Array.isArray(v) || isDict(v);
    case 'even': return num(v) % 2 === 0;
    case 'odd': return Math.abs(num(v) % 2) === 1;
    case 'divisibleby': return num(v) % num(args[0]) === 0;
    case 'eq': case 'equalto': case '==': return pyEquals(v, args[0]);
    case 'ne': case '!=': return !pyEquals(v, args[0]);
    case 'lt': case 'lessthan': return pyCompare(v, args[0]) < 0;
    case 'le': return pyCompare(v, args[0]) <= 0;
    case 'gt': case 'greaterthan': return pyCompare(v, args[0]) > 0;
    case 'ge': return pyCompare(v, args[0]) >= 0;
    case 'in': return Array.isArray(args[0]) ? args[0].some((x) => pyEquals(x, v)) : typeof args[0] === 'string' ? args[0].includes(pyStr(v)) : isDict(args[0]) && pyStr(v) in args[0];
    case 'sameas': return v === args[0];
    case 'lower': return typeof v === 'string' && v === v.toLowerCase();
    case 'upper': return typeof v === 'string' && v === v.toUpperCase();
    case 'datetime': return v instanceof PyDateTime || v instanceof PyDate;
  }
  throw new PyError('TemplateAssertionError', `No test named '${name}'`);
}
