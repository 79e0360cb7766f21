import type { Connector, Layout, Problem } from '@conveyor/connector';

/** Which connectors a stage applies to; every listed dimension must match. */
export interface AppliesTo {
  layouts?: Layout[];
  kinds?: ('source' | 'destination')[];
}

/** What a plugin's package.json declares under `"conveyor"`: data only, so other stages can read it cheaply. */
export interface StageDescriptor {
  stage: string;
  description?: string;
  /** Stages that must run before this one on the same connector (when that connector has them). */
  after?: string[];
  appliesTo?: AppliesTo;
  cache?: boolean;
  /**
   * The stage rewrites the connector's sources (migrate): it runs only when asked for by name. A stage listing
   * it in `after` does not pull it in through `dependsOn` but depends on what it comes after, so running CATs
   * never migrates anything.
   */
  explicitOnly?: boolean;
  /** Executor name in the plugin's executors.json; default `run`. */
  executor?: string;
}

/** Plugin options as written in nx.json. */
export interface StagePluginOptions {
  targetName?: string;
  after?: string[];
  /** Globs of metadata.yaml files that make connectors; default Airbyte's two layouts. */
  connectorGlobs?: string[];
  /** Default executor options for every connector (a run's own flags still win). */
  options?: Record<string, unknown>;
}

export const DEFAULT_CONNECTOR_GLOBS = ['airbyte-integrations/connectors/*/metadata.yaml', 'connectors/*/metadata.yaml'];

/** What inference knows about a connector folder without running anything. */
export interface InferredConnector {
  name: string;
  root: string;
  layout: Layout;
  kind: 'source' | 'destination' | 'unknown';
  tags: string[];
  /** Why metadata.yaml could not be used; the project still exists so its stages can report it. */
  metadataError?: string;
  /** Why the project is not simply named after its folder (another connector folder has that name). */
  note?: string;
}

export interface StageContext<O> {
  connector: Connector;
  options: O;
  workspaceRoot: string;
  project: string;
  /** Folder of this connector's reports: `dist/conveyor/<project>`. */
  reportDir: string;
  log(line: string): void;
  /** Register a secret value: it is masked in the report and in all output. */
  addSecret(value: string): void;
}

export interface StageOutcome {
  ok: boolean;
  summary: string;
  findings?: Problem[];
  /** Stage-specific report fields (verdict, tests, changes, …). */
  [field: string]: unknown;
}

export interface StageReport extends StageOutcome {
  stage: string;
  project: string;
  findings: Problem[];
  startedAt: string;
  durationMs: number;
}
