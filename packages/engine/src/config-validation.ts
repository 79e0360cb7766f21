/**
 * The entrypoint's config check (check_config_against_spec_or_exit): the config must validate against the
 * spec's connectionSpecification; the first problem is worded as Python's jsonschema words it.
 */
import Ajv, { type ErrorObject } from 'ajv';
import { pyRepr } from './jinja/values';
import { TracedError } from './protocol';

const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false, validateSchema: false });

function valueAt(config: unknown, pointer: string): unknown {
  let cur = config;
  for (const part of pointer.split('/').slice(1)) cur = (cur as Record<string, unknown>)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  return cur;
}

function pythonMessage(e: ErrorObject, config: unknown): string {
  const value = valueAt(config, e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': return `${pyRepr(p.missingProperty)} is a required property`;
    case 'type': return `${pyRepr(value)} is not of type ${String(p.type).split(',').map((t) => pyRepr(t)).join(', ')}`;
    case 'enum': return `${pyRepr(value)} is not one of ${pyRepr(p.allowedValues)}`;
    case 'const': return `${pyRepr(p.allowedValue)} was expected`;
    case 'pattern': return `${pyRepr(value)} does not match ${pyRepr(p.pattern)}`;
    case 'minimum': return `${pyRepr(value)} is less than the minimum of ${pyRepr(p.limit)}`;
    case 'maximum': return `${pyRepr(value)} is greater than the maximum of ${pyRepr(p.limit)}`;
    case 'minLength': return `${pyRepr(value)} is too short`;
    case 'maxLength': return `${pyRepr(value)} is too long`;
    case 'additionalProperties': return `Additional properties are not allowed (${pyRepr(p.additionalProperty)} was unexpected)`;
    case 'oneOf': case 'anyOf': return `${pyRepr(value)} is not valid under any of the given schemas`;
  }
  return `${e.instancePath || 'config'} ${e.message ?? 'is invalid'}`;
}

/** Throws a config_error TracedError ("Config validation error: …") when the config does not fit the spec. */
export function validateConfig(connectionSpecification: unknown, config: unknown): void {
  if (!connectionSpecification || typeof connectionSpecification !== 'object') return;
  let validate;
  try {
    validate = ajv.compile(connectionSpecification as object);
  } catch {
    return; // a spec the validator cannot compile is not the user's config problem
  }
  if (validate(config)) return;
  const message = pythonMessage(validate.errors![0], config);
  throw new TracedError(`Config validation error: ${message}`, message, 'config_error');
}
