import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest, loadSchemaFiles, parseYaml, readConnector } from '@conveyor/connector';
import { inlineSchemas, preprocessManifest, type Manifest } from '@conveyor/manifest';

const CORPUS = resolve(__dirname, '../../../../shared/corpus/inline-schemas');
const cases = existsSync(CORPUS) ? readdirSync(CORPUS).filter((c) => existsSync(join(CORPUS, c, 'before'))) : [];

/**
 * The corpus has no code, only FILES.txt. A package that ships `streams.py` has Python streams, so its
 * `source.py` (not in the corpus) declares them: that is what the stand-in says.
 */
function standInSourcePy(caseDir: string, pkg: string | undefined): string | undefined {
  if (!pkg) return undefined;
  const files = readFileSync(join(caseDir, 'FILES.txt'), 'utf8');
  if (!new RegExp(`^before\\t${pkg}/source\\.py\\t`, 'm').test(files)) return undefined;
  if (new RegExp(`^before\\t${pkg}/streams\\.py\\t`, 'm').test(files))
    return 'from airbyte_cdk.sources.declarative.yaml_declarative_source import YamlDeclarativeSource\n\nclass SourceX(YamlDeclarativeSource):\n    def streams(self, config):\n        return super().streams(config) + python_streams(config)\n';
  return 'from airbyte_cdk.sources.declarative.yaml_declarative_source import YamlDeclarativeSource\n\nclass SourceX(YamlDeclarativeSource):\n    def __init__(self):\n        super().__init__(**{"path_to_yaml": "manifest.yaml"})\n';
}

/** Stream name → inline schema, after reference resolution (how the CDK will see it). */
function inlineSchemasOf(manifest: Manifest): Record<string, unknown> {
  const resolved = preprocessManifest(manifest);
  const out: Record<string, unknown> = {};
  for (const s of (resolved.streams ?? []) as Record<string, any>[]) {
    if (s?.schema_loader?.type === 'InlineSchemaLoader') out[s.name] = s.schema_loader.schema;
  }
  return out;
}

/**
 * Airbyte's "ensure inline schemas" commits also wrote new `description`s into the schemas in the same
 * commit (prose nobody can derive from the files). Drop only the descriptions the real result has where
 * ours has none; every other key and value must match.
 */
function withoutAddedDescriptions(theirs: unknown, ours: unknown): unknown {
  if (Array.isArray(theirs)) return theirs.map((v, i) => withoutAddedDescriptions(v, Array.isArray(ours) ? ours[i] : undefined));
  if (!theirs || typeof theirs !== 'object') return theirs;
  const mine = (ours && typeof ours === 'object' ? ours : {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(theirs)) {
    if (k === 'description' && typeof v === 'string' && !('description' in mine)) continue;
    out[k] = withoutAddedDescriptions(v, mine[k]);
  }
  return out;
}

describe('inlineSchemas on Airbyte’s real inline-schema commits', () => {
  it.each(cases)('%s: the inlined schemas equal the real commit’s', (name) => {
    const before = readConnector(join(CORPUS, name, 'before'));
    const afterDir = join(CORPUS, name, 'after');
    const after = readConnector(afterDir);
    const manifest = before.manifestPath ? loadManifest(before) : undefined;
    if (!manifest || manifest.errors.length) {
      // No manifest (a Python connector): nothing moves, as in the real commit.
      expect(after.schemasDir).toBe(before.schemasDir);
      return;
    }
    const result = inlineSchemas({
      doc: (manifest as any).doc,
      schemaFiles: loadSchemaFiles(before),
      schemasDir: before.schemasDir,
      manifestFile: before.manifestPath,
      sourcePy: standInSourcePy(join(CORPUS, name), before.packageDir),
    });
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const ours = inlineSchemasOf(parseYaml<Manifest>(result.text, 'ours').value);
    const theirs = inlineSchemasOf((loadManifest(after) as { value: Manifest }).value);
    expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
    for (const stream of Object.keys(theirs)) expect(ours[stream], stream).toEqual(withoutAddedDescriptions(theirs[stream], ours[stream]));
    // The schemas folder goes exactly when the real commit removed it.
    expect(result.deletes.includes(before.schemasDir ?? '')).toBe(!after.schemasDir && !!before.schemasDir);
  });
});
