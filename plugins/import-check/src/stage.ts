import { join } from 'node:path';
import { loadManifest } from '@conveyor/connector';
import { preprocessManifest, ManifestReferenceError } from '@conveyor/manifest';
import { defineStage } from '@conveyor/stage-kit';

export interface ImportCheckOptions {
  failOn: 'invalid' | 'yaml-only';
  fix: boolean;
  dryRun: boolean;
  schemaPath?: string;
}

export const stage = defineStage<ImportCheckOptions>({
  pluginDir: join(__dirname, '..'),
  defaultOptions: { failOn: 'invalid', fix: false, dryRun: false },
  async run({ connector }) {
    const manifest = loadManifest(connector);
    if (manifest.errors.length) return { ok: false, verdict: 'invalid', summary: 'invalid: ' + manifest.errors[0].message, findings: manifest.errors };
    try {
      preprocessManifest(manifest.value!);
    } catch (e) {
      if (e instanceof ManifestReferenceError) return { ok: false, verdict: 'invalid', summary: `invalid: ${e.message}`, findings: [{ rule: 'reference', severity: 'error', message: e.message, file: join(connector.root, connector.manifestPath!) }] };
      throw e;
    }
    return { ok: true, verdict: 'ui', summary: 'ui', findings: [] };
  },
});
