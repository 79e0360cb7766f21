/**
 * The import-check itself, in the order the Builder's import runs (airbyte-process.md §1.2, §1.4):
 * parse → resolve references → validate against the component schema → version range → UI matrix,
 * plus what the import would leave behind (schema files, a separate spec) for a low-code package.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { loadManifest, type Connector, type YamlFile } from '@conveyor/connector';
import {
  checkBuilderMatrix,
  ComponentSchema,
  ManifestReferenceError,
  preprocessManifest,
  readPythonClasses,
  type Manifest,
  type ManifestPath,
  type PythonClass,
} from '@conveyor/manifest';
import { Findings, type Verdict } from './findings';
import { writtenPlace } from './places';
import { checkConfigRefs, checkCustomLeftovers, checkLosses, separateSpec } from './checks';

export const OLDEST_SUPPORTED_VERSION = '0.29.0';

/**
 * Matrix rules the Builder's converter throws on for the whole manifest (airbyte-process.md §1.2). The matrix
 * says the scope of each finding itself (it knows which checks sit outside convertOrDumpAsString); this set is
 * the fallback for findings without one. Both scopes count as yaml-only under the strict checklist of §1.4.
 */
const WHOLE_MANIFEST_RULES = new Set(['url-base', 'authenticator-mismatch', 'http-method', 'request-parameters', 'primary-key', 'schema-loader', 'decoder', 'retriever', 'requester', 'stream-type', 'check', 'dynamic-streams', 'parent-stream', 'async-retriever']);

export interface AnalyzeOptions {
  schema: ComponentSchema;
  /** Newest manifest version the Builder accepts: the CDK version the schema comes from. */
  cdkVersion: string;
}

export interface Analysis {
  verdict: Verdict;
  findings: Findings;
  manifestVersion?: string;
  manifest?: YamlFile<Record<string, unknown>>;
}

export function analyze(connector: Connector, options: AnalyzeOptions): Analysis {
  const loaded = loadManifest(connector);
  if (loaded.errors.length || !('doc' in loaded)) {
    const findings = new Findings();
    for (const e of loaded.errors) findings.add({ ...e, rule: e.rule ?? 'manifest', impact: 'invalid', fix: e.fix ?? fixForLoadError(e.rule) });
    return { verdict: 'invalid', findings };
  }
  const file = loaded as YamlFile<Record<string, unknown>>;
  const findings = new Findings(file);
  const raw = file.value;
  const version = typeof raw.version === 'string' ? raw.version : raw.version === undefined ? undefined : String(raw.version);
  checkVersion(version, options.cdkVersion, findings);

  const origins = new WeakMap<object, ManifestPath>();
  let manifest: Manifest | undefined;
  try {
    manifest = preprocessManifest(raw, origins);
  } catch (e) {
    if (!(e instanceof ManifestReferenceError)) throw e;
    findings.at(e.path, {
      rule: e.kind === 'circular' ? 'circular-reference' : 'undefined-reference',
      impact: 'invalid',
      message: e.message,
      fix: e.kind === 'circular' ? 'break the cycle: a definition cannot (indirectly) include itself' : 'point the reference at an existing path, e.g. "#/definitions/<name>"',
    });
  }
  if (manifest) {
    for (const issue of options.schema.validate(manifest, origins, raw)) {
      const inherited = !findings.written(issue.path) && findings.written(issue.path.slice(0, -1));
      findings.at(issue.path, {
        rule: 'schema',
        impact: 'invalid',
        message: `${issue.component}: ${issue.message}${inherited ? ' (the value comes from $parameters of an enclosing component)' : ''}`,
        fix: inherited ? 'rename the $parameters key, or set the field explicitly with the right type' : undefined,
      });
    }
    for (const u of options.schema.unknownFields(manifest, origins, raw)) {
      const guess = closest(u.field, u.known);
      findings.at(u.path, {
        rule: 'unknown-field',
        impact: 'info',
        severity: 'warning',
        message: `${u.component} has no field \`${u.field}\`: the CDK ignores it${guess ? ` (did you mean \`${guess}\`?)` : ''}`,
        fix: guess ? `rename it to ${guess}` : u.known.length ? `remove it, or move it where it belongs (${u.component}'s fields: ${u.known.join(', ')})` : `remove it (${u.component} takes no fields)`,
      });
    }
    const pythonClasses = readComponentsPy(connector);
    for (const m of checkBuilderMatrix(manifest, origins, { pythonClasses, source: raw })) {
      findings.at(writtenPlace(manifest, m.path, origins, raw), {
        rule: m.rule,
        impact: m.impact,
        message: m.message,
        fix: m.fix,
        replaceWith: m.replacement?.replaceWith,
        replaceConfidence: m.replacement?.confidence,
        scope: m.scope ?? (WHOLE_MANIFEST_RULES.has(m.rule) ? 'manifest' : 'component'),
      }, true);
    }
    checkCustomLeftovers(manifest, origins, raw, findings, pythonClasses);
  }
  checkConfigRefs(file, findings, separateSpec(connector, raw));
  checkLosses(connector, raw, manifest, origins, findings);
  return { verdict: findings.verdict(), findings, manifestVersion: version, manifest: file };
}

function checkVersion(version: string | undefined, cdkVersion: string, findings: Findings): void {
  const range = `>=${OLDEST_SUPPORTED_VERSION} <=${cdkVersion}`;
  if (version === undefined) {
    findings.at([], { rule: 'version', impact: 'invalid', message: 'the manifest has no `version`', fix: `add version: "${cdkVersion}" (the CDK version it was built and tested with)` });
  } else if (!semver.valid(version)) {
    findings.at(['version'], { rule: 'version', impact: 'invalid', message: `version ${JSON.stringify(version)} is not a semantic version (x.y.z)`, fix: 'write the CDK version as x.y.z, quoted' });
  } else if (!semver.satisfies(version, range)) {
    findings.at(['version'], {
      rule: 'version',
      impact: 'invalid',
      message: `version ${version} is outside the range the Connector Builder imports (${OLDEST_SUPPORTED_VERSION} to ${cdkVersion})`,
      fix: semver.lt(version, OLDEST_SUPPORTED_VERSION) ? `update the manifest to CDK ${OLDEST_SUPPORTED_VERSION} or later` : `use a CDK version no newer than ${cdkVersion}, or check against a newer declarative_component_schema.yaml (schemaPath, cdkVersion)`,
    });
  }
}

function fixForLoadError(rule: string | undefined): string | undefined {
  if (rule === 'yaml-syntax') return 'fix the YAML syntax at this line';
  if (rule === 'manifest-missing') return 'restore the manifest, or correct the language tag in metadata.yaml';
  return undefined;
}

/** The known field nearest to a misspelt one, when it is near enough to be a typo. */
function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** Classes of the connector's components.py files (for replacement suggestions). */
function readComponentsPy(connector: Connector): Map<string, PythonClass> {
  const out = new Map<string, PythonClass>();
  for (const rel of connector.componentsFiles) {
    const abs = join(connector.root, rel);
    if (!existsSync(abs)) continue;
    for (const [k, v] of readPythonClasses(readFileSync(abs, 'utf8'))) out.set(k, v);
  }
  return out;
}
