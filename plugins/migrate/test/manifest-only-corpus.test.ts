import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempDir, type TempDir } from '../../../test/support';
import { stage } from '../src/stage';
import { CORPUS, corpusCases, filesUnder, listedFiles, stageCase } from './corpus';
import { builderForms, differences, semanticParts } from './equivalence';

const cases = corpusCases('migrations');
let tmp: TempDir;
beforeAll(() => {
  tmp = tempDir('conveyor-migrate-corpus-');
});
afterAll(() => tmp.cleanup());

/** Made by the pipeline's last version (manifest `version: "4.3.2"`, parameters onto declared fields only). */
const LATEST_PIPELINE = new Set(['source-auth0', 'source-nytimes']);

/** Migrations redone in the Connector Builder (version 4.5.4, references kept): compared up to the Builder's rewrites. */
const BUILDER_MADE = new Set(['source-aircall', 'source-configcat', 'source-getlago', 'source-lokalise']);

/**
 * Where Airbyte's people changed a Builder-redone connector by hand in the same commit (these are not
 * migration rules, so they stay differences):
 * - aircall: the schema file is `user_availablity.json` (sic) for stream `user_availability`; Airbyte wrote the
 *   schema under the right name, and added `cursor_datetime_formats` to two cursors;
 * - getlago: `customer_usage` reads `{{ parameters['name'] }}` but sets `name` as a field, not a parameter,
 *   so nothing can substitute it (the migration warns); Airbyte wrote `customer_usage` by hand.
 */
const HAND_EDITS: Record<string, RegExp[]> = {
  'source-aircall': [/^\/streams\/5\/schema_loader:/, /^\/streams\/(3|7)\/incremental_sync\/cursor_datetime_formats:/],
  'source-getlago': [/^\/streams\/8\/retriever\/record_selector\/extractor\/field_path\/0:/],
};

/**
 * The earliest real migration (source-activecampaign, 2024-08-02) predates the pipeline step that turns PyPI
 * publishing off; every later one has it, and Airbyte's metadata validator (validate_pypi_only_for_python)
 * rejects PyPI on a manifest-only connector, so the migration turns it off.
 */
const PYPI_LEFT_ON = new Set(['source-activecampaign']);

const yamlOf = (p: string) => parse(readFileSync(p, 'utf8'));

describe.skipIf(!cases.length)('manifest-only migration of Airbyte’s real "Migrate to manifest-only" commits', () => {
  it.each(cases)('%s', async (name) => {
    const caseDir = join(CORPUS, 'migrations', name);
    const after = join(caseDir, 'after');
    const { repo, connector } = stageCase('migrations', name, join(tmp.dir, name));
    const theirMetadata = yamlOf(join(after, 'metadata.yaml'));
    const baseImage = theirMetadata.data.connectorBuildOptions.baseImage;

    const { report } = await stage.runOne(connector, { layout: 'manifest-only', allowDirty: true, baseImage }, repo);
    expect(report.ok, report.summary + JSON.stringify(report.findings)).toBe(true);
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);

    // The same files as after Airbyte's commit.
    expect(filesUnder(connector)).toEqual(listedFiles(caseDir, 'after'));

    // The same streams, spec and check once references are resolved.
    const ours = semanticParts(yamlOf(join(connector, 'manifest.yaml')));
    const theirs = semanticParts(yamlOf(join(after, 'manifest.yaml')));
    const diff = BUILDER_MADE.has(name) ? differences(builderForms(ours), builderForms(theirs)) : differences(ours, theirs);
    expect(diff.filter((d) => !(HAND_EDITS[name] ?? []).some((re) => re.test(d)))).toEqual([]);

    // Migrations made by the last pipeline version: the whole manifest, definitions and all, is Airbyte's.
    if (LATEST_PIPELINE.has(name)) expect(yamlOf(join(connector, 'manifest.yaml'))).toEqual(yamlOf(join(after, 'manifest.yaml')));

    // metadata.yaml as Airbyte left it, except the version bump (the release stage's job).
    const ourMetadata = yamlOf(join(connector, 'metadata.yaml'));
    delete ourMetadata.data.dockerImageTag;
    delete theirMetadata.data.dockerImageTag;
    if (PYPI_LEFT_ON.has(name)) {
      expect(ourMetadata.data.remoteRegistries.pypi.enabled).toBe(false);
      expect(theirMetadata.data.remoteRegistries.pypi.enabled).toBe(true);
      theirMetadata.data.remoteRegistries.pypi.enabled = false;
    }
    expect(ourMetadata).toEqual(theirMetadata);
    expect(yamlOf(join(connector, 'acceptance-test-config.yml'))).toEqual(yamlOf(join(after, 'acceptance-test-config.yml')));
    expect(readFileSync(join(connector, 'README.md'), 'utf8')).toContain('manifest-only');

    // A second run finds nothing to do.
    const again = await stage.runOne(connector, { layout: 'manifest-only', allowDirty: true, baseImage }, repo);
    expect(again.report.summary).toMatch(/nothing to do/);
  });
});
