/**
 * The Python value model the interpolation works in. JSON-like values map onto JS directly (None → null,
 * dict → plain object, list/tuple → array); what JS cannot tell apart gets a small class: a float whose value
 * is integral (`5.0`), datetimes, dates, timedeltas, months-based durations and Jinja's Undefined.
 */
export class PyFloat {
  constructor(readonly v: number) {}
  toJSON(): number {
    return this.v;
  }
}

/** Jinja's default Undefined: renders as "", is falsy, and raises when used any further. */
export class Undefined {
  constructor(readonly hint: string) {}
}

export class UndefinedError extends Error {
  constructor(hint: string) {
    super(`${hint} is undefined`);
    this.name = 'UndefinedError';
  }
}

/** A Python-level error raised inside a template (TypeError, ValueError, ...). */
export class PyError extends Error {
  constructor(readonly pyType: string, message: string) {
    super(message);
    this.name = pyType;
  }
}

const MS_DAY = 86_400_000_000;

/** datetime.datetime: `us` microseconds since the epoch (UTC instant); `offset` minutes, null when naive. */
export class PyDateTime {
  constructor(
    readonly us: number,
    readonly offset: number | null,
  ) {}
  /** Wall-clock fields in the datetime's own offset. */
  fields(): { year: number; month: number; day: number; hour: number; minute: number; second: number; micro: number; weekday: number; yday: number } {
    const local = this.us + (this.offset ?? 0) * 60_000_000;
    const micro = ((local % 1_000_000) + 1_000_000) % 1_000_000;
    const d = new Date((local - micro) / 1000);
    const start = Date.UTC(d.getUTCFullYear(), 0, 1);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      micro,
      weekday: (d.getUTCDay() + 6) % 7,
      yday: Math.floor((d.getTime() - start) / 86_400_000) + 1,
    };
  }
  static fromFields(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, micro = 0, offset: number | null = null): PyDateTime {
    const ms = Date.UTC(y, mo - 1, d, h, mi, s);
    const probe = new Date(ms);
    if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
      throw new PyError('ValueError', 'day is out of range for month');
    }
    if (y < 100) probe.setUTCFullYear(y);
    return new PyDateTime(probe.getTime() * 1000 + micro - (offset ?? 0) * 60_000_000, offset);
  }
  withOffset(offset: number | null): PyDateTime {
    return new PyDateTime(this.us, offset);
  }
}

export class PyDate {
  constructor(readonly dt: PyDateTime) {}
}

export class PyTimedelta {
  constructor(readonly us: number) {}
}

/** isodate.Duration: calendar months plus a timedelta part. */
export class PyDuration {
  constructor(
    readonly months: number,
    readonly us: number,
  ) {}
}

export const isFloat = (v: unknown): boolean => v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v));
export const isNumber = (v: unknown): boolean => typeof v === 'number' || v instanceof PyFloat || typeof v === 'boolean';
export const num = (v: unknown): number => (v instanceof PyFloat ? v.v : v === true ? 1 : v === false ? 0 : (v as number));
export const float = (n: number): PyFloat | number => (Number.isInteger(n) ? new PyFloat(n) : n);
export const isDict = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/** Strip the PyFloat wrappers (for values that leave the interpolation as JSON). */
export function toPlain(v: unknown): unknown {
  if (v instanceof PyFloat) return v.v;
  if (Array.isArray(v)) return v.map(toPlain);
  if (isDict(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toPlain(x);
    return out;
  }
  if (v instanceof Undefined) return null;
  return v;
}

export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === '' || v instanceof Undefined) return false;
  if (typeof v === 'number') return v !== 0;
  if (v instanceof PyFloat) return v.v !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof PyTimedelta) return v.us !== 0;
  if (isDict(v)) return Object.keys(v).length > 0;
  return true;
}

