/**
 * Compute a migration without writing anything: a change set (applied later, all or nothing) and the
 * findings that explain it or block it.
 */
import { join, resolve } from 'node:path';
import { ChangeSet, loadManifest, parseYaml, type Connector, type Problem } from '@conveyor/connector';
import { readFileSync, existsSync } from 'node:fs';
import { documentText } from '@conveyor/manifest';
import { checkOptions, type MigrateOptions } from './options';
import { planManifestOnly } from './plan-manifest-only';
import { planPackage } from './plan-package';
import { removeBuilderMetadata } from './yaml-edits';

export interface Plan {
  changeSet: ChangeSet;
  findings: Problem[];
  /** Something must be fixed first; the change set is not to be applied. */
  blocked: boolean;
}

export function planMigration(connector: Connector, o: MigrateOptions, workspaceRoot: string): Plan {
  const optionErrors = checkOptions(o);
  if (optionErrors.length)
    return { changeSet: new ChangeSet(connector.root), blocked: true, findings: optionErrors.map((message) => ({ rule: 'options', severity: 'error', message })) };
  if (connector.layout === 'manifest-only') return planAlreadyManifestOnly(connector, o, workspaceRoot);
  if (connector.layout !== 'low-code' || !connector.packageDir || !connector.manifestPath)
    return {
      changeSet: new ChangeSet(connector.root),
      blocked: true,
      findings: [{ rule: 'layout', severity: 'error', message: `a ${connector.layout} connector has no manifest to migrate (expected source_<pkg>/manifest.yaml)`, file: connector.root }],
    };
  // manifest-only rewrites metadata.yaml, so it has to be readable first.
  if (o.layout === 'manifest-only' && connector.metadataErrors.length) return { changeSet: new ChangeSet(connector.root), blocked: true, findings: connector.metadataErrors };
  return o.layout === 'manifest-only' ? planManifestOnly(connector, o, workspaceRoot) : planPackage(connector, o, workspaceRoot);
}

/**
 * Already manifest-only: the layout steps have nothing to do. `--from` still replaces the manifest
 * (without the Builder's `metadata`); asking for the package layout is refused, there is no way back.
 */
function planAlreadyManifestOnly(connector: Connector, o: MigrateOptions, workspaceRoot: string): Plan {
  const changeSet = new ChangeSet(connector.root);
  if (o.layout === 'package')
    return {
      changeSet,
      blocked: true,
      findings: [{ rule: 'layout', severity: 'error', message: 'already manifest-only: moving back to the package layout is not supported', file: join(connector.root, 'manifest.yaml') }],
    };
  if (!o.from) {
    const m = loadManifest(connector);
    return { changeSet, findings: m.errors, blocked: m.errors.length > 0 };
  }
  const abs = resolve(workspaceRoot, o.from);
  if (!existsSync(abs)) return { changeSet, blocked: true, findings: [{ rule: 'from', severity: 'error', message: `--from ${o.from}: no such file (expected a manifest exported from the Connector Builder)`, file: abs }] };
  const exported = parseYaml(readFileSync(abs, 'utf8'), abs);
  if (exported.errors.length) return { changeSet, findings: exported.errors, blocked: true };
  const findings: Problem[] = [];
  if (removeBuilderMetadata(exported.doc)) findings.push({ rule: 'builder-metadata', severity: 'info', message: 'removed the Connector Builder’s `metadata` field', file: abs });
  changeSet.write('manifest.yaml', documentText(exported.doc));
  return { changeSet, findings, blocked: false };
}
