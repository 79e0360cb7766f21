/**
 * Move a separate `spec.yaml` / `spec.json` into the manifest's `spec`, as Airbyte's manifest-only
 * migration did (migrate_to_manifest_only/pipeline.py, StripConnector): `spec` becomes
 * `{type: Spec, documentation_url, connection_specification}` taken from the file's camelCase or snake_case
 * keys; a manifest that already has a `spec` while a spec file exists is refused ("Connector has both
 * inline and non-inline specs") unless the two say the same thing.
 * Unlike Airbyte's step, `advanced_auth` is carried over too: dropping it would lose the OAuth flow.
 */
import { isMap, type Document, type LineCounter } from 'yaml';
import { positionOf, setKey, transformResult, type TransformFinding, type TransformResult } from './yaml-nodes';

export interface SpecFileInput {
  /** Relative to the connector root, e.g. `source_foo/spec.yaml`. */
  path: string;
  /** Parsed content (JSON is YAML, so one parser reads both). */
  value?: unknown;
  error?: { message: string };
}

export interface InlineSpecInput {
  doc: Document;
  spec?: SpecFileInput;
  manifestFile?: string;
  lines?: LineCounter;
  /** Edit `doc` itself instead of a copy (faster when chaining). */
  inPlace?: boolean;
}

// Fields of the CDK's Spec component a spec file can fill, by the spellings spec files use.
const FIELDS: [target: string, sources: string[]][] = [
  ['documentation_url', ['documentationUrl', 'documentation_url']],
  ['connection_specification', ['connectionSpecification', 'connection_specification']],
  ['advanced_auth', ['advanced_auth', 'advancedAuth']],
];

export function inlineSpec(input: InlineSpecInput): TransformResult {
  const doc = input.inPlace ? input.doc : input.doc.clone();
  const findings: TransformFinding[] = [];
  const result = (changed: boolean, deletes: string[] = []): TransformResult => transformResult(doc, changed, deletes, findings);
  const spec = input.spec;
  if (!spec) return result(false);
  const fail = (message: string, fix?: string) => {
    findings.push({ rule: 'inline-spec', severity: 'error', message, file: spec.path, fix });
    return result(false);
  };
  if (spec.error) return fail(`cannot read the spec file: ${spec.error.message}`);
  const value = spec.value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return fail('expected a mapping with connectionSpecification at the top of the spec file');
  const file = value as Record<string, unknown>;

  const inline: Record<string, unknown> = { type: 'Spec' };
  for (const [target, sources] of FIELDS) {
    const hit = sources.find((s) => file[s] !== undefined);
    if (hit) inline[target] = file[hit];
  }
  if (!inline.connection_specification || typeof inline.connection_specification !== 'object')
    return fail('expected `connectionSpecification` (a JSON schema of the config) in the spec file', 'add connectionSpecification, or write `spec:` in the manifest by hand');
  const known = new Set(FIELDS.flatMap(([, s]) => s));
  const dropped = Object.keys(file).filter((k) => !known.has(k));
  if (dropped.length)
    findings.push({ rule: 'inline-spec', severity: 'info', message: `not part of the declarative Spec component, so not carried over: ${dropped.join(', ')}`, file: spec.path });

  const root = doc.contents;
  if (!isMap(root)) {
    findings.push({ rule: 'inline-spec', severity: 'error', message: 'expected a mapping at the top of the manifest', file: input.manifestFile });
    return result(false);
  }
  const existing = root.get('spec');
  if (existing !== undefined) {
    const current = doc.toJS({ maxAliasCount: 1000 }).spec as Record<string, unknown>;
    if (sameSpec(current, inline)) {
      findings.push({ rule: 'inline-spec', severity: 'info', message: 'the manifest already holds this spec; the file is a duplicate', file: spec.path });
      return result(true, [spec.path]);
    }
    findings.push({
      rule: 'inline-spec',
      severity: 'error',
      message: `the manifest has a \`spec\` and ${spec.path} differs from it: which one is meant is unclear`,
      file: input.manifestFile,
      ...positionOf(doc, ['spec'], input.lines),
      fix: `keep one: delete ${spec.path}, or remove \`spec\` from the manifest`,
    });
    return result(false);
  }
  setKey(doc, root, 'spec', inline);
  return result(true, [spec.path]);
}

function sameSpec(a: Record<string, unknown> | undefined, b: Record<string, unknown>): boolean {
  if (!a || typeof a !== 'object') return false;
  const pick = (s: Record<string, unknown>) => JSON.stringify(canonical({ c: s.connection_specification, d: s.documentation_url, a: s.advanced_auth }));
  return pick(a) === pick(b);
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}
