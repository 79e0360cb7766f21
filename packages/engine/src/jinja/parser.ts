/**
 * Jinja2 expressions with Jinja's operator precedence: filters (`|`), tests (`is`), attribute, item and
 * slice access, calls with keyword arguments, conditional expressions and list/tuple/dict literals.
 */
import { PyFloat } from './values';
import { TemplateSyntaxError, tokenize, type Tok } from './lexer';

export type Node =
  | { k: 'lit'; v: unknown }
  | { k: 'name'; n: string }
  | { k: 'list'; items: Node[] }
  | { k: 'dict'; items: [Node, Node][] }
  | { k: 'attr'; o: Node; n: string }
  | { k: 'item'; o: Node; i: Node }
  | { k: 'slice'; o: Node; a?: Node; b?: Node; c?: Node }
  | { k: 'call'; f: Node; args: Node[]; kw: [string, Node][] }
  | { k: 'filter'; o: Node; n: string; args: Node[]; kw: [string, Node][] }
  | { k: 'test'; o: Node; n: string; args: Node[]; neg: boolean }
  | { k: 'un'; op: string; o: Node }
  | { k: 'bin'; op: string; l: Node; r: Node }
  | { k: 'cmp'; first: Node; ops: [string, Node][] }
  | { k: 'cond'; test: Node; a: Node; b?: Node };

export type Stmt =
  | { k: 'text'; s: string }
  | { k: 'out'; e: Node }
  | { k: 'if'; branches: [Node, Stmt[]][]; other: Stmt[] }
  | { k: 'set'; n: string; e: Node };

export { TemplateSyntaxError };

class ExprParser {
  private p = 0;
  constructor(private toks: Tok[], private whole: string) {}
  peek(): Tok { return this.toks[this.p]; }
  is(v: string, t: Tok['t'] = 'op'): boolean { const k = this.peek(); return k.t === t && k.v === v; }
  isName(v: string): boolean { return this.is(v, 'name'); }
  eat(v: string, t: Tok['t'] = 'op'): void {
    if (!this.is(v, t)) this.fail(`expected ${JSON.stringify(v)}, got ${JSON.stringify(this.peek().v || 'end of expression')}`);
    this.p++;
  }
  fail(m: string): never { throw new TemplateSyntaxError(m, this.whole); }
  atEnd(): boolean { return this.peek().t === 'end'; }

