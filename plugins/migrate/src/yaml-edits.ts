/**
 * Comment-preserving edits of the YAML files a migration touches but does not regenerate:
 * metadata.yaml and acceptance-test-config.yml (Airbyte: UpdateManifestOnlyFiles in
 * migrate_to_manifest_only/pipeline.py).
 */
import { isMap, isScalar, isSeq, type Document, type YAMLMap } from 'yaml';
import { parseYaml, type Problem } from '@conveyor/connector';
import { documentText } from '@conveyor/manifest';

export interface EditResult {
  text: string;
  problems: Problem[];
}

/** Set a scalar in place, keeping the node (and so its quoting and comments) when there is one. */
function setScalar(doc: Document, path: (string | number)[], value: unknown): void {
  const node = doc.getIn(path, true);
  if (isScalar(node)) node.value = value;
  else doc.setIn(path, value);
}

/**
 * metadata.yaml for manifest-only: every `language:*` tag replaced by `language:manifest-only` (appended, other
 * tags such as `cdk:low-code` kept in place), PyPI publishing disabled where configured, the base image set.
 */
export function editMetadataForManifestOnly(text: string, file: string, baseImage: string): EditResult {
  const y = parseYaml(text, file);
  if (y.errors.length) return { text, problems: y.errors };
  const doc = y.doc;
  const problems: Problem[] = [];
  const data = doc.get('data', true);
  if (!isMap(data)) return { text, problems: [{ rule: 'metadata', severity: 'error', message: 'expected `data:` to be a mapping', file }] };
  const tags = data.get('tags', true);
  if (isSeq(tags)) {
    tags.items = tags.items.filter((t) => !(isScalar(t) && typeof t.value === 'string' && t.value.startsWith('language:')));
    tags.add(doc.createNode('language:manifest-only'));
  } else data.set('tags', doc.createNode(['language:manifest-only']));
  if (doc.getIn(['data', 'remoteRegistries', 'pypi']) !== undefined) setScalar(doc, ['data', 'remoteRegistries', 'pypi', 'enabled'], false);
  const buildOptions = data.get('connectorBuildOptions', true);
  if (buildOptions !== undefined && !isMap(buildOptions))
    problems.push({ rule: 'metadata', severity: 'error', message: '`data.connectorBuildOptions` must be a mapping', file });
  else setScalar(doc, ['data', 'connectorBuildOptions', 'baseImage'], baseImage);
  return { text: documentText(doc), problems };
}

/**
 * acceptance-test-config.yml: the spec test's `spec_path` points at manifest.yaml. Airbyte set it on the first
 * spec test (`acceptance_tests.spec.tests[0]`, or `tests.spec[0]` in the legacy format); every spec test
 * that names a spec file is pointed there, since the file it named is deleted.
 */
export function editAcceptanceConfig(text: string, file: string, specPath: string): EditResult {
  const y = parseYaml(text, file);
  if (y.errors.length) return { text, problems: y.errors };
  const doc = y.doc;
  const modern = doc.getIn(['acceptance_tests', 'spec', 'tests'], true);
  const legacy = doc.getIn(['tests', 'spec'], true);
  const tests = isSeq(modern) ? modern : isSeq(legacy) ? legacy : undefined;
  if (!tests || tests.items.length === 0) {
    return { text, problems: [{ rule: 'acceptance-config', severity: 'info', message: 'no spec test to point at manifest.yaml; left as it is', file }] };
  }
  tests.items.forEach((item, i) => {
    if (!isMap(item)) return;
    const current = (item as YAMLMap).get('spec_path');
    if (i === 0 || current !== undefined) {
      const node = (item as YAMLMap).get('spec_path', true);
      if (isScalar(node)) node.value = specPath;
      else (item as YAMLMap).set('spec_path', specPath);
    }
  });
  return { text: documentText(doc), problems: [] };
}

/** Remove the Builder's `metadata` field from a manifest (the seed's "remove the `metadata` field"). */
export function removeBuilderMetadata(doc: Document): boolean {
  if (!isMap(doc.contents) || !doc.has('metadata')) return false;
  doc.delete('metadata');
  return true;
}
