/**
 * Which config paths a Jinja interpolation reads. The CDK evaluates `{{ … }}` / `{% … %}` blocks with the
 * connector config bound to `config`; the Connector Builder only maps top-level keys (`config['key']`) to
 * its inputs, so nested reads (`config.a.b`, `config['a']['b']`, `config.get('a', {}).get('b')`) matter.
 */
export type ConfigAccessStyle = 'dot' | 'bracket' | 'get';

export interface ConfigRef {
  /** Keys read, outermost first: `config['a'].b` → ['a', 'b']. */
  path: string[];
  /** The access expression as written, e.g. `config.get('a', {}).get('b')`. */
  text: string;
  /** Offsets of `text` in the template string. */
  start: number;
  end: number;
  /** How the last key was read, and its quote character when it was a string literal. */
  lastStyle: ConfigAccessStyle;
  quote: string;
  /** Source text of the default of a final `.get(key, default)`. */
  lastDefault?: string;
  /** The chain continues with something no static reading can follow (`config[var]`). */
  dynamic: boolean;
  /** Some key is a list index (`config['apps'][0]['id']`; the path holds "0"). */
  indexed: boolean;
}

const BLOCK = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;
const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;

/** Every read of `config` inside the template's Jinja blocks. */
export function findConfigRefs(template: string): ConfigRef[] {
  const out: ConfigRef[] = [];
  for (const block of template.matchAll(BLOCK)) {
    const base = block.index!;
    const text = block[0];
    const re = /config\b/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const prev = text[m.index - 1];
      // `stream_config`, `x.config` and a word inside a string literal are not the config variable.
      if (prev && /[\w.'"]/.test(prev)) continue;
      if (insideStringLiteral(text, m.index)) continue;
      const ref = readChain(text, m.index);
      if (!ref) continue;
      out.push({ ...ref, start: base + ref.start, end: base + ref.end });
      re.lastIndex = ref.end;
    }
  }
  return out;
}

/** The config keys read, without list indexes: `config['apps'][0]['id']` → ['apps', 'id']. */
export function configKeys(ref: ConfigRef): string[] {
  return ref.indexed ? ref.path.filter((k) => !/^\d+$/.test(k)) : ref.path;
}

/**
 * True when the interpolation reads below a top-level key (`config.a.b`); indexing a top-level list
 * (`config['countries'][0]`) still reads a top-level input.
 */
export function isNested(ref: ConfigRef): boolean {
  return !ref.dynamic && configKeys(ref).length > 1;
}

function readChain(s: string, at: number): ConfigRef | undefined {
  let i = at + 'config'.length;
  const path: string[] = [];
  let lastStyle: ConfigAccessStyle = 'dot';
  let quote = '';
  let lastDefault: string | undefined;
  let dynamic = false;
  let indexed = false;
  let end = i;
  for (;;) {
    const j = skipSpace(s, i);
    if (s[j] === '.') {
      IDENT.lastIndex = skipSpace(s, j + 1);
      const id = IDENT.exec(s);
      if (!id) break;
      const after = skipSpace(s, IDENT.lastIndex);
      if (s[after] === '(') {
        // A method other than get() works on the value read so far (`config['ids'].split(',')`).
        if (id[0] !== 'get') break;
        const args = readArgs(s, after);
        if (!args || !args.key) {
          dynamic = true;
          break;
        }
        path.push(args.key.value);
        lastStyle = 'get';
        quote = args.key.quote;
        lastDefault = args.rest;
        i = end = args.end;
        continue;
      }
      path.push(id[0]);
      lastStyle = 'dot';
      quote = '';
      lastDefault = undefined;
      i = end = IDENT.lastIndex;
      continue;
    }
    if (s[j] === '[') {
      const num = /^\s*(\d+)\s*\]/.exec(s.slice(j + 1));
      if (num) {
        path.push(num[1]);
        indexed = true;
        lastStyle = 'bracket';
        quote = '';
        lastDefault = undefined;
        i = end = j + 1 + num[0].length;
        continue;
      }
      const lit = readString(s, skipSpace(s, j + 1));
      const close = lit ? skipSpace(s, lit.end) : -1;
      if (!lit || s[close] !== ']') {
        dynamic = true;
        break;
      }
      path.push(lit.value);
      lastStyle = 'bracket';
      quote = lit.quote;
      lastDefault = undefined;
      i = end = close + 1;
      continue;
    }
    break;
  }
  if (!path.length && !dynamic) return undefined;
  return { path, text: s.slice(at, end), start: at, end, lastStyle, quote, lastDefault, dynamic, indexed };
}

function readArgs(s: string, open: number): { key?: { value: string; quote: string }; rest?: string; end: number } | undefined {
  const key = readString(s, skipSpace(s, open + 1));
  let depth = 0;
  let i = open;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "'") {
      const lit = readString(s, i);
      if (!lit) return undefined;
      i = lit.end - 1;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) break;
    }
  }
  if (i >= s.length) return undefined;
  if (!key) return { end: i + 1 };
  const afterKey = skipSpace(s, key.end);
  const rest = s[afterKey] === ',' ? s.slice(afterKey + 1, i).trim() : undefined;
  if (s[afterKey] !== ',' && s[afterKey] !== ')') return { end: i + 1 };
  return { key: { value: key.value, quote: key.quote }, rest: rest || undefined, end: i + 1 };
}

function readString(s: string, i: number): { value: string; quote: string; end: number } | undefined {
  const q = s[i];
  if (q !== '"' && q !== "'") return undefined;
  let value = '';
  for (let k = i + 1; k < s.length; k++) {
    if (s[k] === '\\') {
      value += s[k + 1] ?? '';
      k++;
    } else if (s[k] === q) return { value, quote: q, end: k + 1 };
    else value += s[k];
  }
  return undefined;
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && /\s/.test(s[i])) i++;
  return i;
}

function insideStringLiteral(s: string, at: number): boolean {
  let q = '';
  for (let k = 0; k < at; k++) {
    const c = s[k];
    if (q) {
      if (c === '\\') k++;
      else if (c === q) q = '';
    } else if (c === '"' || c === "'") q = c;
  }
  return q !== '';
}

export interface LocatedConfigRef extends ConfigRef {
  /** Path of the string value in the manifest. */
  at: (string | number)[];
}

/** Config reads in every string of a manifest value, skipping subtrees that are data, not interpolations. */
export function collectConfigRefs(value: unknown, skip: (path: (string | number)[]) => boolean = defaultSkip): LocatedConfigRef[] {
  const out: LocatedConfigRef[] = [];
  // One mutable path, copied only for a hit: manifests run to thousands of nodes.
  const path: (string | number)[] = [];
  const walk = (v: unknown) => {
    if (skip(path)) return;
    if (typeof v === 'string') {
      if (v.includes('config')) for (const r of findConfigRefs(v)) out.push({ ...r, at: [...path] });
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        walk(v[i]);
        path.pop();
      }
    } else if (v && typeof v === 'object') {
      for (const k in v) {
        path.push(k);
        walk((v as Record<string, unknown>)[k]);
        path.pop();
      }
    }
  };
  walk(value);
  return out;
}

/** The spec, stored schemas and Builder metadata hold no interpolations. */
export function defaultSkip(path: (string | number)[]): boolean {
  return path.length === 1 && (path[0] === 'spec' || path[0] === 'schemas' || path[0] === 'metadata');
}
