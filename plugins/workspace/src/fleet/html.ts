import { shownVerdict, type Fleet, type FleetConnector } from './types';
import { blockingChart, migrationChart, VERDICT_COLORS } from './charts';
import { escapeHtml as esc, scriptJson } from './escape';
import { FLEET_CSS, FLEET_JS } from './page-assets';

/**
 * The fleet page: one static file with its CSS, script and SVG charts inline. The Content-Security-Policy
 * forbids every network fetch, so the page works from a CI artifact or a file:// URL and leaks nothing.
 */
export function renderFleetHtml(f: Fleet): string {
  const ready = f.connectors.filter((c) => c.verdict === 'ui').length;
  const checked = f.connectors.filter((c) => c.verdict).length;
  const catRun = f.cat.passed + f.cat.failed;
  const pct = f.migration.total ? Math.round((100 * f.migration.done) / f.migration.total) : 0;
  const options = (values: string[]) => values.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(f.title)}</title>
<style>${FLEET_CSS}</style>
</head>
<body>
<header>
  <h1>${esc(f.title)}</h1>
  <p class="muted">${f.connectors.length} connectors · generated ${esc(f.generatedAt.replace('T', ' ').slice(0, 16))} UTC</p>
</header>
<section class="kpis">
  <div class="kpi" data-kpi="migrated"><b>${f.migration.done}/${f.migration.total}</b><span>manifest connectors migrated to manifest-only (${pct}%)</span><div class="bar"><i style="width:${pct}%"></i></div></div>
  <div class="kpi" data-kpi="ui"><b>${ready}/${checked}</b><span>checked connectors import into the Builder UI</span></div>
  <div class="kpi" data-kpi="cat"><b>${f.cat.passed}/${catRun}</b><span>acceptance test runs passing (${f.cat.notRun} not run)</span></div>
</section>
<section class="charts">
  <figure><figcaption>Migration progress by layout</figcaption>${migrationChart(f)}</figure>
  <figure><figcaption>Most common blocking findings</figcaption>${blockingChart(f)}</figure>
</section>
<section>
  <div class="filters">
    <input id="q" type="search" placeholder="Filter: name, finding, version…" aria-label="Filter connectors">
    <select id="layout" aria-label="Layout"><option value="">all layouts</option>${options(f.layouts.map((l) => l.key))}</select>
    <select id="verdict" aria-label="Import verdict"><option value="">all verdicts</option>${options(f.verdicts.map((v) => v.key))}</select>
    <select id="cat" aria-label="CAT result"><option value="">all CAT results</option>${options(['passed', 'failed', 'not run'])}</select>
    <span id="count" class="muted">${f.connectors.length} of ${f.connectors.length}</span>
  </div>
  <table id="fleet">
    <thead><tr><th data-sort="project">Connector</th><th data-sort="layout">Layout</th><th data-sort="verdict">Import</th><th>Blocking findings</th><th data-sort="cat">CAT</th><th data-sort="version">Version</th><th data-sort="changelog">Last changelog</th><th>Other stages</th></tr></thead>
    <tbody>
${f.connectors.map(renderRow).join('\n')}
    </tbody>
  </table>
  <p id="empty" class="muted" hidden>No connector matches the filter.</p>
</section>
<script type="application/json" id="fleet-data">${scriptJson(f)}</script>
<script>${FLEET_JS}</script>
</body>
</html>
`;
}

function renderRow(c: FleetConnector): string {
  const verdict = shownVerdict(c);
  const cat = c.cat ? (c.cat.ok ? 'passed' : 'failed') : 'not run';
  const catText = c.cat ? `${cat}${c.cat.passed + c.cat.failed + c.cat.skipped ? ` (${c.cat.passed}✔ ${c.cat.failed}✖${c.cat.skipped ? ` ${c.cat.skipped} skipped` : ''})` : ''}` : 'not run';
  const others = Object.entries(c.stages)
    .filter(([s]) => s !== 'import-check' && s !== 'cat')
    .map(([s, cell]) => `<span class="pill ${cell.ok ? 'ok' : 'bad'}" title="${esc(cell.summary)}">${esc(s)}${cell.detail ? `: ${esc(cell.detail)}` : ''}</span>`)
    .join(' ');
  const problems = c.problems.length ? ` <span class="warn" title="${esc(c.problems.join('\n'))}">⚠</span>` : '';
  const search = [c.project, c.name, c.layout, verdict, cat, c.version ?? '', ...c.blocking].join(' ').toLowerCase();
  return `<tr data-project="${esc(c.project)}" data-layout="${esc(c.layout)}" data-verdict="${esc(verdict)}" data-cat="${cat}" data-version="${esc(c.version ?? '')}" data-changelog="${esc(c.lastChangelogDate ?? '')}" data-search="${esc(search)}">`
    + `<td><b>${esc(c.project)}</b>${problems}<br><small class="muted">${esc(c.root)}</small></td>`
    + `<td class="nowrap">${esc(c.layout)}</td>`
    + `<td><span class="pill${verdict === 'n/a' ? ' na' : ''}" style="background:${VERDICT_COLORS[verdict] ?? '#607d8b'}" title="${esc(c.stages['import-check']?.summary ?? '')}">${esc(verdict)}</span></td>`
    + `<td>${c.blocking.map((r) => `<code>${esc(r)}</code>`).join(' ')}</td>`
    + `<td class="cat-${cat.replace(' ', '-')}" title="${esc(c.cat?.summary ?? '')}">${esc(catText)}</td>`
    + `<td>${esc(c.version ?? '—')}</td>`
    + `<td>${esc(c.lastChangelogDate ?? '—')}</td>`
    + `<td>${others}</td></tr>`;
}
