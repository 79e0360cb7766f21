import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadSchemaFiles, loadSpecFile, readConnector } from '@conveyor/connector';
import { preprocessManifest } from '@conveyor/manifest';
import { tempDir, type TempDir } from '../../../test/support';
import { stage } from '../src/stage';
import { CORPUS, corpusCases, filesUnder, stageCase } from './corpus';

let tmp: TempDir;
beforeAll(() => {
  tmp = tempDir('conveyor-migrate-sweep-');
});
afterAll(() => tmp.cleanup());

type Obj = Record<string, any>;
/** Everything but the schema loaders (parent streams share definitions, so theirs go inline too). */
function withoutLoader(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLoader);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).filter(([k]) => k !== 'schema_loader').map(([k, v]) => [k, withoutLoader(v)]));
}

describe.skipIf(!corpusCases('migrations').length)('the seed’s package layout loses nothing (the real migrations’ before/)', () => {
  it.each(corpusCases('migrations'))('%s', async (name) => {
    const { repo, connector } = stageCase('migrations', name, join(tmp.dir, 'pkg', name));
    const before = readConnector(connector);
    const pkg = before.packageDir!;
    const schemaFiles = Object.fromEntries(loadSchemaFiles(before).map((f) => [f.stream, f.value]));
    const specFile = loadSpecFile(before)?.value as Obj | undefined;
    const streamsBefore = preprocessManifest(parse(readFileSync(join(connector, before.manifestPath!), 'utf8'))).streams as Obj[];

    const { report } = await stage.runOne(connector, { allowDirty: true }, repo);
    expect(report.ok, report.summary).toBe(true);
    const manifest = parse(readFileSync(join(connector, pkg, 'manifest.yaml'), 'utf8'));
    expect(manifest.metadata).toBeUndefined();
    const after = preprocessManifest(manifest);
    // Same streams; each schema is the file's (or the one it had inline); the spec is the file's.
    expect(withoutLoader(after.streams as Obj[])).toEqual(withoutLoader(streamsBefore));
    (after.streams as Obj[]).forEach((s, i) => {
      const was = streamsBefore[i].schema_loader;
      if (was?.type !== 'InlineSchemaLoader' && !schemaFiles[s.name]) {
        // No file for it (source-aircall's user_availablity.json, sic): left as it was, and said so.
        expect(s.schema_loader).toEqual(was);
        expect(report.findings).toContainEqual(expect.objectContaining({ rule: 'inline-schemas', message: expect.stringContaining(`stream "${s.name}"`) }));
        return;
      }
      expect(s.schema_loader.type).toBe('InlineSchemaLoader');
      expect(s.schema_loader.schema).toEqual(was?.type === 'InlineSchemaLoader' ? was.schema : schemaFiles[s.name]);
    });
    if (specFile) expect((after.spec as Obj).connection_specification).toEqual(specFile.connectionSpecification);
    // Only a schema no stream used survives, and only while some stream found no file (it may be that one, misnamed).
    const kept = report.findings.filter((f) => f.rule === 'inline-schemas' && f.message.includes('misnamed')).map((f) => f.file!.replace(`${connector}/`, ''));
    expect(filesUnder(connector).filter((f) => f.startsWith(`${pkg}/`))).toEqual([`${pkg}/manifest.yaml`, ...kept, `${pkg}/source.py`].sort());
    if (name === 'source-aircall') expect(kept).toEqual([`${pkg}/schemas/user_availablity.json`]);
    expect((await stage.runOne(connector, { allowDirty: true }, repo)).report.summary).toMatch(/nothing to do/);
  });
});

const fleet = existsSync(join(CORPUS, 'fleet-2024-06'))
  ? readdirSync(join(CORPUS, 'fleet-2024-06')).filter((c) => readdirSync(join(CORPUS, 'fleet-2024-06', c)).some((e) => /^source_/.test(e) && existsSync(join(CORPUS, 'fleet-2024-06', c, e, 'manifest.yaml'))))
  : [];

describe.skipIf(!fleet.length)('manifest-only over the 2024 fleet: migrated whole, or refused with a reason at a line', () => {
  it.each(fleet)('%s', async (name) => {
    const { repo, connector } = stageCase('fleet-2024-06', name, join(tmp.dir, 'fleet', name));
    const streamNames = (preprocessManifest(parse(readFileSync(join(connector, readConnector(connector).manifestPath!), 'utf8'))).streams as Obj[]).map((s) => s.name);
    const before = filesUnder(connector);
    const { report } = await stage.runOne(connector, { layout: 'manifest-only', allowDirty: true }, repo);
    if (!report.ok) {
      const errors = report.findings.filter((f) => f.severity === 'error');
      expect(errors.length).toBeGreaterThan(0);
      for (const e of errors) expect(e.file, e.message).toBeTruthy();
      expect(filesUnder(connector)).toEqual(before);
      return;
    }
    const manifest = parse(readFileSync(join(connector, 'manifest.yaml'), 'utf8'));
    expect(JSON.stringify(manifest)).not.toContain('"$parameters"');
    expect(JSON.stringify(manifest.streams)).not.toContain('"$ref"');
    expect((preprocessManifest(manifest).streams as Obj[]).map((s) => s.name)).toEqual(streamNames);
    expect(existsSync(join(connector, readConnector(connector).packageDir ?? 'none'))).toBe(false);
    expect((await stage.runOne(connector, { layout: 'manifest-only', allowDirty: true }, repo)).report.summary).toMatch(/nothing to do/);
  });
});
