/**
 * Python datetime behaviour the CDK relies on: strftime/strptime (glibc directives), dateutil's isoparse,
 * isodate's parse_duration, and datetime arithmetic with timedeltas and month-based durations.
 */
import { PyDate, PyDateTime, PyDuration, PyError, PyFloat, PyTimedelta, offsetText } from './values';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

export function strftime(dt: PyDateTime, format: string): string {
  const f = dt.fields();
  return format.replace(/%(-?)([a-zA-Z%])/g, (all, noPad: string, d: string) => {
    const p = (n: number, w = 2): string => (noPad ? String(n) : pad(n, w));
    switch (d) {
      case 'Y': return String(f.year).padStart(noPad ? 1 : 4, '0');
      case 'y': return p(f.year % 100);
      case 'm': return p(f.month);
      case 'd': return p(f.day);
      case 'e': return String(f.day).padStart(2, ' ');
      case 'H': return p(f.hour);
      case 'I': return p(f.hour % 12 || 12);
      case 'p': return f.hour < 12 ? 'AM' : 'PM';
      case 'M': return p(f.minute);
      case 'S': return p(f.second);
      case 'f': return pad(f.micro, 6);
      case 'j': return p(f.yday, 3);
      case 'b': case 'h': return MONTHS[f.month - 1].slice(0, 3);
      case 'B': return MONTHS[f.month - 1];
      case 'a': return DAYS[f.weekday].slice(0, 3);
      case 'A': return DAYS[f.weekday];
      case 'w': return String((f.weekday + 1) % 7);
      case 'u': return String(f.weekday + 1);
      case 'z': return dt.offset === null ? '' : offsetText(dt.offset, false);
      case 'Z': return dt.offset === null ? '' : dt.offset === 0 ? 'UTC' : `UTC${offsetText(dt.offset, true)}`;
      case 's': return String(Math.floor(dt.us / 1_000_000));
      case 'F': return `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}`;
      case 'T': return `${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`;
      case 'D': return `${pad(f.month)}/${pad(f.day)}/${pad(f.year % 100)}`;
      case '%': return '%';
      default: return all;
    }
  });
}

type Parts = { year?: number; month?: number; day?: number; hour?: number; minute?: number; second?: number; micro?: number; offset?: number | null; pm?: boolean; yday?: number };

const DIRECTIVES: Record<string, [string, (v: string, p: Parts) => void]> = {
  Y: ['\\d{4}', (v, p) => (p.year = Number(v))],
  y: ['\\d{2}', (v, p) => (p.year = Number(v) + (Number(v) < 69 ? 2000 : 1900))],
  m: ['1[0-2]|0[1-9]|[1-9]', (v, p) => (p.month = Number(v))],
  d: ['3[01]|[12]\\d|0[1-9]|[1-9]| [1-9]', (v, p) => (p.day = Number(v))],
  H: ['2[0-3]|[0-1]\\d|\\d', (v, p) => (p.hour = Number(v))],
  I: ['1[0-2]|0[1-9]|[1-9]', (v, p) => (p.hour = Number(v))],
  M: ['[0-5]\\d|\\d', (v, p) => (p.minute = Number(v))],
  S: ['6[0-1]|[0-5]\\d|\\d', (v, p) => (p.second = Number(v))],
  f: ['\\d{1,6}', (v, p) => (p.micro = Number(v.padEnd(6, '0')))],
  j: ['36[0-6]|3[0-5]\\d|[12]\\d\\d|0[1-9]\\d|00[1-9]|[1-9]\\d|0[1-9]|[1-9]', (v, p) => (p.yday = Number(v))],
  p: ['AM|PM|am|pm', (v, p) => (p.pm = v.toLowerCase() === 'pm')],
  b: [MONTHS.map((m) => m.slice(0, 3)).join('|'), (v, p) => (p.month = MONTHS.findIndex((m) => m.slice(0, 3).toLowerCase() === v.toLowerCase()) + 1)],
  B: [MONTHS.join('|'), (v, p) => (p.month = MONTHS.findIndex((m) => m.toLowerCase() === v.toLowerCase()) + 1)],
  a: [DAYS.map((m) => m.slice(0, 3)).join('|'), () => undefined],
  A: [DAYS.join('|'), () => undefined],
  z: ['[+-]\\d\\d:?[0-5]\\d(?::?[0-5]\\d(?:\\.\\d{1,6})?)?|Z', (v, p) => (p.offset = parseOffset(v))],
  Z: ['UTC|GMT|utc|gmt', (_v, p) => (p.offset ??= null)],
  '%': ['%', () => undefined],
};

