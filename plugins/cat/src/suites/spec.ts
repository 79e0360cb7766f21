import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { resolveReferences } from '@conveyor/manifest';
import type { TestEntry } from '../config/types';
import type { CatRun } from '../run/context';
import { fail, failIfAny, skip } from '../run/outcome';
import { compileRecordValidator, createAjv, findKeyword, schemaProblem } from '../run/schemas';
import { SECRET_PROPERTY_NAMES } from '../run/secrets';
import { canonical } from './compare';

const label = (name: string, entry: TestEntry) => (entry.index > 0 ? `${name} #${entry.index + 1}` : name);

/** TestSpec's credential-free checks: the SPEC message, its schema, the spec file and secret marking. */
export async function specSuite(run: CatRun, entries: TestEntry[]): Promise<void> {
  const ajv = createAjv();
  const connSpec = async () => (await run.spec()).connectionSpecification;
  for (const entry of entries.length ? entries : [{ index: 0 } as TestEntry]) {
    await run.test('spec', label('spec_message', entry), entry, async () => {
      await run.spec();
      return 'exactly one SPEC message';
    });
    await run.test('spec', label('valid_json_schema', entry), entry, async () => {
      const problem = schemaProblem(ajv, await connSpec());
      if (problem) fail(`connectionSpecification is not a valid draft-07 JSON Schema: ${problem}`);
    });
    await run.test('spec', label('match_expected', entry), entry, async () => {
      const rel = entry.spec_path ?? 'secrets/spec.json';
      if (!existsSync(run.path(rel))) skip(`no spec file at ${rel}`);
      const expected = expectedSpec(run.path(rel), rel);
      const actual = await connSpec();
      if (canonical(expected) !== canonical(actual)) fail(`the SPEC message's connectionSpecification differs from ${rel}: ${firstDifference(expected, actual) ?? 'different'}`);
      return `matches ${rel}`;
    });
    await run.test('spec', label('secret_is_properly_marked', entry), entry, async () => {
      failIfAny(unmarkedSecrets(await connSpec()), 'properties that hold secrets are not marked airbyte_secret');
    });
    await run.test('spec', label('defined_refs_exist', entry), entry, async () => {
      const refs = findKeyword(await connSpec(), '$ref');
      failIfAny(refs.map((at) => `unresolved $ref at ${at}`), 'unresolved $ref');
    });
    await run.test('spec', label('oneof_usage', entry), entry, async () => {
      const schema = await connSpec();
      failIfAny([...findKeyword(schema, 'oneOf'), ...findKeyword(schema, 'anyOf')].filter((v, i, a) => a.indexOf(v) === i).flatMap((at) => oneOfProblems(pointer(schema, at)!, at)), 'oneOf problems');
    });
    await run.test('spec', label('enum_usage', entry), entry, async () => {
      const problems: string[] = [];
      for (const at of findKeyword(await connSpec(), 'enum')) {
        const values = pointer(await connSpec(), at)?.enum as unknown[] | undefined;
        if (Array.isArray(values) && new Set(values.map((v) => JSON.stringify(v))).size !== values.length) problems.push(`enum at ${at} repeats a value`);
      }
      failIfAny(problems, 'enums with duplicates');
    });
  }
}

/** TestSpec.test_config_match_spec: needs the config, so it runs with the live suites. */
export async function configMatchesSpec(run: CatRun, entries: TestEntry[]): Promise<void> {
  const ajv = createAjv();
  for (const entry of entries.length ? entries : [{ index: 0 } as TestEntry]) {
    await run.test('spec', label('config_match_spec', entry), entry, async () => {
      const config = await run.loadConfig(entry);
      const schema = (await run.spec()).connectionSpecification;
      // Keys starting with `_` are the platform's own (CAT drops them too).
      const visible = Object.fromEntries(Object.entries(config).filter(([k]) => !k.startsWith('_')));
      const problem = compileRecordValidator(ajv, schema, false)(visible);
      if (problem) fail(`${entry.config_path ?? 'secrets/config.json'} does not match the spec: ${problem}`);
      return `${entry.config_path ?? 'secrets/config.json'} matches the spec`;
    });
  }
}

