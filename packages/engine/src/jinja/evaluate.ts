/**
 * Evaluates parsed templates over Python-like values. Sandboxed by construction: a template can only reach
 * the context's own data (own keys of plain objects, array items) and the whitelisted macros, filters and
 * methods below — never JS prototypes, globals or functions.
 */
import { type Node, type Stmt } from './parser';
import { shift } from './datetime';
import { callFilter, callTest } from './filters';
import { callMethod, getAttribute, isMethod, MACROS, type Method } from './builtins';
import {
  PyDate, PyDateTime, PyDuration, PyError, PyFloat, PyTimedelta, Undefined, UndefinedError,
  float, isDict, isFloat, isNumber, num, pyCompare, pyEquals, pyStr, truthy, typeName,
} from './values';

export type Scope = Map<string, unknown>;

export function render(stmts: Stmt[], scope: Scope): string {
  let out = '';
  for (const s of stmts) {
    if (s.k === 'text') out += s.s;
    else if (s.k === 'out') out += renderValue(evaluate(s.e, scope));
    else if (s.k === 'set') scope.set(s.n, evaluate(s.e, scope));
    else {
      const hit = s.branches.find(([c]) => truthy(evaluate(c, scope)));
      out += render(hit ? hit[1] : s.other, scope);
    }
  }
  return out;
}

function renderValue(v: unknown): string {
  if (isMethod(v)) return `<built-in method ${v.name} of ${typeName(v.self)} object>`;
  return pyStr(v);
}

function strict(v: unknown, what: string): unknown {
  if (v instanceof Undefined) throw new UndefinedError(v.hint || what);
  return v;
}

export function evaluate(n: Node, scope: Scope): unknown {
  switch (n.k) {
    case 'lit': return n.v;
    case 'name': {
      if (scope.has(n.n)) return scope.get(n.n);
      if (Object.prototype.hasOwnProperty.call(MACROS, n.n)) return { macro: n.n } as Macro;
      return new Undefined(`'${n.n}'`);
    }
    case 'list': return n.items.map((x) => evaluate(x, scope));
    case 'dict': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of n.items) out[pyStr(evaluate(k, scope))] = evaluate(v, scope);
      return out;
    }
    case 'attr': return getAttribute(strict(evaluate(n.o, scope), n.n), n.n, true);
    case 'item': return getItem(strict(evaluate(n.o, scope), 'value'), evaluate(n.i, scope));
    case 'slice': {
      const o = strict(evaluate(n.o, scope), 'value');
      if (typeof o !== 'string' && !Array.isArray(o)) throw new PyError('TypeError', `'${typeName(o)}' object is not subscriptable`);
      const arr = typeof o === 'string' ? [...o] : o;
      const step = n.c ? num(evaluate(n.c, scope)) : 1;
      const norm = (x: Node | undefined, dflt: number): number => {
        if (!x) return dflt;
        const v = num(evaluate(x, scope));
        return v < 0 ? Math.max(arr.length + v, step < 0 ? -1 : 0) : Math.min(v, arr.length);
      };
      const a = norm(n.a, step > 0 ? 0 : arr.length - 1);
      const b = norm(n.b, step > 0 ? arr.length : -1);
      const out: unknown[] = [];
      for (let i = a; step > 0 ? i < b : i > b; i += step) out.push(arr[i]);
      return typeof o === 'string' ? out.join('') : out;
    }
    case 'call': {
      const f = evaluate(n.f, scope);
      const args = n.args.map((x) => evaluate(x, scope));
      const kw = Object.fromEntries(n.kw.map(([k, v]) => [k, evaluate(v, scope)]));
      if (isMethod(f)) return callMethod(f as Method, args, kw);
      if (f && typeof f === 'object' && 'macro' in (f as object)) return MACROS[(f as Macro).macro](args, kw);
      if (f instanceof Undefined) throw new UndefinedError(f.hint);
      throw new PyError('TypeError', `'${typeName(f)}' object is not callable`);
    }
    case 'filter': {
      const args = n.args.map((x) => evaluate(x, scope));
      const kw = Object.fromEntries(n.kw.map(([k, v]) => [k, evaluate(v, scope)]));
      return callFilter(n.n, evaluate(n.o, scope), args, kw);
    }
    case 'test': {
      const r = callTest(n.n, evaluate(n.o, scope), n.args.map((x) => evaluate(x, scope)));
      return n.neg ? !r : r;
    }
    case 'un': {
      const v = evaluate(n.o, scope);
      if (n.op === 'not') return !truthy(v);
      strict(v, 'operand');
      if (!isNumber(v)) {
        if (n.op === '-' && v instanceof PyTimedelta) return new PyTimedelta(-v.us);
        throw new PyError('TypeError', `bad operand type for unary ${n.op}: '${typeName(v)}'`);
      }
      const r = n.op === '-' ? -num(v) : num(v);
      return isFloat(v) ? float(r) : r;
    }
    case 'bin': {
      if (n.op === 'and') { const l = evaluate(n.l, scope); return truthy(l) ? evaluate(n.r, scope) : l; }
      if (n.op === 'or') { const l = evaluate(n.l, scope); return truthy(l) ? l : evaluate(n.r, scope); }
      const l = evaluate(n.l, scope);
      const r = evaluate(n.r, scope);
      if (n.op === '~') return renderValue(l) + renderValue(r);
      return binary(n.op, strict(l, 'left operand'), strict(r, 'right operand'));
    }
    case 'cmp': {
      let left = evaluate(n.first, scope);
      for (const [op, rn] of n.ops) {
        const right = evaluate(rn, scope);
        if (!compare(op, left, right)) return false;
        left = right;
      }
      return true;
    }
    case 'cond': {
      if (truthy(evaluate(n.test, scope))) return evaluate(n.a, scope);
      return n.b ? evaluate(n.b, scope) : new Undefined('');
    }
  }
}