  expr(): Node {
    const a = this.or();
    if (this.isName('if')) {
      this.p++;
      const test = this.or();
      let b: Node | undefined;
      if (this.isName('else')) { this.p++; b = this.expr(); }
      return { k: 'cond', test, a, b };
    }
    return a;
  }
  or(): Node { let l = this.and(); while (this.isName('or')) { this.p++; l = { k: 'bin', op: 'or', l, r: this.and() }; } return l; }
  and(): Node { let l = this.not(); while (this.isName('and')) { this.p++; l = { k: 'bin', op: 'and', l, r: this.not() }; } return l; }
  not(): Node { if (this.isName('not')) { this.p++; return { k: 'un', op: 'not', o: this.not() }; } return this.compare(); }
  compare(): Node {
    const first = this.math1();
    const ops: [string, Node][] = [];
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && ['==', '!=', '<', '>', '<=', '>='].includes(t.v)) { this.p++; ops.push([t.v, this.math1()]); }
      else if (this.isName('in')) { this.p++; ops.push(['in', this.math1()]); }
      else if (this.isName('not') && this.toks[this.p + 1].t === 'name' && this.toks[this.p + 1].v === 'in') { this.p += 2; ops.push(['notin', this.math1()]); }
      else break;
    }
    return ops.length ? { k: 'cmp', first, ops } : first;
  }
  math1(): Node {
    let l = this.concat();
    while (this.is('+') || this.is('-')) { const op = this.toks[this.p++].v; l = { k: 'bin', op, l, r: this.concat() }; }
    return l;
  }
  concat(): Node { let l = this.math2(); while (this.is('~')) { this.p++; l = { k: 'bin', op: '~', l, r: this.math2() }; } return l; }
  math2(): Node {
    let l = this.pow();
    while (this.is('*') || this.is('/') || this.is('//') || this.is('%')) { const op = this.toks[this.p++].v; l = { k: 'bin', op, l, r: this.pow() }; }
    return l;
  }
  pow(): Node { let l = this.unary(true); while (this.is('**')) { this.p++; l = { k: 'bin', op: '**', l, r: this.unary(true) }; } return l; }
  unary(withFilter: boolean): Node {
    let node: Node;
    if (this.is('-') || this.is('+')) { const op = this.toks[this.p++].v; node = { k: 'un', op, o: this.unary(false) }; }
    else node = this.postfix(this.primary());
    return withFilter ? this.filters(node) : node;
  }
  filters(node: Node): Node {
    for (;;) {
      if (this.is('|')) {
        this.p++;
        const n = this.dottedName();
        const { args, kw } = this.is('(') ? this.callArgs() : { args: [], kw: [] };
        node = { k: 'filter', o: node, n, args, kw };
      } else if (this.isName('is')) {
        this.p++;
        const neg = this.isName('not');
        if (neg) this.p++;
        const n = this.dottedName();
        let args: Node[] = [];
        if (this.is('(')) args = this.callArgs().args;
        else if (['num', 'str'].includes(this.peek().t) || (this.peek().t === 'name' && !['and', 'or', 'else', 'if', 'is', 'in', 'not'].includes(this.peek().v))) args = [this.postfix(this.primary())];
        node = { k: 'test', o: node, n, args, neg };
      } else if (this.is('(')) node = this.postfix(node);
      else return node;
    }
  }
  dottedName(): string {
    const t = this.peek();
    if (t.t !== 'name') this.fail('expected a name');
    this.p++;
    return t.v;
  }
  primary(): Node {
    const t = this.peek();
    if (t.t === 'name') {
      this.p++;
      if (['true', 'True'].includes(t.v)) return { k: 'lit', v: true };
      if (['false', 'False'].includes(t.v)) return { k: 'lit', v: false };
      if (['none', 'None'].includes(t.v)) return { k: 'lit', v: null };
      return { k: 'name', n: t.v };
    }
    if (t.t === 'str') {
      let s = '';
      while (this.peek().t === 'str') s += this.toks[this.p++].v;
      return { k: 'lit', v: s };
    }
    if (t.t === 'num') {
      this.p++;
      return { k: 'lit', v: /[.eE]/.test(t.v) ? new PyFloat(Number(t.v)) : Number(t.v) };
    }
    if (this.is('(')) {
      this.p++;
      if (this.is(')')) { this.p++; return { k: 'list', items: [] }; }
      const first = this.expr();
      if (this.is(',')) {
        const items = [first];
        while (this.is(',')) { this.p++; if (this.is(')')) break; items.push(this.expr()); }
        this.eat(')');
        return { k: 'list', items };
      }
      this.eat(')');
      return first;
    }
    if (this.is('[')) {
      this.p++;
      const items: Node[] = [];
      while (!this.is(']')) { items.push(this.expr()); if (!this.is(']')) this.eat(','); }
      this.p++;
      return { k: 'list', items };
    }
    if (this.is('{')) {
      this.p++;
      const items: [Node, Node][] = [];
      while (!this.is('}')) {
        const key = this.expr();
        this.eat(':');
        items.push([key, this.expr()]);
        if (!this.is('}')) this.eat(',');
      }
      this.p++;
      return { k: 'dict', items };
    }
    return this.fail(`unexpected ${JSON.stringify(t.v || 'end of expression')}`);
  }
  postfix(node: Node): Node {
    for (;;) {
      if (this.is('.')) {
        this.p++;
        const t = this.peek();
        if (t.t === 'name') { this.p++; node = { k: 'attr', o: node, n: t.v }; }
        else if (t.t === 'num') { this.p++; node = { k: 'item', o: node, i: { k: 'lit', v: Number(t.v) } }; }
        else this.fail('expected an attribute name');
      } else if (this.is('[')) {
        this.p++;
        let a: Node | undefined;
        if (!this.is(':')) a = this.expr();
        if (this.is(':')) {
          this.p++;
          const b = this.is(']') || this.is(':') ? undefined : this.expr();
          let c: Node | undefined;
          if (this.is(':')) { this.p++; if (!this.is(']')) c = this.expr(); }
          this.eat(']');
          node = { k: 'slice', o: node, a, b, c };
        } else {
          this.eat(']');
          node = { k: 'item', o: node, i: a! };
        }
      } else if (this.is('(')) {
        const { args, kw } = this.callArgs();
        node = { k: 'call', f: node, args, kw };
      } else return node;
    }
  }
  callArgs(): { args: Node[]; kw: [string, Node][] } {
    this.eat('(');
    const args: Node[] = [];
    const kw: [string, Node][] = [];
    while (!this.is(')')) {
      if (this.peek().t === 'name' && this.toks[this.p + 1].t === 'op' && this.toks[this.p + 1].v === '=') {
        const n = this.toks[this.p].v;
        this.p += 2;
        kw.push([n, this.expr()]);
      } else args.push(this.expr());
      if (!this.is(')')) this.eat(',');
    }
    this.p++;
    return { args, kw };
  }
}

export function parseExpression(src: string, whole = src): Node {
  const p = new ExprParser(tokenize(src, whole), whole);
  const e = p.expr();
  if (!p.atEnd()) p.fail(`unexpected ${JSON.stringify(p.peek().v)}`);
  return e;
}

