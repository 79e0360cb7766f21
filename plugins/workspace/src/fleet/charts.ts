import { shownVerdict, type Fleet } from './types';
import { escapeHtml as esc } from './escape';

export const VERDICT_COLORS: Record<string, string> = { ui: '#2e7d32', 'yaml-only': '#ef8f00', invalid: '#c62828', 'not run': '#9e9e9e', 'n/a': '#cfd4da' };
const VERDICT_ORDER = ['ui', 'yaml-only', 'invalid', 'not run', 'n/a'];

/**
 * Migration progress: one stacked bar per layout, split by import-check verdict, so the page shows both how
 * many connectors are manifest-only already and how many low-code ones the Builder would take today.
 */
export function migrationChart(f: Fleet): string {
  const width = 560;
  const label = 120;
  const row = 34;
  const top = 10;
  const max = Math.max(1, ...f.layouts.map((l) => l.count));
  const scale = (width - label - 50) / max;
  const rows = f.layouts.map((l, i) => {
    const y = top + i * row;
    let x = label;
    const segments = VERDICT_ORDER.map((v) => {
      const n = f.connectors.filter((c) => c.layout === l.key && shownVerdict(c) === v).length;
      if (!n) return '';
      const w = n * scale;
      const rect = `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="22" fill="${VERDICT_COLORS[v] ?? '#607d8b'}" data-layout="${esc(l.key)}" data-verdict="${esc(v)}" data-count="${n}"><title>${esc(l.key)} · ${esc(v)}: ${n}</title></rect>`;
      x += w;
      return rect;
    }).join('');
    return `<text x="${label - 8}" y="${y + 16}" text-anchor="end" class="axis">${esc(l.key)}</text>${segments}<text x="${(x + 6).toFixed(1)}" y="${y + 16}" class="value">${l.count}</text>`;
  });
  const height = top + Math.max(1, f.layouts.length) * row + 34;
  const legendY = height - 14;
  const legend = VERDICT_ORDER.map((v, i) => `<rect x="${label + i * 86}" y="${legendY - 10}" width="12" height="12" fill="${VERDICT_COLORS[v]}"/><text x="${label + i * 86 + 17}" y="${legendY}" class="legend">${v}</text>`).join('');
  const ready = f.connectors.filter((c) => c.layout === 'low-code' && c.verdict === 'ui').length;
  const note =
    `<text x="0" y="${height + 4}" class="note">${f.migration.done} of ${f.migration.total} manifest connectors are manifest-only;</text>` +
    `<text x="0" y="${height + 20}" class="note">${ready} low-code connector(s) import into the UI today and can migrate as they are.</text>`;
  return svg('migration', `Connectors by layout and import verdict; ${f.migration.done} of ${f.migration.total} manifest connectors are manifest-only`, width, height + 28, rows.join('') + legend + note);
}

/** The import-check rules that most often keep connectors out of the Builder's UI. */
export function blockingChart(f: Fleet, limit = 10): string {
  const items = f.blockingFindings.slice(0, limit);
  const width = 560;
  const label = 210;
  const row = 28;
  if (!items.length) return svg('blocking', 'No blocking findings', width, 40, `<text x="10" y="24" class="axis">No blocking findings: every checked connector imports into the UI.</text>`);
  const max = Math.max(...items.map((b) => b.count));
  const scale = (width - label - 40) / max;
  const bars = items
    .map((b, i) => {
      const y = 8 + i * row;
      const w = b.count * scale;
      return `<text x="${label - 8}" y="${y + 14}" text-anchor="end" class="axis">${esc(truncate(b.key, 30))}</text><rect x="${label}" y="${y}" width="${w.toFixed(1)}" height="18" fill="#c62828" data-rule="${esc(b.key)}" data-count="${b.count}"><title>${esc(b.key)}: ${b.count} connector(s): ${esc(b.connectors.join(', '))}</title></rect><text x="${(label + w + 6).toFixed(1)}" y="${y + 14}" class="value">${b.count}</text>`;
    })
    .join('');
  return svg('blocking', `Most common blocking findings (top ${items.length})`, width, 16 + items.length * row, bars);
}

function svg(name: string, label: string, width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" data-chart="${name}" role="img" aria-label="${esc(label)}" viewBox="0 0 ${width} ${height}" width="100%" style="max-width:${width}px"><title>${esc(label)}</title>${body}</svg>`;
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}
