import semver from 'semver';
import { findChangelogTable, type ChangelogTable } from './changelog-table';

export const PR_PLACEHOLDER = '*PR_NUMBER_PLACEHOLDER*';

export interface ChangelogEntry {
  version: string;
  /** YYYY-MM-DD */
  date: string;
  /** PR number; undefined → Airbyte's placeholder, filled in when the PR exists. */
  pr?: number | string;
  message: string;
}

export interface ChangelogResult {
  text: string;
  /** What happened, for the report. */
  action: 'added-row' | 'created-section' | 'created-table' | 'already-present';
  /** 1-based line of the new row in the result. */
  line?: number;
}

/** A cell-safe subject: one line, pipes escaped, no padding (Airbyte's row regex rejects surrounding spaces). */
function subjectCell(message: string): string {
  return message.replace(/\s*\r?\n\s*/g, ' ').replace(/(?<!\\)\|/g, '\\|').trim();
}

function prCell(pr: ChangelogEntry['pr'], repo: string): string {
  const n = pr === undefined || pr === '' ? PR_PLACEHOLDER : String(pr);
  return `[${n}](https://github.com/${repo}/pull/${n})`;
}

/** One row in Airbyte's rendering: `| v | date | [N](…/pull/N) | subject |`, cells unpadded, whatever the header's widths. */
export function renderRow(entry: ChangelogEntry, table: Pick<ChangelogTable, 'columns' | 'trailingPipe' | 'indent' | 'prRepo'>): string {
  const cells = table.columns.map((role) => {
    if (role === 'version') return entry.version;
    if (role === 'date') return entry.date;
    if (role === 'pr') return prCell(entry.pr, table.prRepo);
    if (role === 'subject') return subjectCell(entry.message);
    return '';
  });
  return `${table.indent}| ${cells.join(' | ')}${table.trailingPipe ? ' |' : ''}`;
}

/** Where the new row goes so the table stays sorted (by version, newest first unless the table runs oldest first). */
function insertionLine(table: ChangelogTable, entry: ChangelogEntry): number {
  for (const row of table.rows) {
    if (!row.version) continue;
    const cmp = semver.compare(entry.version, row.version);
    // Ties (a re-released version) go by date, as Airbyte's sort does.
    const after = cmp === 0 ? (entry.date >= (row.date ?? '') ? 1 : -1) : cmp;
    if (table.order === 'desc' ? after > 0 : after < 0) return row.line;
  }
  return table.end;
}

const TEMPLATE_HEADER = ['| Version | Date | Pull Request | Subject |', '|:--------|:-----|:-------------|:--------|'];

/**
 * Add one changelog row, changing nothing else on the page: no other row is re-aligned. A page with a heading
 * but no table gets Airbyte's table under it; a page without a changelog gets Airbyte's whole section at the end.
 * A row for the same version already there makes this a no-op (a re-run must not add a second row).
 */
export function addChangelogEntry(page: string, entry: ChangelogEntry): ChangelogResult {
  const nl = page.includes('\r\n') ? '\r\n' : '\n';
  const lines = page.split(/\r?\n/);
  const table = findChangelogTable(lines);
  if (table) {
    if (table.rows.some((r) => r.version && semver.eq(r.version, entry.version))) return { text: page, action: 'already-present' };
    const at = insertionLine(table, entry);
    lines.splice(at, 0, renderRow(entry, table));
    return { text: lines.join(nl), action: 'added-row', line: at + 1 };
  }
  const row = renderRow(entry, { columns: ['version', 'date', 'pr', 'subject'], trailingPipe: true, indent: '', prRepo: 'airbytehq/airbyte' });
  const section = ['<details>', '  <summary>Expand to review</summary>', '', ...TEMPLATE_HEADER, row, '', '</details>'];
  const heading = lines.findIndex((l) => /^#{1,6}\s*change\s*log\s*$/i.test(l.trim()));
  if (heading >= 0) {
    // Keep whatever prose follows the heading; the table goes right under it, blank-line separated.
    const block = ['', ...section];
    if ((lines[heading + 1] ?? '').trim() !== '') block.push('');
    lines.splice(heading + 1, 0, ...block);
    return { text: lines.join(nl), action: 'created-table', line: lines.indexOf(row) + 1 };
  }
  // Drop trailing blank lines, then append the section with one blank line before it and a final newline.
  let last = lines.length;
  while (last > 0 && lines[last - 1].trim() === '') last--;
  const body = lines.slice(0, last);
  const out = [...body, ...(body.length ? [''] : []), '## Changelog', '', ...section, ''];
  return { text: out.join(nl), action: 'created-section', line: out.indexOf(row) + 1 };
}

/** Whether the page's changelog already lists `version`. */
export function changelogHasVersion(page: string, version: string): boolean {
  const table = findChangelogTable(page.split(/\r?\n/));
  return !!table?.rows.some((r) => r.version && semver.eq(r.version, version));
}

/**
 * Move this branch's unreleased row from `oldVersion` to `entry` (a re-bump before merge, e.g. patch → minor once a
 * breaking change shows up): one row removed, one added, so the PR still adds a single changelog row.
 */
export function replaceChangelogEntry(page: string, oldVersion: string, entry: ChangelogEntry): ChangelogResult {
  const nl = page.includes('\r\n') ? '\r\n' : '\n';
  const lines = page.split(/\r?\n/);
  const row = findChangelogTable(lines)?.rows.find((r) => r.version && semver.eq(r.version, oldVersion));
  if (!row) return addChangelogEntry(page, entry);
  lines.splice(row.line, 1);
  return addChangelogEntry(lines.join(nl), entry);
}
