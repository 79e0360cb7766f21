/**
 * The CDK's interpolation contract (airbyte_cdk/sources/declarative/interpolation/): JinjaInterpolation.eval
 * renders a template to a string, re-parses it as a Python literal (restricted to `validTypes` when given),
 * falls back to `default` when the result is empty or hits an undefined value; InterpolatedString,
 * InterpolatedBoolean, InterpolatedMapping and InterpolatedNestedMapping build on it.
 */
import type { Stmt } from './parser';
import { freeNames, parseTemplate } from './template';
import { render } from './evaluate';
import { MACROS } from './builtins';
import { NOT_LITERAL, literalEval } from './literal';
import { TracedError } from '../protocol';
import { PyError, PyFloat, UndefinedError, isDict, isFloat, pyEquals } from './values';

export type PyType = 'str' | 'list' | 'int' | 'float' | 'bool' | 'dict';
export type Context = Record<string, unknown>;

export class InterpolationError extends Error {
  constructor(message: string, readonly template: string) {
    super(message);
    this.name = 'InterpolationError';
  }
}

const cache = new Map<string, { stmts: Stmt[]; names: string[] }>();

function compile(template: string): { stmts: Stmt[]; names: string[] } {
  let c = cache.get(template);
  if (!c) {
    const stmts = parseTemplate(template);
    c = { stmts, names: [...freeNames(stmts)].filter((n) => !Object.prototype.hasOwnProperty.call(MACROS, n)) };
    if (cache.size > 5000) cache.clear();
    cache.set(template, c);
  }
  return c;
}

function renderTemplate(template: string, context: Context): string {
  const { stmts, names } = compile(template);
  const missing = names.filter((n) => !(n in context));
  if (missing.length) {
    throw new InterpolationError(`Jinja macro has undeclared variables: {${missing.map((n) => `'${n}'`).join(', ')}} in ${JSON.stringify(template)}`, template);
  }
  const scope = new Map<string, unknown>(Object.entries(context));
  try {
    return render(stmts, scope);
  } catch (e) {
    if (e instanceof UndefinedError) throw e;
    if (e instanceof PyError) throw new InterpolationError(`${e.pyType}: ${e.message} (while rendering ${JSON.stringify(template)})`, template);
    throw e;
  }
}

function matches(v: unknown, types: PyType[]): boolean {
  return types.some((t) => {
    switch (t) {
      case 'str': return typeof v === 'string';
      case 'list': return Array.isArray(v);
      case 'int': return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'boolean';
      case 'float': return isFloat(v) || v instanceof PyFloat;
      case 'bool': return typeof v === 'boolean';
      case 'dict': return isDict(v);
    }
    return false;
  });
}

function literal(result: string | null, validTypes?: PyType[]): unknown {
  if (result === null) return null;
  const v = literalEval(result);
  if (v === NOT_LITERAL) return result;
  if (!validTypes || matches(v, validTypes)) return v;
  return result;
}

/** JinjaInterpolation.eval. `context` must already hold every variable the caller provides (None included). */
const STREAM_STATE_UNSUPPORTED =
  '`stream_state` is no longer supported for interpolation. We recommend using `stream_interval` instead. Please reference the CDK Migration Guide for more information.';

/** CDK 7 refuses any template whose text mentions stream_state, as a config error. */
function refuseStreamState(template: string): void {
  if (template.includes('stream_state')) throw new TracedError(STREAM_STATE_UNSUPPORTED, STREAM_STATE_UNSUPPORTED, 'config_error');
}

export function interpolate(template: unknown, config: unknown, context: Context, dflt: string | null = null, validTypes?: PyType[]): unknown {
  if (typeof template !== 'string') return template;
  refuseStreamState(template);
  const ctx: Context = { config, ...context };
  if ('stream_slice' in ctx) {
    ctx.stream_interval = ctx.stream_slice;
    ctx.stream_partition = ctx.stream_slice;
  }
  try {
    const result = renderTemplate(template, ctx);
    if (result) return literal(result, validTypes);
  } catch (e) {
    if (!(e instanceof UndefinedError)) throw e;
  }
  if (dflt === null) return null;
  try {
    return literal(renderTemplate(dflt, ctx), validTypes);
  } catch (e) {
    if (e instanceof UndefinedError) throw new InterpolationError(`${e.message} (while rendering ${JSON.stringify(template)})`, template);
    throw e;
  }
}

/** InterpolatedString.eval: the template is its own default. */
export function evalString(template: unknown, config: unknown, context: Context, parameters: Context = {}, validTypes?: PyType[]): unknown {
  if (typeof template !== 'string') return template;
  if (!template.includes('{')) {
    refuseStreamState(template);
    return literal(template, validTypes);
  }
  return interpolate(template, config, { parameters, ...context }, template, validTypes);
}

const FALSE_VALUES: unknown[] = ['False', 'false', '{}', '[]', '()', '', '0', '0.0', false];

/** InterpolatedBoolean.eval. Note: a result of None counts as true, as in the CDK. */
export function evalBoolean(condition: unknown, config: unknown, context: Context, parameters: Context = {}): boolean {
  if (typeof condition === 'boolean') return condition;
  const v = interpolate(String(condition), config, { parameters, ...context }, 'False');
  if (v instanceof PyFloat ? v.v === 0 : typeof v === 'number' && v === 0) return false;
  if (Array.isArray(v) && v.length === 0) return false;
  if (isDict(v) && Object.keys(v).length === 0) return false;
  return !FALSE_VALUES.some((f) => pyEquals(f, v) && typeof f === typeof v);
}

/** InterpolatedMapping.eval (one level; values that are not strings pass through). */
export function evalMapping(
  mapping: Record<string, unknown>,
  config: unknown,
  context: Context,
  parameters: Context = {},
  validValueTypes?: PyType[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const ctx = { parameters, ...context };
  for (const [k, v] of Object.entries(mapping)) {
    const key = interpolate(k, config, ctx, null, ['str']);
    out[String(key)] = typeof v === 'string' ? interpolate(v, config, ctx, null, validValueTypes) : v;
  }
  return out;
}

/** InterpolatedNestedMapping.eval: recursive; dict entries whose value is None are dropped. */
export function evalNested(value: unknown, config: unknown, context: Context, parameters: Context = {}): unknown {
  const ctx = { parameters, ...context };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return interpolate(v, config, ctx);
    if (Array.isArray(v)) return v.map(walk);
    if (isDict(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const val = walk(x);
        if (val !== null && val !== undefined) out[String(walk(k))] = val;
      }
      return out;
    }
    return v;
  };
  return walk(value);
}
