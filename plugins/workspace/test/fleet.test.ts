import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConnector } from '@conveyor/connector';
import { collectFleet } from '../src/fleet/collect';
import { renderFleetHtml } from '../src/fleet/html';
import { writeFleet } from '../src/fleet/write';
import { fleetReportExecutor } from '../src/fleet/executor';
import type { Fleet } from '../src/fleet/types';
import { corpusFleet, MIGRATED, type CorpusFleet } from './fleet-corpus';

let ws: CorpusFleet;
let fleet: Fleet;
beforeAll(async () => {
  ws = await corpusFleet();
  fleet = collectFleet({ workspaceRoot: ws.dir, connectors: ws.projects });
});
afterAll(() => ws?.cleanup());

const importReport = (project: string) => JSON.parse(readFileSync(join(ws.dir, 'dist/conveyor', project, 'import-check.json'), 'utf8'));

describe('fleet data from the real 2024-06 fleet', () => {
  it('has one row per connector with its layout, version and import verdict', () => {
    expect(fleet.connectors.map((c) => c.project)).toEqual(ws.projects.map((p) => p.project).sort());
    for (const row of fleet.connectors) {
      const c = readConnector(join(ws.dir, row.root));
      expect(row.layout, row.project).toBe(c.layout);
      expect(row.version, row.project).toBe(c.metadata?.dockerImageTag);
      if (c.layout === 'low-code' || c.layout === 'manifest-only') expect(row.verdict, row.project).toBe(importReport(row.project).verdict);
      else expect(row.verdict).toBeUndefined();
    }
    expect(fleet.migration).toEqual({ done: MIGRATED.length, total: fleet.connectors.filter((c) => c.layout === 'low-code' || c.layout === 'manifest-only').length });
    expect(fleet.layouts.find((l) => l.key === 'manifest-only')?.count).toBe(MIGRATED.length);
  });

  it('counts as blocking only what keeps a connector out of the UI, never what the import merely loses', () => {
    const rules = new Map<string, number>();
    for (const row of fleet.connectors.filter((c) => c.verdict && c.verdict !== 'ui')) {
      const blocking = new Set<string>(importReport(row.project).findings.filter((f: { impact: string }) => f.impact === 'yaml-only' || f.impact === 'invalid').map((f: { rule: string }) => f.rule));
      for (const r of blocking) rules.set(r, (rules.get(r) ?? 0) + 1);
    }
    expect(fleet.blockingFindings.length).toBeGreaterThan(0);
    expect(Object.fromEntries(fleet.blockingFindings.map((b) => [b.key, b.count]))).toEqual(Object.fromEntries(rules));
    expect(fleet.blockingFindings.map((b) => b.count)).toEqual([...fleet.blockingFindings.map((b) => b.count)].sort((a, b) => b - a));
    // spec-separate is everywhere in the 2024 fleet but only costs the inputs on import.
    expect(fleet.blockingFindings.some((b) => b.key === 'spec-separate')).toBe(false);
  });

  it('reads the last changelog date from the docs page and CAT results from reports, reporting a broken report', () => {
    const row = (p: string) => fleet.connectors.find((c) => c.project === p)!;
    expect(row('source-smartengage')).toMatchObject({ lastChangelogDate: '2024-06-22', lastChangelogVersion: '0.1.6' });
    expect(row('source-smartengage').cat).toMatchObject({ ok: true, passed: 3, failed: 0, skipped: 1 });
    expect(row('source-smartengage').stages.release).toMatchObject({ ok: true, detail: '0.1.6 → 0.2.0' });
    expect(row('source-smartengage').stages.migrate).toMatchObject({ ok: true, detail: '4 file(s) (dry run)' });
    expect(row('source-gnews').cat).toMatchObject({ ok: false, passed: 1, failed: 1 });
    expect(row('source-github').cat).toMatchObject({ ok: true, passed: 12, skipped: 3 });
    expect(row('source-rss').cat).toBeUndefined();
    expect(row('source-rss').problems.join('\n')).toMatch(/dist\/conveyor\/source-rss\/cat\.json: not valid JSON/);
    expect(row('source-broken-meta')).toMatchObject({ layout: 'unknown', version: undefined });
    expect(row('source-broken-meta').problems.join('\n')).toMatch(/metadata\.yaml:\d+: missing `data\.dockerRepository`/);
    expect(fleet.cat).toEqual({ passed: 2, failed: 1, notRun: fleet.connectors.length - 3 });
  });

  it('writes the page, the JSON and a Markdown summary through the executor', async () => {
    const out = await fleetReportExecutor({}, { root: ws.dir, projectsConfigurations: { projects: Object.fromEntries([...ws.projects.map((p) => [p.project, { root: p.root }]), ['workspace', { root: '.' }]]) } });
    expect(out.success).toBe(true);
    const dir = join(ws.dir, 'dist/conveyor/fleet');
    const json = JSON.parse(readFileSync(join(dir, 'fleet.json'), 'utf8'));
    expect(json.connectors).toHaveLength(ws.projects.length);
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(md).toContain(`| manifest-only | ${MIGRATED.length} |`);
    expect(md).toContain(`| \`${fleet.blockingFindings[0].key}\` | ${fleet.blockingFindings[0].count} |`);
    expect(md).toMatch(/- \*\*source-gnews\*\* \(low-code\) — .*cat: basic_read: no records/);
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html.match(/<tr data-project=/g)).toHaveLength(ws.projects.length);
    // Self-contained: nothing is loaded from anywhere.
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    expect(html).toContain("default-src 'none'");
  });
});

describe('fleet page escaping', () => {
  it('never lets report text become markup or end the data script', () => {
    const evil = '</script><img src=x onerror=alert(1)>';
    const page = renderFleetHtml({
      title: 'T',
      generatedAt: '2024-01-01T00:00:00.000Z',
      connectors: [{ project: 'source-x', root: 'c/source-x', name: evil, kind: 'source', layout: 'low-code', blocking: [evil], stages: { 'import-check': { ok: false, summary: evil } }, problems: [evil], verdict: 'invalid' }],
      layouts: [{ key: 'low-code', count: 1 }],
      verdicts: [{ key: 'invalid', count: 1 }],
      cat: { passed: 0, failed: 0, notRun: 1 },
      blockingFindings: [{ key: evil, count: 1, connectors: ['source-x'] }],
      migration: { done: 0, total: 1 },
    });
    expect(page).not.toContain('<img src=x');
    expect(page.match(/<\/script>/g)).toHaveLength(2);
  });
});
