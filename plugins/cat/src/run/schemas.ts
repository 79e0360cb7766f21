import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats';

/**
 * A draft-07 validator like CAT's (jsonschema Draft7Validator): unknown keywords (`airbyte_type`, `order`)
 * and unknown formats are allowed; date-time accepts values without a time zone as Airbyte's checker does.
 */
export function createAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: false, logger: false, validateSchema: false });
  ajv.addFormat('date', fullFormats.date);
  ajv.addFormat('date-time', fullFormats['iso-date-time']);
  ajv.addFormat('time', fullFormats['iso-time']);
  return ajv;
}

/** Why a schema is not a valid draft-07 JSON Schema, or undefined. */
export function schemaProblem(ajv: Ajv, schema: unknown): string | undefined {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return 'is not a JSON object';
  const clean = stripIds(schema) as object;
  if (!ajv.validateSchema(clean)) return ajv.errorsText(ajv.errors, { dataVar: 'schema' });
  try {
    ajv.compile(clean);
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

/** `$schema`/`$id` removed so draft-04 headers and ids repeated across streams do not break compilation. */
function stripIds(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(stripIds);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    // Draft-04 schemas name their id `id`, and real schemas misplace a field `id` beside `properties`; draft-07
    // (and Python's jsonschema) ignores the key, ajv refuses it. A field called id lives under properties.
    if (k === '$schema' || k === '$id' || k === 'id') continue;
    // Under `properties` the keys are field names (a field may well be called `id`), not keywords.
    out[k] = k === 'properties' && v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, stripIds(s)])) : stripIds(v);
  }
  return out;
}

/** Every object schema that lists properties gets `additionalProperties: false` unless it says otherwise. */
function forbidExtraColumns(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(forbidExtraColumns);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === 'properties' && v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, forbidExtraColumns(s)])) : forbidExtraColumns(v);
  if (out.properties && typeof out.properties === 'object' && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

export interface RecordValidator {
  /** Undefined when the record is valid; else which field is wrong and how. */
  (data: unknown): string | undefined;
}

export function compileRecordValidator(ajv: Ajv, schema: unknown, failOnExtraColumns: boolean): RecordValidator {
  const clean = stripIds(schema);
  const validate: ValidateFunction = ajv.compile((failOnExtraColumns ? forbidExtraColumns(clean) : clean) as object);
  return (data) => (validate(data) ? undefined : describeError(validate.errors![0], data));
}

function describeError(e: ErrorObject, data: unknown): string {
  const path = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (e.keyword === 'required') return `field \`${[...path, (e.params as { missingProperty: string }).missingProperty].join('.')}\` is required but missing`;
  if (e.keyword === 'additionalProperties')
    return `field \`${[...path, (e.params as { additionalProperty: string }).additionalProperty].join('.')}\` is not declared in the stream schema (fail_on_extra_columns)`;
  let value: unknown = data;
  for (const p of path) value = (value as Record<string, unknown> | undefined)?.[p];
  const shown = JSON.stringify(value) ?? 'undefined';
  return `field \`${path.join('.') || '(record)'}\` ${e.message} (got ${shown.length > 80 ? shown.slice(0, 80) + '…' : shown})`;
}

/** Places (JSON pointers) where a keyword occurs anywhere in a schema. */
export function findKeyword(schema: unknown, keyword: string, at = ''): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(schema)) {
    if (k === keyword) out.push(at || '/');
    // `properties` names are data, not keywords: a column called `not` is fine.
    if (k === 'properties' && v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [p, s] of Object.entries(v)) out.push(...findKeyword(s, keyword, `${at}/properties/${p}`));
    } else out.push(...findKeyword(v, keyword, `${at}/${k}`));
  }
  return out;
}

/** Does the schema declare this field path (through `properties`, also inside anyOf/oneOf variants)? */
export function schemaHasPath(schema: unknown, path: readonly string[]): boolean {
  if (path.length === 0) return true;
  const s = schema as { properties?: Record<string, unknown>; anyOf?: unknown[]; oneOf?: unknown[] } | undefined;
  if (!s || typeof s !== 'object') return false;
  const prop = s.properties?.[path[0]];
  if (prop !== undefined && schemaHasPath(prop, path.slice(1))) return true;
  return [...(s.anyOf ?? []), ...(s.oneOf ?? [])].some((v) => schemaHasPath(v, path));
}

/** The subschema at a field path, for type checks of primary keys. */
export function schemaAt(schema: unknown, path: readonly string[]): Record<string, unknown> | undefined {
  let cur = schema as { properties?: Record<string, unknown> } | undefined;
  for (const p of path) cur = cur?.properties?.[p] as typeof cur;
  return cur as Record<string, unknown> | undefined;
}