function expectedSpec(file: string, rel: string): unknown {
  let doc: Record<string, unknown>;
  try {
    doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    return fail(`${rel} is not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  // A manifest holds the spec as `spec.connection_specification`, possibly through references.
  if (doc && typeof doc === 'object' && 'spec' in doc && !('connectionSpecification' in doc)) {
    const resolved = resolveReferences(doc) as { spec?: { connection_specification?: unknown } };
    return resolved.spec?.connection_specification ?? fail(`${rel} has no spec.connection_specification`);
  }
  return (doc as { connectionSpecification?: unknown }).connectionSpecification ?? fail(`${rel} has no connectionSpecification`);
}

function unmarkedSecrets(schema: unknown, at = ''): string[] {
  const out: string[] = [];
  const s = schema as { properties?: Record<string, Record<string, unknown>>; oneOf?: unknown[]; anyOf?: unknown[]; items?: unknown } | undefined;
  if (!s || typeof s !== 'object') return out;
  for (const [name, prop] of Object.entries(s.properties ?? {})) {
    const types = ([] as unknown[]).concat(prop?.type ?? []);
    const canHoldSecret = types.some((t) => t === 'string' || t === 'integer' || t === 'number') && prop?.const === undefined;
    if (looksSecret(name) && canHoldSecret && prop.airbyte_secret !== true) out.push(`\`${at}${name}\` can hold a secret but is not marked airbyte_secret: true`);
    out.push(...unmarkedSecrets(prop, `${at}${name}.`));
  }
  for (const v of [...(s.oneOf ?? []), ...(s.anyOf ?? [])]) out.push(...unmarkedSecrets(v, at));
  return out;
}

/**
 * CAT's exact secret property names, plus the common compound forms (`api_key`, `*_token`, `*_secret`,
 * `*_password`) that its exact-name match misses.
 */
function looksSecret(name: string): boolean {
  const n = name.toLowerCase();
  return SECRET_PROPERTY_NAMES.includes(n) || /(^|_)(api_?key|private_key|secret_key|access_key)$|_(token|secret|password)$/.test(n);
}

/**
 * CAT test_oneof_usage: the UI renders a oneOf as a choice keyed by one `const` property present in every
 * variant; without it a saved config cannot tell which variant it is.
 */
function oneOfProblems(parent: Record<string, unknown>, at: string): string[] {
  const out: string[] = [];
  const variants = (parent.oneOf ?? parent.anyOf) as Record<string, unknown>[];
  if (!Array.isArray(variants)) return out;
  const where = at === '/' ? 'the root' : at;
  if (!([] as unknown[]).concat(parent.type ?? []).includes('object')) out.push(`${where}: a oneOf's parent must have type object`);
  const props = variants.map((v) => (v?.properties ?? {}) as Record<string, Record<string, unknown>>);
  if (props.some((p) => Object.keys(p).length === 0)) return [...out, `${where}: every oneOf variant needs properties`];
  const common = Object.keys(props[0]).filter((k) => props.every((p) => k in p));
  const keys = common.filter((k) => props.every((p) => p[k]?.const !== undefined));
  if (keys.length !== 1) return [...out, `${where}: the oneOf variants need exactly one common property with a \`const\` to tell them apart (found ${keys.length ? keys.join(', ') : 'none'})`];
  for (const [i, p] of props.entries()) {
    const k = p[keys[0]];
    if (k.default !== undefined && k.default !== k.const) out.push(`${where}/oneOf/${i}: ${keys[0]}.default differs from its const`);
    if (Array.isArray(k.enum) && (k.enum.length !== 1 || k.enum[0] !== k.const)) out.push(`${where}/oneOf/${i}: ${keys[0]}.enum must be [const]`);
  }
  return out;
}

function pointer(doc: unknown, at: string): Record<string, unknown> | undefined {
  let cur = doc as Record<string, unknown> | undefined;
  for (const seg of at.split('/').filter(Boolean)) cur = cur?.[seg] as Record<string, unknown> | undefined;
  return cur;
}

function firstDifference(a: unknown, b: unknown, at = ''): string | undefined {
  if (canonical(a) === canonical(b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}/${k}`);
      if (d) return d;
    }
  }
  return `at ${at || '/'}: file has ${short(a)}, connector printed ${short(b)}`;
}

const short = (v: unknown) => {
  const s = JSON.stringify(v) ?? 'nothing';
  return s.length > 80 ? s.slice(0, 80) + '…' : s;
};
