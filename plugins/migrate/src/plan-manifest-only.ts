/**
 * Airbyte's `airbyte-ci connectors migrate-to-manifest-only` (reference §3), as its real commits show it:
 * the manifest moves to the connector root, flattened (references resolved, `$parameters` folded in and
 * removed) with spec and schemas inline; everything outside Airbyte's keep list is deleted; metadata.yaml
 * gets `language:manifest-only`, PyPI off and the source-declarative-manifest base image; the acceptance
 * tests read the spec from manifest.yaml; README.md is regenerated. Custom components move to a root
 * components.py (what Airbyte does today) unless `customComponents: refuse`.
 * The version bump and changelog row of Airbyte's commits are the release stage's job.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ChangeSet, locate, type Connector, type Problem } from '@conveyor/connector';
import { ManifestReferenceError } from '@conveyor/manifest';
import { findCustomComponents, planComponentsMove, refuseCustomComponents, renameClasses } from './custom-components';
import { emitYaml } from './emit-yaml';
import { flattenManifest } from './flatten';
import { checkSourcePy, readStartingManifest, sourcePyOverrides } from './read-manifest';
import { renderReadme } from './readme';
import { editAcceptanceConfig, editMetadataForManifestOnly } from './yaml-edits';
import type { MigrateOptions } from './options';
import type { Plan } from './plan';

/** Root entries Airbyte kept (MANIFEST_ONLY_KEEP_FILES), plus what the migration writes. */
const KEEP = new Set(['manifest.yaml', 'metadata.yaml', 'icon.svg', 'integration_tests', 'acceptance-test-config.yml', 'secrets', 'README.md', 'components.py']);
/** Files allowed in source_<pkg>/ (MANIFEST_ONLY_COMPATIBLE_FILES); schemas/ goes inline here first. */
const PACKAGE_FILES = new Set(['manifest.yaml', 'run.py', '__init__.py', 'source.py', 'spec.json', 'spec.yaml']);

export function planManifestOnly(connector: Connector, o: MigrateOptions, workspaceRoot: string): Plan {
  const changeSet = new ChangeSet(connector.root);
  const pkg = connector.packageDir!;
  const manifestFile = join(connector.root, connector.manifestPath!);
  const findings: Problem[] = [...checkSourcePy(connector)];
  if (findings.length) return { changeSet, findings, blocked: true };

  const start = readStartingManifest(connector, { from: o.from, dropMetadata: false, workspaceRoot });
  findings.push(...start.findings);
  if (start.blocked) return { changeSet, findings, blocked: true };

  const custom = findCustomComponents(start.file);
  const keepCustom = (o.customComponents ?? 'keep') === 'keep';
  if (custom.length && !keepCustom) return { changeSet, findings: [...findings, ...refuseCustomComponents(custom, manifestFile, connector)], blocked: true };
  const move = planComponentsMove(connector, custom, manifestFile);
  findings.push(...move.problems);

  const unknown = packageLeftovers(connector, pkg, new Set([...start.deletes, ...move.modules]));
  for (const f of unknown) {
    // A schema no stream uses goes with the package (Airbyte's migration deleted it too): worth a warning, not a stop.
    const unusedSchema = connector.schemasDir && f.startsWith(connector.schemasDir + '/');
    findings.push(
      unusedSchema
        ? { rule: 'unused-schema', severity: 'warning', message: `${f} is used by no stream and is deleted with ${pkg}/`, file: join(connector.root, f) }
        : { rule: 'unrecognized-file', severity: 'error', message: `${f} is not part of a declarative connector and would be deleted`, file: join(connector.root, f), fix: 'move what it does into the manifest, or delete it yourself first' },
    );
  }
  if (findings.some((f) => f.severity === 'error')) return { changeSet, findings, blocked: true };

  let flat;
  try {
    flat = flattenManifest(start.file.value, o.manifestVersion);
  } catch (e) {
    if (!(e instanceof ManifestReferenceError)) throw e;
    return { changeSet, findings: [...findings, { rule: 'reference', severity: 'error', message: e.message, file: manifestFile, ...locate(start.file, e.path) }], blocked: true };
  }
  for (const u of flat.unresolved)
    findings.push({ rule: 'parameters', severity: 'warning', message: `${u.path.join('.')}: ${JSON.stringify(u.text)} reads a parameter that is not set here; it reads nothing once $parameters are removed`, file: manifestFile });
  const manifest = renameClasses(flat.manifest, move.rename);
  if (!manifest.spec)
    findings.push({ rule: 'spec', severity: 'warning', message: 'no spec in the manifest nor a spec file: the manifest-only connector would answer `spec` with nothing', file: manifestFile, fix: 'add `spec:` (connection_specification) to the manifest' });

  changeSet.write('manifest.yaml', emitYaml(manifest));
  if (move.from) changeSet.move(move.from, 'components.py');
  changeSet.delete(pkg);
  for (const entry of readdirSync(connector.root, { withFileTypes: true })) {
    if (KEEP.has(entry.name)) continue;
    // Tool caches (.venv, .pytest_cache …) are not part of the connector; Airbyte's checkout had none.
    if (entry.isDirectory() && entry.name.startsWith('.')) continue;
    changeSet.delete(entry.name);
  }
  findings.push(...sourcePyOverrides(connector, 'a manifest-only connector has no source.py'));
  const metadataText = readFileSync(connector.metadataFile, 'utf8');
  const metadata = editMetadataForManifestOnly(metadataText, connector.metadataFile, o.baseImage);
  findings.push(...metadata.problems);
  changeSet.write('metadata.yaml', metadata.text);
  const atc = join(connector.root, 'acceptance-test-config.yml');
  try {
    const edited = editAcceptanceConfig(readFileSync(atc, 'utf8'), atc, 'manifest.yaml');
    findings.push(...edited.problems);
    changeSet.write('acceptance-test-config.yml', edited.text);
  } catch {
    findings.push({ rule: 'acceptance-config', severity: 'info', message: 'no acceptance-test-config.yml: nothing to point at manifest.yaml', file: atc });
  }
  changeSet.write('README.md', renderReadme({ connector: connector.name, name: connector.metadata?.name ?? connector.name, docsPage: docsPage(connector), hasComponents: !!move.from }));
  return { changeSet, findings, blocked: findings.some((f) => f.severity === 'error') };
}

/** Files of source_<pkg>/ that neither Airbyte's compatible list nor this migration accounts for. */
function packageLeftovers(connector: Connector, pkg: string, handled: Set<string>): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(connector.root, rel), { withFileTypes: true })) {
      const path = `${rel}/${e.name}`;
      if ([...handled].some((h) => path === h || path.startsWith(h + '/'))) continue;
      if (e.name === '__pycache__' || e.name.endsWith('.pyc')) continue;
      if (e.isDirectory()) walk(path);
      else if (!(rel === pkg && PACKAGE_FILES.has(e.name))) out.push(path);
    }
  };
  walk(pkg);
  return out;
}

function docsPage(connector: Connector): string {
  if (connector.docsPath && connector.repoRoot) return relative(connector.repoRoot, connector.docsPath).split('\\').join('/');
  const m = /^https?:\/\/[^/]+\/(integrations\/.+?)\/?$/.exec(connector.metadata?.documentationUrl ?? '');
  return m ? `docs/${m[1]}.md` : `docs/integrations/${connector.kind === 'destination' ? 'destination' : 'source'}s/${connector.name.replace(/^(source|destination)-/, '')}.md`;
}
