/**
 * Python's `ast.literal_eval` over strings: numbers, strings, True/False/None, lists, tuples, dicts and sets.
 * Anything else (names, calls, operators other than unary minus) is "not a literal", signalled by NOT_LITERAL.
 */
import { PyFloat } from './values';

export const NOT_LITERAL = Symbol('not-a-literal');

const INT = /^-?(?:0|[1-9]\d*)$/;
const PLAIN_WORD = /^[A-Za-z_][\w-]*$/;

export function literalEval(text: string): unknown {
  // Fast paths for the common cases (plain integers and words), which dominate record transformations.
  if (INT.test(text) && text.length < 16) return Number(text);
  if (PLAIN_WORD.test(text)) {
    if (text === 'True') return true;
    if (text === 'False') return false;
    if (text === 'None') return null;
    return NOT_LITERAL;
  }
  const src = text.replace(/^[ \t]+/, '');
  let i = 0;
  const ws = (): void => {
    while (i < src.length && /[ \t\r\n\f\v]/.test(src[i])) i++;
  };
  const fail = (): never => {
    throw NOT_LITERAL;
  };
  const value = (): unknown => {
    ws();
    const c = src[i];
    if (c === undefined) fail();
    if (c === '-' || c === '+') {
      i++;
      const v = value();
      if (typeof v === 'number') return c === '-' ? -v : v;
      if (v instanceof PyFloat) return new PyFloat(c === '-' ? -v.v : v.v);
      return fail();
    }
    if (c === '[' || c === '(' || c === '{') return container(c);
    if (c === '"' || c === "'" || ((c === 'b' || c === 'r' || c === 'u' || c === 'B' || c === 'R' || c === 'U') && (src[i + 1] === '"' || src[i + 1] === "'"))) {
      return strings();
    }
    const num = /^(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d+)?|\d[\d_]*\.)/.exec(src.slice(i));
    if (num && num[0]) {
      const t = num[0];
      i += t.length;
      if (/[jJ]/.test(src[i] ?? '') || /[A-Za-z_]/.test(src[i] ?? '')) fail();
      if (/^0[xXoObB]/.test(t)) return Number(t.replace(/_/g, '').toLowerCase().replace(/^0o/, '0o'));
      if (/^\d+$|^\d[\d_]*\d$/.test(t)) {
        if (/^0\d/.test(t) && !/^0+$/.test(t.replace(/_/g, ''))) fail();
        if (/__|_$/.test(t)) fail();
        return Number(t.replace(/_/g, ''));
      }
      if (/__|_\.|\._|_$|_[eE]/.test(t)) fail();
      return new PyFloat(Number(t.replace(/_/g, '')));
    }
    const word = /^[A-Za-z_]\w*/.exec(src.slice(i));
    if (word) {
      i += word[0].length;
      if (word[0] === 'True') return true;
      if (word[0] === 'False') return false;
      if (word[0] === 'None') return null;
    }
    return fail();
  };
  const strings = (): string => {
    let out = '';
    for (;;) {
      ws();
      let raw = false;
      while (/[bBrRuU]/.test(src[i] ?? '') && (src[i + 1] === '"' || src[i + 1] === "'" || /[bBrR]/.test(src[i + 1] ?? ''))) {
        if (/[bB]/.test(src[i])) fail();
        if (/[rR]/.test(src[i])) raw = true;
        i++;
      }
      const q = src[i];
      if (q !== '"' && q !== "'") return out;
      const triple = src.startsWith(q.repeat(3), i);
      const end = triple ? q.repeat(3) : q;
      i += end.length;
      for (;;) {
        if (i >= src.length) fail();
        if (src.startsWith(end, i)) { i += end.length; break; }
        const ch = src[i];
        if (!triple && ch === '\n') fail();
        if (ch === '\\' && !raw) {
          const e = src[i + 1];
          const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0', '\n': '' };
          if (e === 'x') { out += String.fromCharCode(parseInt(src.slice(i + 2, i + 4), 16)); i += 4; continue; }
          if (e === 'u') { out += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16)); i += 6; continue; }
          if (e in simple) { out += simple[e]; i += 2; continue; }
          out += ch;
          i++;
          continue;
        }
        out += ch;
        i++;
      }
    }
  };
  const container = (open: string): unknown => {
    const close = open === '[' ? ']' : open === '(' ? ')' : '}';
    i++;
    const items: unknown[] = [];
    const entries: [unknown, unknown][] = [];
    let isDict = open === '{';
    let sawComma = false;
    for (;;) {
      ws();
      if (src[i] === close) { i++; break; }
      const k = value();
      ws();
      if (open === '{' && src[i] === ':') {
        i++;
        entries.push([k, value()]);
      } else {
        if (open === '{') isDict = false;
        items.push(k);
      }
      ws();
      if (src[i] === ',') { i++; sawComma = true; continue; }
      if (src[i] === close) { i++; break; }
      fail();
    }
    if (open === '(' && items.length === 1 && !sawComma) return items[0];
    if (open === '{' && isDict) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of entries) {
        if (typeof k !== 'string' && typeof k !== 'number' && typeof k !== 'boolean' && k !== null) fail();
        out[k === true ? 'True' : k === false ? 'False' : k === null ? 'None' : String(k)] = v;
      }
      return out;
    }
    if (open === '{' && entries.length) fail();
    return items;
  };
  try {
    const v = value();
    ws();
    if (i !== src.length) return NOT_LITERAL;
    return v;
  } catch (e) {
    if (e === NOT_LITERAL) return NOT_LITERAL;
    throw e;
  }
}