function parseOffset(v: string): number {
  if (v === 'Z') return 0;
  const m = /^([+-])(\d\d):?(\d\d)/.exec(v)!;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

const strptimeCache = new Map<string, { re: RegExp; setters: ((v: string, p: Parts) => void)[] }>();

/** datetime.strptime(value, format): the whole string must match, or a ValueError is raised. */
export function strptime(value: string, format: string): PyDateTime {
  let compiled = strptimeCache.get(format);
  if (!compiled) {
    const setters: ((v: string, p: Parts) => void)[] = [];
    let src = '';
    for (let i = 0; i < format.length; i++) {
      const c = format[i];
      if (c === '%' && i + 1 < format.length) {
        const d = DIRECTIVES[format[++i]];
        if (!d) throw new PyError('ValueError', `'${format[i]}' is a bad directive in format '${format}'`);
        if (format[i] === '%') src += '%';
        else {
          src += `(${d[0]})`;
          setters.push(d[1]);
        }
      } else if (/\s/.test(c)) src += '\\s+';
      else src += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
    compiled = { re: new RegExp(`^${src}$`, 'i'), setters };
    strptimeCache.set(format, compiled);
  }
  const m = compiled.re.exec(value);
  if (!m) throw new PyError('ValueError', `time data ${JSON.stringify(value)} does not match format ${JSON.stringify(format)}`);
  const p: Parts = {};
  compiled.setters.forEach((set, i) => set(m[i + 1], p));
  let hour = p.hour ?? 0;
  if (p.pm !== undefined) hour = (hour % 12) + (p.pm ? 12 : 0);
  let month = p.month ?? 1;
  let day = p.day ?? 1;
  if (p.yday !== undefined && p.month === undefined) {
    const d = new Date(Date.UTC(p.year ?? 1900, 0, p.yday));
    month = d.getUTCMonth() + 1;
    day = d.getUTCDate();
  }
  return PyDateTime.fromFields(p.year ?? 1900, month, day, hour, p.minute ?? 0, p.second ?? 0, p.micro ?? 0, p.offset ?? null);
}

const ISO = /^(\d{4})-?(\d{2})(?:-?(\d{2}))?(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** dateutil.parser.isoparse (the forms APIs actually send). */
export function isoparse(value: string): PyDateTime {
  const m = ISO.exec(value.trim());
  if (!m) throw new PyError('ValueError', `Invalid isoformat string: ${JSON.stringify(value)}`);
  const off = m[8] ? (m[8] === 'Z' ? 0 : parseOffset(m[8].length === 3 ? `${m[8]}00` : m[8])) : null;
  const micro = m[7] ? Number(m[7].slice(0, 6).padEnd(6, '0')) : 0;
  return PyDateTime.fromFields(Number(m[1]), Number(m[2]), Number(m[3] ?? 1), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), micro, off);
}

const DURATION = /^([+-])?P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;

/** isodate.parse_duration: a timedelta, or a Duration when years or months are involved. */
export function parseDuration(text: string): PyTimedelta | PyDuration {
  const m = DURATION.exec(String(text).trim());
  if (!m || text.trim() === 'P' || text.trim().endsWith('T')) throw new PyError('ISO8601Error', `Unable to parse duration string ${JSON.stringify(text)}`);
  const n = (i: number): number => (m[i] ? Number(m[i].replace(',', '.')) : 0);
  const sign = m[1] === '-' ? -1 : 1;
  const us = Math.round((((n(4) * 7 + n(5)) * 24 + n(6)) * 3600 + n(7) * 60 + n(8)) * 1_000_000) * sign;
  const months = (n(2) * 12 + n(3)) * sign;
  return months ? new PyDuration(months, us) : new PyTimedelta(us);
}

export function addMonths(dt: PyDateTime, months: number): PyDateTime {
  const f = dt.fields();
  const total = f.year * 12 + (f.month - 1) + months;
  const y = Math.floor(total / 12);
  const mo = (total % 12) + 1;
  const last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return PyDateTime.fromFields(y, mo, Math.min(f.day, last), f.hour, f.minute, f.second, f.micro, dt.offset);
}

/** datetime/date ± timedelta/duration. */
export function shift(base: PyDateTime | PyDate, delta: PyTimedelta | PyDuration, sign: 1 | -1): PyDateTime | PyDate {
  const dt = base instanceof PyDate ? base.dt : base;
  let out = dt;
  if (delta instanceof PyDuration && delta.months) out = addMonths(out, sign * delta.months);
  out = new PyDateTime(out.us + sign * delta.us, out.offset);
  if (base instanceof PyDate) {
    const days = Math.floor(out.us / 86_400_000_000);
    return new PyDate(new PyDateTime(days * 86_400_000_000, null));
  }
  return out;
}

export function nowUtc(): PyDateTime {
  return new PyDateTime(Date.now() * 1000, 0);
}

/** The CDK's DatetimeParser.parse: epoch formats, then strptime; a naive result is taken as UTC. */
export function cdkParse(value: unknown, format: string): PyDateTime {
  const s = value instanceof PyFloat ? String(value.v) : String(value);
  if (format === '%s') return new PyDateTime(Math.trunc(Number(parseIntStrict(s))) * 1_000_000, 0);
  if (format === '%s_as_float') return new PyDateTime(Math.round(Number(s) * 1_000_000), 0);
  if (format === '%epoch_microseconds') return new PyDateTime(Number(parseIntStrict(s)), 0);
  if (format === '%ms') return new PyDateTime(Number(parseIntStrict(s)) * 1000, 0);
  const dt = strptime(s, format.replace('%_ms', '%f'));
  return dt.offset === null ? dt.withOffset(0) : dt;
}

function parseIntStrict(s: string): number {
  if (!/^\s*[+-]?\d+\s*$/.test(s)) throw new PyError('ValueError', `invalid literal for int() with base 10: '${s}'`);
  return Number(s);
}

/** The CDK's DatetimeParser.format. */
export function cdkFormat(dt: PyDateTime, format: string): string {
  if (format === '%s') return String(Math.trunc(dt.us / 1_000_000));
  if (format === '%s_as_float') {
    const v = dt.us / 1_000_000;
    return Number.isInteger(v) ? `${v}.0` : String(v);
  }
  if (format === '%epoch_microseconds') return String(dt.us);
  if (format === '%ms') return String(Math.trunc(dt.us / 1000));
  if (format.includes('%_ms')) return strftime(dt, format.replace('%_ms', pad(Math.floor(dt.fields().micro / 1000), 3)));
  return strftime(dt, format);
}
