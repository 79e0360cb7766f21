/** The fleet view's data: one row per connector, and the counts the charts and the summary show. */
export interface StageCell {
  ok: boolean;
  summary: string;
  startedAt?: string;
  /** A few words for the table: release `0.1.6 → 0.2.0`, migrate `3 files (dry run)`. */
  detail?: string;
}

export interface FleetConnector {
  project: string;
  /** Connector folder relative to the workspace root. */
  root: string;
  name: string;
  kind: string;
  layout: string;
  version?: string;
  supportLevel?: string;
  lastChangelogDate?: string;
  lastChangelogVersion?: string;
  /** import-check verdict: ui | yaml-only | invalid. */
  verdict?: string;
  /** Rules of the error findings that keep the connector out of the Builder's UI. */
  blocking: string[];
  cat?: StageCell & { passed: number; failed: number; skipped: number };
  stages: Record<string, StageCell>;
  /** Why metadata.yaml or a report could not be read. */
  problems: string[];
}

export interface FleetCount {
  key: string;
  count: number;
}

export interface Fleet {
  title: string;
  generatedAt: string;
  connectors: FleetConnector[];
  layouts: FleetCount[];
  verdicts: FleetCount[];
  cat: { passed: number; failed: number; notRun: number };
  blockingFindings: (FleetCount & { connectors: string[] })[];
  /** manifest-only connectors out of those with a manifest (manifest-only + low-code). */
  migration: { done: number; total: number };
}

/** The import verdict as shown: the report's, `not run` where import-check applies but has no report, `n/a` elsewhere. */
export function shownVerdict(c: Pick<FleetConnector, 'verdict' | 'layout'>): string {
  if (c.verdict) return c.verdict;
  return c.layout === 'low-code' || c.layout === 'manifest-only' ? 'not run' : 'n/a';
}
