import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readConnector } from '@conveyor/connector';
import { shownVerdict, type Fleet, type FleetConnector, type FleetCount } from './types';
import { lastChangelogEntry } from './changelog';
import { catCounts } from './cat-counts';

export interface CollectOptions {
  workspaceRoot: string;
  /** Connector folders (absolute or relative to the workspace root) with the Nx project name of each. */
  connectors: { project: string; root: string }[];
  /** Folder of `<project>/<stage>.json` reports; default `<workspaceRoot>/dist/conveyor`. */
  reportsDir?: string;
  title?: string;
  now?: Date;
}

/** Read every connector's metadata, docs page and stage reports into the fleet view's data. */
export function collectFleet(o: CollectOptions): Fleet {
  const reportsDir = o.reportsDir ?? join(o.workspaceRoot, 'dist', 'conveyor');
  const connectors = o.connectors
    .map((c) => readOne(o.workspaceRoot, c.project, c.root, reportsDir))
    .sort((a, b) => a.project.localeCompare(b.project));
  return summarize(connectors, o.title ?? 'Conveyor fleet', (o.now ?? new Date()).toISOString());
}

function readOne(workspaceRoot: string, project: string, root: string, reportsDir: string): FleetConnector {
  const abs = root.startsWith('/') ? root : join(workspaceRoot, root);
  const c = readConnector(abs);
  const problems = c.metadataErrors.map((p) => `${relative(workspaceRoot, p.file ?? abs)}${p.line ? `:${p.line}` : ''}: ${p.message}`);
  const row: FleetConnector = {
    project,
    root: relative(workspaceRoot, abs).split('\\').join('/'),
    name: c.metadata?.name ?? c.name,
    kind: c.kind,
    layout: c.layout,
    version: c.metadata?.dockerImageTag,
    supportLevel: c.metadata?.supportLevel,
    blocking: [],
    stages: {},
    problems,
  };
  if (c.docsPath) {
    const entry = lastChangelogEntry(readFileSync(c.docsPath, 'utf8'));
    row.lastChangelogDate = entry?.date;
    row.lastChangelogVersion = entry?.version;
  }
  const dir = join(reportsDir, project);
  if (!existsSync(dir)) return row;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    let report: Record<string, unknown>;
    try {
      report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (e) {
      row.problems.push(`${relative(workspaceRoot, join(dir, file))}: not valid JSON: ${(e as Error).message}`);
      continue;
    }
    if (!report || typeof report !== 'object' || typeof report.ok !== 'boolean') {
      row.problems.push(`${relative(workspaceRoot, join(dir, file))}: expected a stage report with a boolean \`ok\``);
      continue;
    }
    const stage = typeof report.stage === 'string' ? report.stage : file.replace(/\.json$/, '');
    const cell = { ok: report.ok, summary: String(report.summary ?? ''), startedAt: typeof report.startedAt === 'string' ? report.startedAt : undefined, detail: detailOf(report) };
    row.stages[stage] = cell;
    if (stage === 'import-check') {
      row.verdict = typeof report.verdict === 'string' ? report.verdict : report.ok ? 'ui' : 'invalid';
      const findings = Array.isArray(report.findings) ? (report.findings as ReportFinding[]) : [];
      if (row.verdict !== 'ui') row.blocking = [...new Set(findings.filter(isBlocking).map((f) => f.rule ?? 'unspecified'))];
    }
    if (stage === 'cat') row.cat = { ...cell, ...catCounts(report.tests) };
  }
  return row;
}

/** The stage fields worth a glance: a release's versions, a migration's file count. */
function detailOf(report: Record<string, unknown>): string | undefined {
  const dry = report.dryRun === true ? ' (dry run)' : '';
  if (typeof report.from === 'string' && typeof report.to === 'string') return `${report.from} → ${report.to}${report.breaking && Array.isArray(report.breaking) && report.breaking.length ? ' breaking' : ''}${dry}`;
  if (Array.isArray(report.changes)) return `${report.changes.length} file(s)${dry}`;
  return undefined;
}

interface ReportFinding {
  rule?: string;
  severity?: string;
  impact?: string;
}

/**
 * A finding keeps the connector out of the Builder UI when import-check says its impact is `invalid` or
 * `yaml-only` (a `loss` only drops something on import); reports without impacts count their errors.
 */
function isBlocking(f: ReportFinding): boolean {
  return f.impact !== undefined ? f.impact === 'invalid' || f.impact === 'yaml-only' : f.severity === 'error';
}

function summarize(connectors: FleetConnector[], title: string, generatedAt: string): Fleet {
  const count = (keys: string[]): FleetCount[] => {
    const m = new Map<string, number>();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    return [...m].map(([key, n]) => ({ key, count: n })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  };
  const blocking = new Map<string, string[]>();
  for (const c of connectors) for (const rule of c.blocking) blocking.set(rule, [...(blocking.get(rule) ?? []), c.project]);
  const layoutOrder = ['manifest-only', 'low-code', 'python', 'java', 'unknown'];
  return {
    title,
    generatedAt,
    connectors,
    layouts: count(connectors.map((c) => c.layout)).sort((a, b) => layoutOrder.indexOf(a.key) - layoutOrder.indexOf(b.key)),
    verdicts: count(connectors.map(shownVerdict)),
    cat: {
      passed: connectors.filter((c) => c.cat?.ok).length,
      failed: connectors.filter((c) => c.cat && !c.cat.ok).length,
      notRun: connectors.filter((c) => !c.cat).length,
    },
    blockingFindings: [...blocking]
      .map(([key, list]) => ({ key, count: list.length, connectors: list }))
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)),
    migration: {
      done: connectors.filter((c) => c.layout === 'manifest-only').length,
      total: connectors.filter((c) => c.layout === 'manifest-only' || c.layout === 'low-code').length,
    },
  };
}
