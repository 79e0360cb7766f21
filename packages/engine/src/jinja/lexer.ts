/** Tokens of a Jinja expression: names, numbers, strings (with Python escapes) and operators. */
export class TemplateSyntaxError extends Error {
  constructor(message: string, readonly source: string) {
    super(`${message} in template ${JSON.stringify(source)}`);
    this.name = 'TemplateSyntaxError';
  }
}

export type Tok = { t: 'name' | 'num' | 'str' | 'op' | 'end'; v: string };

const OPS = ['**', '//', '==', '!=', '<=', '>=', '+', '-', '*', '/', '%', '~', '<', '>', '(', ')', '[', ']', '{', '}', ',', ':', '.', '|', '='];

export function tokenize(src: string, whole: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      out.push({ t: 'name', v: m[0] });
      i += m[0].length;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^(\d[\d_]*(\.\d[\d_]*)?([eE][+-]?\d+)?)/.exec(src.slice(i))!;
      out.push({ t: 'num', v: m[0].replace(/_/g, '') });
      i += m[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) {
          const e = src[++j];
          s += ({ n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' } as Record<string, string>)[e] ?? `\\${e}`;
        } else s += src[j];
        j++;
      }
      if (j >= src.length) throw new TemplateSyntaxError('unterminated string', whole);
      out.push({ t: 'str', v: s });
      i = j + 1;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new TemplateSyntaxError(`unexpected character ${JSON.stringify(c)}`, whole);
    out.push({ t: 'op', v: op });
    i += op.length;
  }
  out.push({ t: 'end', v: '' });
  return out;
}

