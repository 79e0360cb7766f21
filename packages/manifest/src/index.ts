import { resolveReferences, type ManifestPath } from './references';
import { propagateTypesAndParameters } from './components';

export * from './references';
export * from './components';

export type Manifest = Record<string, unknown>;

/**
 * What the CDK does before validating a manifest: add `type: DeclarativeSource` when missing, resolve
 * references, then propagate types and `$parameters` (concurrent_declarative_source.py).
 */
export function preprocessManifest(manifest: Manifest, origins?: WeakMap<object, ManifestPath>): Manifest {
  const typed = 'type' in manifest ? manifest : { type: 'DeclarativeSource', ...manifest };
  if (origins && typed !== manifest) origins.set(typed, []);
  const resolved = resolveReferences(typed, origins);
  return propagateTypesAndParameters('', resolved, {}, false, origins);
}
export * from './transforms/yaml-nodes';
export * from './transforms/schema-refs';
export * from './transforms/inline-schemas';
export * from './transforms/inline-spec';
export * from './config-refs';
export * from './schema-validation';
export * from './schema-messages';
export * from './custom-components';
export * from './builder-matrix';
export * from './builder-auth';
export * from './transforms/flatten-config';
export * from './source-paths';