type Macro = { macro: string };

export function getItem(o: unknown, key: unknown): unknown {
  if (Array.isArray(o) || typeof o === 'string') {
    if (typeof key === 'number' && Number.isInteger(key)) {
      const i = key < 0 ? o.length + key : key;
      if (i >= 0 && i < o.length) return o[i];
      return new Undefined(`index ${key}`);
    }
    if (typeof key === 'string') return getAttribute(o, key, false);
    return new Undefined('item');
  }
  if (isDict(o)) {
    const k = typeof key === 'string' ? key : pyStr(key);
    if (Object.prototype.hasOwnProperty.call(o, k)) return o[k];
    return typeof key === 'string' ? getAttribute(o, key, false) : new Undefined(`key ${pyStr(key)}`);
  }
  if (typeof key === 'string') return getAttribute(o, key, false);
  return new Undefined('item');
}

function compare(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==': return pyEquals(a, b);
    case '!=': return !pyEquals(a, b);
    case '<': return pyCompare(strict(a, 'value'), strict(b, 'value')) < 0;
    case '>': return pyCompare(strict(a, 'value'), strict(b, 'value')) > 0;
    case '<=': return pyCompare(strict(a, 'value'), strict(b, 'value')) <= 0;
    case '>=': return pyCompare(strict(a, 'value'), strict(b, 'value')) >= 0;
    case 'in': return contains(b, a);
    case 'notin': return !contains(b, a);
  }
  return false;
}

export function contains(container: unknown, item: unknown): boolean {
  strict(container, 'container');
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw new PyError('TypeError', `'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((x) => pyEquals(x, item));
  if (isDict(container)) return typeof item === 'string' ? Object.prototype.hasOwnProperty.call(container, item) : false;
  throw new PyError('TypeError', `argument of type '${typeName(container)}' is not iterable`);
}

function binary(op: string, l: unknown, r: unknown): unknown {
  if (isNumber(l) && isNumber(r)) {
    const a = num(l);
    const b = num(r);
    const f = isFloat(l) || isFloat(r);
    const wrap = (x: number): unknown => (f ? float(x) : x);
    switch (op) {
      case '+': return wrap(a + b);
      case '-': return wrap(a - b);
      case '*': return wrap(a * b);
      case '/': if (b === 0) throw new PyError('ZeroDivisionError', 'division by zero'); return float(a / b);
      case '//': if (b === 0) throw new PyError('ZeroDivisionError', 'integer division or modulo by zero'); return wrap(Math.floor(a / b));
      case '%': if (b === 0) throw new PyError('ZeroDivisionError', 'integer modulo by zero'); return wrap(a - b * Math.floor(a / b));
      case '**': return b < 0 && !f ? float(a ** b) : wrap(a ** b);
    }
  }
  if (op === '+') {
    if (typeof l === 'string' && typeof r === 'string') return l + r;
    if (Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
    if ((l instanceof PyDateTime || l instanceof PyDate) && (r instanceof PyTimedelta || r instanceof PyDuration)) return shift(l, r, 1);
    if ((r instanceof PyDateTime || r instanceof PyDate) && (l instanceof PyTimedelta || l instanceof PyDuration)) return shift(r, l, 1);
    if (l instanceof PyTimedelta && r instanceof PyTimedelta) return new PyTimedelta(l.us + r.us);
  }
  if (op === '-') {
    if ((l instanceof PyDateTime || l instanceof PyDate) && (r instanceof PyTimedelta || r instanceof PyDuration)) return shift(l, r, -1);
    if (l instanceof PyDateTime && r instanceof PyDateTime) {
      if ((l.offset === null) !== (r.offset === null)) throw new PyError('TypeError', "can't subtract offset-naive and offset-aware datetimes");
      return new PyTimedelta(l.us - r.us);
    }
    if (l instanceof PyDate && r instanceof PyDate) return new PyTimedelta(l.dt.us - r.dt.us);
    if (l instanceof PyTimedelta && r instanceof PyTimedelta) return new PyTimedelta(l.us - r.us);
  }
  if (op === '*') {
    // Sandbox: refuse repetitions that would exhaust memory instead of crashing the process.
    const size = (n: number, unit: number): number => {
      if (n * unit > 10_000_000) throw new PyError('SecurityError', 'the result of the repetition would be too large');
      return Math.max(0, n);
    };
    if (typeof l === 'string' && typeof r === 'number') return l.repeat(size(r, l.length));
    if (Array.isArray(l) && typeof r === 'number') return Array.from({ length: size(r, l.length) }, () => l).flat();
    if (l instanceof PyTimedelta && typeof r === 'number') return new PyTimedelta(Math.round(l.us * r));
  }
  if (op === '%' && typeof l === 'string') return percentFormat(l, Array.isArray(r) ? r : [r]);
  throw new PyError('TypeError', `unsupported operand type(s) for ${op}: '${typeName(l)}' and '${typeName(r)}'`);
}

function percentFormat(fmt: string, args: unknown[]): string {
  let i = 0;
  return fmt.replace(/%([-0-9.]*)([sdifr%])/g, (_all, spec: string, conv: string) => {
    if (conv === '%') return '%';
    const v = args[i++];
    if (conv === 's') return pyStr(v);
    if (conv === 'r') return pyStr(v);
    if (conv === 'd' || conv === 'i') return String(Math.trunc(num(v))).padStart(Number(spec.replace(/^0/, '')) || 0, spec.startsWith('0') ? '0' : ' ');
    const digits = /\.(\d+)/.exec(spec);
    return num(v).toFixed(digits ? Number(digits[1]) : 6);
  });
}

export { PyFloat };
