/** Jinja templates: text, `{{ }}` output, `{% if/elif/else/endif %}`, `{% set %}`, `{# #}`, whitespace control. */
import { parseExpression, type Node, type Stmt } from './parser';
import { TemplateSyntaxError } from './lexer';

/** Parse a whole template into statements. */
export function parseTemplate(src: string): Stmt[] {
  const parts: ({ kind: 'text'; s: string } | { kind: 'expr' | 'stmt'; s: string })[] = [];
  const re = /\{\{(-?)([\s\S]*?)(-?)\}\}|\{%(-?)([\s\S]*?)(-?)%\}|\{#[\s\S]*?#\}/g;
  let last = 0;
  let m: RegExpExecArray | null;
  let trimNext = false;
  while ((m = re.exec(src))) {
    let text = src.slice(last, m.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (m[1] === '-' || m[4] === '-') text = text.replace(/\s+$/, '');
    if (text) parts.push({ kind: 'text', s: text });
    if (m[2] !== undefined) parts.push({ kind: 'expr', s: m[2] });
    else if (m[5] !== undefined) parts.push({ kind: 'stmt', s: m[5].trim() });
    trimNext = m[3] === '-' || m[6] === '-';
    last = re.lastIndex;
  }
  let tail = src.slice(last);
  if (trimNext) tail = tail.replace(/^\s+/, '');
  if (/\{\{|\{%/.test(tail)) throw new TemplateSyntaxError('unclosed tag', src);
  if (tail) parts.push({ kind: 'text', s: tail });

  let i = 0;
  const block = (ends: string[]): { body: Stmt[]; end: string } => {
    const body: Stmt[] = [];
    while (i < parts.length) {
      const part = parts[i++];
      if (part.kind === 'text') body.push({ k: 'text', s: part.s });
      else if (part.kind === 'expr') body.push({ k: 'out', e: parseExpression(part.s, src) });
      else {
        const word = /^\w+/.exec(part.s)?.[0] ?? '';
        if (ends.includes(word)) { i--; return { body, end: word }; }
        if (word === 'if') {
          const branches: [Node, Stmt[]][] = [];
          let cond = parseExpression(part.s.slice(2), src);
          let other: Stmt[] = [];
          for (;;) {
            const r = block(['elif', 'else', 'endif']);
            const tag = parts[i++] as { s: string };
            if (!tag) throw new TemplateSyntaxError('missing {% endif %}', src);
            if (r.end === 'elif') { branches.push([cond, r.body]); cond = parseExpression(tag.s.slice(4), src); continue; }
            branches.push([cond, r.body]);
            if (r.end === 'else') {
              const e = block(['endif']);
              if (!parts[i++]) throw new TemplateSyntaxError('missing {% endif %}', src);
              other = e.body;
            }
            break;
          }
          body.push({ k: 'if', branches, other });
        } else if (word === 'set') {
          const mm = /^set\s+([A-Za-z_]\w*)\s*=([\s\S]*)$/.exec(part.s);
          if (!mm) throw new TemplateSyntaxError('malformed {% set %}', src);
          body.push({ k: 'set', n: mm[1], e: parseExpression(mm[2], src) });
        } else throw new TemplateSyntaxError(`unsupported tag {% ${word} %}`, src);
      }
    }
    if (ends.length) throw new TemplateSyntaxError(`missing {% ${ends[ends.length - 1]} %}`, src);
    return { body, end: '' };
  };
  return block([]).body;
}

/** Names a template reads that it does not set itself (Jinja's find_undeclared_variables). */
export function freeNames(stmts: Stmt[]): Set<string> {
  const out = new Set<string>();
  const set = new Set<string>();
  const walk = (n: Node | undefined): void => {
    if (!n) return;
    switch (n.k) {
      case 'name': if (!set.has(n.n)) out.add(n.n); break;
      case 'list': n.items.forEach(walk); break;
      case 'dict': n.items.forEach(([a, b]) => { walk(a); walk(b); }); break;
      case 'attr': walk(n.o); break;
      case 'item': walk(n.o); walk(n.i); break;
      case 'slice': walk(n.o); walk(n.a); walk(n.b); walk(n.c); break;
      case 'call': walk(n.f); n.args.forEach(walk); n.kw.forEach(([, v]) => walk(v)); break;
      case 'filter': walk(n.o); n.args.forEach(walk); n.kw.forEach(([, v]) => walk(v)); break;
      case 'test': walk(n.o); n.args.forEach(walk); break;
      case 'un': walk(n.o); break;
      case 'bin': walk(n.l); walk(n.r); break;
      case 'cmp': walk(n.first); n.ops.forEach(([, v]) => walk(v)); break;
      case 'cond': walk(n.test); walk(n.a); walk(n.b); break;
    }
  };
  const walkStmts = (ss: Stmt[]): void => {
    for (const s of ss) {
      if (s.k === 'out') walk(s.e);
      else if (s.k === 'if') { s.branches.forEach(([c, b]) => { walk(c); walkStmts(b); }); walkStmts(s.other); }
      else if (s.k === 'set') { walk(s.e); set.add(s.n); }
    }
  };
  walkStmts(stmts);
  return out;
}
