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

describe.skipIf(!files.length)('real connector manifests (corpus)', () => {
  it('discover gives a full catalog or names the unsupported component and its manifest path', async () => {
    let discovered = 0;
    for (const file of files) {
      const manifest = parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>;
      const messages: any[] = [];
      const code = await runCommand({ command: 'discover', manifest, manifestDir: path.dirname(file), config: {} }, (m) => messages.push(m));
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
        expect(error.message, where).toMatch(/(component type \w+|\w+\.\w+|\w+ together with a partition_router.*) is not supported by conveyor-manifest.*\(at \/[^)]+\)$/);
      }
    }
    expect(discovered).toBeGreaterThan(files.length / 2);
  });
});
