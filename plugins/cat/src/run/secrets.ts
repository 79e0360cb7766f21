/**
 * Which config values are secret. Masking: every value of a field the spec marks `airbyte_secret` or whose
 * name says secret, and, when in doubt (no spec, or a field of a `secrets/` file the spec does not describe),
 * every string value. Leak detection (a connector printing a secret) only looks for the values known to be secret, so a
 * start date echoed in a log line is not called a leak.
 */
export class Secrets {
  /** Values to mask in every output. */
  readonly masked = new Set<string>();
  /** Values whose appearance in a connector's logs is a failure, with the config field they came from. */
  readonly leakable = new Map<string, string>();
  constructor(private readonly register: (value: string) => void) {}

  add(value: string, field?: string): void {
    if (value.length < 3) return;
    this.masked.add(value);
    this.register(value);
    // JSON-escaped and quoted forms are masked by the stage kit; register the raw value once.
    if (field !== undefined) this.leakable.set(value, field);
  }

  /** Register a config's values given the connector's spec (undefined when the spec is unknown). */
  addConfig(config: unknown, spec: unknown, fromSecretsFolder: boolean): void {
    walkConfig(config, spec, [], (value, path, secret, described) => {
      const field = path.join('.');
      if (secret || SECRET_NAME.test(path[path.length - 1] ?? '')) this.add(value, field);
      // In doubt: no spec, or a field of a credentials file that the spec does not describe.
      else if (spec === undefined || (fromSecretsFolder && !described)) this.add(value);
    });
  }

  /** The config field whose secret value occurs in `text`, or undefined. */
  leakIn(text: string): string | undefined {
    for (const [value, field] of this.leakable) if (text.includes(value)) return field;
    return undefined;
  }
}

/** Property names that hold secrets (CAT test_secret_is_properly_marked). */
export const SECRET_PROPERTY_NAMES = [
  'client_token', 'access_token', 'api_token', 'token', 'secret', 'client_secret', 'password', 'key', 'service_account_info',
  'service_account', 'tenant_id', 'certificate', 'jwt', 'credentials', 'app_id', 'appid', 'refresh_token',
];
const SECRET_NAME = /(^|_)(password|secret|token|api_key|apikey|private_key|access_key)($|_)/i;

/** `described`: the spec has a schema for this field (so whether it is secret is known). */
type Visit = (value: string, path: string[], secret: boolean, described: boolean) => void;

function walkConfig(value: unknown, schema: unknown, path: string[], visit: Visit, secret = false): void {
  const s = (schema ?? undefined) as { airbyte_secret?: boolean; properties?: Record<string, unknown>; oneOf?: unknown[]; anyOf?: unknown[]; items?: unknown } | undefined;
  const isSecret = secret || s?.airbyte_secret === true;
  if (typeof value === 'string') return visit(value, path, isSecret, s !== undefined);
  if (typeof value === 'number' && isSecret) return visit(String(value), path, true, true);
  if (Array.isArray(value)) return value.forEach((v, i) => walkConfig(v, s?.items, [...path, String(i)], visit, isSecret));
  if (!value || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    // A oneOf variant's fields: the first variant that declares the key describes it.
    const candidates = [s, ...((s?.oneOf ?? s?.anyOf ?? []) as typeof s[])];
    const child = candidates.map((c) => c?.properties?.[k]).find((c) => c !== undefined);
    walkConfig(v, child, [...path, k], visit, isSecret);
  }
}

export const REDACTED = '**********';

/** A copy of a config with every airbyte_secret value (and every secret-looking field) replaced. */
export function redact(config: unknown, spec: unknown): unknown {
  const out = structuredClone(config) as Record<string, unknown>;
  walkConfig(config, spec, [], (_value, path, secret) => {
    if (!secret && !SECRET_NAME.test(path[path.length - 1] ?? '')) return;
    let cur = out as Record<string, unknown>;
    for (const p of path.slice(0, -1)) cur = cur[p] as Record<string, unknown>;
    cur[path[path.length - 1]] = REDACTED;
  });
  return out;
}
