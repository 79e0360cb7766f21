/**
 * Every real connector manifest in the shared corpus either discovers (one catalog entry per declared stream,
 * each with a JSON schema) or stops with an error that names the unsupported component and where it is.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../src/source';

const ROOT = process.env.CONVEYOR_CORPUS_DIR ?? path.resolve(__dirname, '../../../../shared/corpus');

function manifests(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (name === 'before') continue;
    if (statSync(full).isDirectory()) manifests(full, out);
    else if (name === 'manifest.yaml') out.push(full);
  }
  return out.sort();
}

const files = manifests(ROOT);

/** A config that satisfies a spec's required properties: examples, defaults, enums, else a value of the type. */
function sampleConfig(schema: any): unknown {
  if (!schema || typeof schema !== 'object') return 'x';
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (Array.isArray(schema.oneOf) && schema.oneOf.length) return sampleConfig(schema.oneOf[0]);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  if (type === 'object' || schema.properties) {
    const out: Record<string, unknown> = {};
    for (const k of schema.required ?? []) out[k] = sampleConfig(schema.properties?.[k]);
    return out;
  }
  if (type === 'integer' || type === 'number') return schema.minimum ?? 1;
  if (type === 'boolean') return true;
  if (type === 'array') return [];
  if (schema.pattern) {
    const candidates = ['2024-01-01T00:00:00Z', '2024-01-01', '2024-01-01T00:00:00.000Z', '2024-01-01 00:00:00', 'abc', '123'];
    const found = candidates.find((c) => {
      try {
        return new RegExp(String(schema.pattern)).test(c);
      } catch {
        return false;
      }
    });
    if (found) return found;
  }
  return 'x';
}

function specOf(manifest: any, dir: string): any {
  if (manifest.spec?.connection_specification) return manifest.spec.connection_specification;
  for (const f of ['spec.yaml', 'spec.json']) {
    const file = path.join(dir, f);
    if (existsSync(file)) return (parseYaml(readFileSync(file, 'utf8')) as any).connectionSpecification;
  }
  return {};
}

describe.skipIf(!files.length)('real connector manifests (corpus)', () => {
  it('discover gives a full catalog or names the unsupported component and its manifest path', async () => {
    let discovered = 0;
    for (const file of files) {
      const manifest = parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>;
      const messages: any[] = [];
      const config = sampleConfig(specOf(manifest, path.dirname(file))) as Record<string, unknown>;
      const code = await runCommand({ command: 'discover', manifest, manifestDir: path.dirname(file), config }, (m) => messages.push(m));
      const catalog = messages.find((m) => m.type === 'CATALOG');
      const where = path.relative(ROOT, file);
      if (catalog) {
        discovered++;
        expect(code, where).toBe(0);
        const declared = (manifest.streams as unknown[]).length;
        expect(catalog.catalog.streams.length, where).toBe(declared);
        for (const s of catalog.catalog.streams) expect(typeof s.json_schema, `${where} ${s.name}`).toBe('object');
      } else {
        expect(code, where).toBe(1);
        const error = messages.find((m) => m.type === 'TRACE').trace.error;
        expect(error.message, where).toMatch(/(component type \w+|\w+\.\w+) is not supported by conveyor-manifest.*\(at \/[^)]+\)$/);
      }
    }
    expect(discovered).toBeGreaterThan(files.length / 2);
  });
});
