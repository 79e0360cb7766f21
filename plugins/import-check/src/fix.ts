/**
 * `--fix`: the seed's mechanical remedies, in one all-or-nothing change set: move a separate spec into
 * the manifest, inline `schemas/` files (shared `$ref`s expanded), then flatten nested config references
 * and the spec to match. The transforms live in @conveyor/manifest, shared with migrate.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Document } from 'yaml';
import { join } from 'node:path';
import { ChangeSet, loadManifest, loadSchemaFiles, loadSpecFile, type Connector, type YamlFile } from '@conveyor/connector';
import { documentTextLike, flattenConfig, inlineSchemas, inlineSpec, type TransformFinding } from '@conveyor/manifest';
import { separateSpec } from './checks';
import { flattenConfigFiles } from './config-files';

export interface FixPlan {
  changeSet: ChangeSet;
  /** What each step did or why it did nothing. */
  notes: TransformFinding[];
  steps: string[];
}

function loadSpecSafely(connector: Connector): YamlFile | undefined {
  try {
    return loadSpecFile(connector);
  } catch {
    return undefined;
  }
}

export function planFixes(connector: Connector): FixPlan | { error: string } {
  const loaded = loadManifest(connector);
  if (loaded.errors.length || !('doc' in loaded)) return { error: `cannot fix: ${loaded.errors[0]?.message ?? 'manifest unreadable'}` };
  const file = loaded as YamlFile<Record<string, unknown>>;
  const manifestFile = join(connector.root, connector.manifestPath!);
  const notes: TransformFinding[] = [];
  const steps: string[] = [];
  const changeSet = new ChangeSet(connector.root);
  let doc: Document = file.doc;
  // Positions in findings refer to the original text: the nodes a transform keeps carry their original
  // ranges (documents are cloned, not re-parsed), so every transform locates them with the one line counter.
  const lines: YamlFile['lines'] | undefined = file.lines;
  let changed = false;

  // A spec file moves in; one that repeats the manifest's own spec is deleted; one that differs is refused.
  let spec = separateSpec(connector, file.value);
  const specFile = connector.specPath ? loadSpecSafely(connector) : undefined;
  if (specFile && connector.specPath) {
    const r = inlineSpec({ doc, spec: { path: connector.specPath, value: specFile.value, error: specFile.errors[0] }, manifestFile, lines });
    notes.push(...r.findings);
    if (r.changed) {
      doc = r.doc;
      changed = true;
      spec = undefined;
      steps.push(file.value.spec === undefined ? `moved ${connector.specPath} into the manifest's spec` : `deleted ${connector.specPath}, a copy of the manifest's spec`);
      for (const d of r.deletes) changeSet.delete(d);
    }
  }

  if (connector.schemasDir) {
    const sourcePy = connector.packageDir && existsSync(join(connector.root, connector.packageDir, 'source.py')) ? readFileSync(join(connector.root, connector.packageDir, 'source.py'), 'utf8') : undefined;
    const r = inlineSchemas({ doc, schemaFiles: loadSchemaFiles(connector), schemasDir: connector.schemasDir, manifestFile, lines, sourcePy });
    notes.push(...r.findings);
    if (r.changed) {
      doc = r.doc;
      changed = true;
      steps.push(`inlined the schemas of ${connector.schemasDir}/`);
      for (const d of r.deletes) changeSet.delete(d);
    }
  }

  const flat = flattenConfig({ doc, specDoc: spec?.doc, manifestFile, specFile: spec?.file, lines });
  notes.push(...flat.findings);
  if (flat.changed) {
    doc = flat.doc;
    changed = true;
    steps.push(`flattened ${flat.renamed.map((r) => `config.${r.from.join('.')} → ${r.to}`).join(', ')}`);
    if (flat.specText !== undefined && connector.specPath) changeSet.write(connector.specPath, flat.specText);
    const configs = flattenConfigFiles(connector, flat.renamed);
    for (const c of configs) changeSet.write(c.path, c.content);
    if (configs.length) steps.push(`moved the same values in ${configs.map((c) => c.path).join(', ')}`);
    notes.push({
      rule: 'flatten-config',
      severity: 'warning',
      message: 'connections and secrets/config.json keep the nested shape: update secrets/config.json the same way, and release this as a breaking change (or add a config migration)',
    });
  }
  if (changed) changeSet.write(connector.manifestPath!, documentTextLike(flat.doc, file.text));
  return { changeSet, notes, steps };
}
