/** Options of the `migrate` stage (schema.json says the same for Nx). */
export interface MigrateOptions {
  /** `package`: the seed's layout (manifest stays in source_<pkg>/); `manifest-only`: Airbyte's later layout. */
  layout: 'package' | 'manifest-only';
  /** Print the plan as a diff; write nothing (but the patch file in the report folder). */
  dryRun: boolean;
  /**
   * How a dry run prints its diff: `full`; `stat` (one line per file, the full diff in
   * dist/conveyor/<project>/migrate.diff); `auto`: full up to 1000 lines, else stat.
   */
  diff: 'auto' | 'full' | 'stat';
  /** Migrate even when the connector folder has uncommitted changes (or is not in a git repository). */
  allowDirty: boolean;
  /** A manifest exported from the Connector Builder that replaces the current one first (its `metadata` is dropped). */
  from?: string;
  /**
   * `keep`: move custom components along (manifest-only: a root components.py with `class_name`s rewritten
   * for the declarative image). `refuse`: stop and say which CDK component can replace each.
   * Default: `keep` for manifest-only, `refuse` for package (the seed requires replacing them first).
   */
  customComponents?: 'keep' | 'refuse';
  /** connectorBuildOptions.baseImage written for manifest-only; pinned, never looked up. */
  baseImage: string;
  /** Lowest manifest `version` a manifest-only connector gets (Airbyte's migration wrote 4.3.2). */
  manifestVersion: string;
}

/**
 * The newest source-declarative-manifest image in Airbyte's real migrations (corpus:
 * migrations/source-aircall/after/metadata.yaml, 2024-08-23). No registry is reachable from here,
 * so unlike Airbyte's pipeline (which asked Docker Hub for the latest tag) nothing is looked up at run time.
 */
export const DEFAULT_BASE_IMAGE =
  'docker.io/airbyte/source-declarative-manifest:4.5.4@sha256:b07a521add11f987c63c0db68c1b57e90bec0c985f1cb6f3c5a1940cde628a70';

/** What Airbyte's migrate-to-manifest-only set `version` to (pipeline.py@b067aaf8). */
export const DEFAULT_MANIFEST_VERSION = '4.3.2';

export const DEFAULT_OPTIONS: MigrateOptions = {
  layout: 'package',
  dryRun: false,
  diff: 'auto',
  allowDirty: false,
  baseImage: DEFAULT_BASE_IMAGE,
  manifestVersion: DEFAULT_MANIFEST_VERSION,
};

/** Options as they arrive from the command line or nx.json, checked; a message per bad value. */
export function checkOptions(o: MigrateOptions): string[] {
  const errors: string[] = [];
  if (o.layout !== 'package' && o.layout !== 'manifest-only') errors.push(`option layout must be "package" or "manifest-only", got ${JSON.stringify(o.layout)}`);
  if (!['auto', 'full', 'stat'].includes(o.diff)) errors.push(`option diff must be "auto", "full" or "stat", got ${JSON.stringify(o.diff)}`);
  if (o.customComponents !== undefined && o.customComponents !== 'keep' && o.customComponents !== 'refuse')
    errors.push(`option customComponents must be "keep" or "refuse", got ${JSON.stringify(o.customComponents)}`);
  if (!/^[\w.\-/:]+:[\w.\-]+@sha256:[0-9a-f]{64}$/.test(String(o.baseImage)))
    errors.push(`option baseImage must be pinned as <image>:<tag>@sha256:<digest>, e.g. ${DEFAULT_BASE_IMAGE}; got ${JSON.stringify(o.baseImage)}`);
  if (!/^\d+\.\d+\.\d+$/.test(String(o.manifestVersion))) errors.push(`option manifestVersion must be a version such as 4.3.2, got ${JSON.stringify(o.manifestVersion)}`);
  return errors;
}