export function floatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return `${n}.0`;
  const abs = Math.abs(n);
  if (abs >= 1e16 || abs < 1e-4) {
    const [mant, exp] = n.toExponential().split('e');
    const e = Number(exp);
    return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return String(n);
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

export function offsetText(offset: number, colon: boolean): string {
  const sign = offset < 0 ? '-' : '+';
  const a = Math.abs(offset);
  return `${sign}${pad(Math.floor(a / 60))}${colon ? ':' : ''}${pad(a % 60)}`;
}

export function datetimeStr(dt: PyDateTime, sep = ' '): string {
  const f = dt.fields();
  let s = `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}${sep}${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`;
  if (f.micro) s += `.${pad(f.micro, 6)}`;
  if (dt.offset !== null) s += offsetText(dt.offset, true);
  return s;
}

export function timedeltaStr(us: number): string {
  const days = Math.floor(us / MS_DAY);
  let rest = us - days * MS_DAY;
  const micro = rest % 1_000_000;
  rest = (rest - micro) / 1_000_000;
  const h = Math.floor(rest / 3600);
  const m = Math.floor((rest % 3600) / 60);
  const s = rest % 60;
  let out = `${h}:${pad(m)}:${pad(s)}`;
  if (micro) out += `.${pad(micro, 6)}`;
  if (days) out = `${days} day${Math.abs(days) === 1 ? '' : 's'}, ${out}`;
  return out;
}

export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python `str(v)` — what Jinja prints for `{{ v }}`. */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Undefined) return '';
  if (v instanceof PyDateTime) return datetimeStr(v);
  if (v instanceof PyDate) return datetimeStr(v.dt).slice(0, 10);
  if (v instanceof PyTimedelta) return timedeltaStr(v.us);
  return pyRepr(v);
}

/** Python `repr(v)`. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return strRepr(v);
  if (v instanceof PyFloat) return floatRepr(v.v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : floatRepr(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v instanceof Undefined) return '';
  if (v instanceof PyDateTime) {
    const f = v.fields();
    const parts = [f.year, f.month, f.day, f.hour, f.minute];
    if (f.second || f.micro) parts.push(f.second);
    if (f.micro) parts.push(f.micro);
    return `datetime.datetime(${parts.join(', ')}${v.offset === null ? '' : ', tzinfo=datetime.timezone.utc'})`;
  }
  if (v instanceof PyDate) {
    const f = v.dt.fields();
    return `datetime.date(${f.year}, ${f.month}, ${f.day})`;
  }
  if (v instanceof PyTimedelta) return `datetime.timedelta(microseconds=${v.us})`;
  if (isDict(v)) return `{${Object.entries(v).map(([k, x]) => `${strRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  return String(v);
}

/** Python `json.dumps(v)` with its default separators and ensure_ascii. */
export function pyJsonDumps(v: unknown): string {
  if (v === null || v === undefined || v instanceof Undefined) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (v instanceof PyFloat) return floatRepr(v.v).replace('inf', 'Infinity');
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : floatRepr(v);
  if (typeof v === 'string') {
    return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (Array.isArray(v)) return `[${v.map(pyJsonDumps).join(', ')}]`;
  if (isDict(v)) return `{${Object.entries(v).map(([k, x]) => `${pyJsonDumps(k)}: ${pyJsonDumps(x)}`).join(', ')}}`;
  if (v instanceof PyDateTime || v instanceof PyDate || v instanceof PyTimedelta) {
    throw new PyError('TypeError', `Object of type ${typeName(v)} is not JSON serializable`);
  }
  return JSON.stringify(v);
}

export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (v instanceof PyFloat) return 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  if (v instanceof PyDateTime) return 'datetime';
  if (v instanceof PyDate) return 'date';
  if (v instanceof PyTimedelta || v instanceof PyDuration) return 'timedelta';
  if (v instanceof Undefined) return 'Undefined';
  return 'dict';
}

export function pyEquals(a: unknown, b: unknown): boolean {
  if (a instanceof Undefined || b instanceof Undefined) return a instanceof Undefined && b instanceof Undefined;
  if (isNumber(a) && isNumber(b)) return num(a) === num(b);
  if (a === null || a === undefined) return b === null || b === undefined;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
  if (a instanceof PyDateTime && b instanceof PyDateTime) return a.us === b.us;
  if (a instanceof PyDate && b instanceof PyDate) return a.dt.us === b.dt.us;
  if (a instanceof PyTimedelta && b instanceof PyTimedelta) return a.us === b.us;
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && pyEquals(a[k], b[k]));
  }
  return a === b;
}

/** Python ordering (`<`): numbers, strings, lists, datetimes, dates, timedeltas; anything else is a TypeError. */
export function pyCompare(a: unknown, b: unknown): number {
  if (isNumber(a) && isNumber(b)) return num(a) - num(b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof PyDateTime && b instanceof PyDateTime) {
    if ((a.offset === null) !== (b.offset === null)) throw new PyError('TypeError', "can't compare offset-naive and offset-aware datetimes");
    return a.us - b.us;
  }
  if (a instanceof PyDate && b instanceof PyDate) return a.dt.us - b.dt.us;
  if (a instanceof PyTimedelta && b instanceof PyTimedelta) return a.us - b.us;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (!pyEquals(a[i], b[i])) return pyCompare(a[i], b[i]);
    return a.length - b.length;
  }
  if (a instanceof Undefined || b instanceof Undefined) throw new UndefinedError('value');
  throw new PyError('TypeError', `'<' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}
