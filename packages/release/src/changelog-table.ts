import semver from 'semver';

/** What a changelog column holds, recognised from its header cell. */
export type ColumnRole = 'version' | 'date' | 'pr' | 'subject' | 'other';

export interface ChangelogRow {
  /** Index in the page's lines. */
  line: number;
  cells: string[];
  /** The row's version when its version cell holds one (backticks allowed, as old pages write them). */
  version?: string;
  date?: string;
}

export interface ChangelogTable {
  /** Index of the `## Changelog` heading line, when there is one. */
  heading?: number;
  header: number;
  /** The `|:---|` line; undefined on old pages that go straight from header to rows. */
  delimiter?: number;
  /** First line after the table's rows. */
  end: number;
  columns: ColumnRole[];
  /** Whether the table's lines end with `|` (some old pages leave it off). */
  trailingPipe: boolean;
  /** Leading whitespace of the header line, repeated on new rows. */
  indent: string;
  rows: ChangelogRow[];
  /** Newest first (Airbyte's convention) or oldest first (a few old pages). */
  order: 'desc' | 'asc';
  /** `owner/repo` the PR links point at. */
  prRepo: string;
}

export const CHANGELOG_HEADING = /^#{1,6}\s*change\s*log\b/i;
const HEADING = /^#{1,6}\s/;
const DELIMITER = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)+\|?\s*$/;

/** Cells of a table line; `\|` is an escaped pipe inside a cell. */
export function splitCells(line: string): string[] {
  let body = line.trim();
  if (body.startsWith('|')) body = body.slice(1);
  if (body.endsWith('|') && !body.endsWith('\\|')) body = body.slice(0, -1);
  return body.split(/(?<!\\)\|/).map((c) => c.trim());
}

export function columnRole(cell: string): ColumnRole {
  const c = cell.toLowerCase();
  if (/version/.test(c)) return 'version';
  if (/date/.test(c)) return 'date';
  if (/pull|\bpr\b/.test(c)) return 'pr';
  if (/subject|note|description|change|comment|summary/.test(c)) return 'subject';
  return 'other';
}

function isHeader(line: string): boolean {
  if (!line.trimStart().startsWith('|')) return false;
  const roles = splitCells(line).map(columnRole);
  return roles.includes('version') && (roles.includes('date') || roles.includes('subject'));
}

export function versionOfCell(cell: string): string | undefined {
  const v = cell.replace(/[`*]/g, '').trim();
  return semver.valid(v) ?? undefined;
}

/**
 * The page's changelog table: the first version table under a `Changelog` heading, else the first version table
 * anywhere (pages that lost their heading). Undefined when the page has none.
 */
export function findChangelogTable(lines: string[]): ChangelogTable | undefined {
  const heading = lines.findIndex((l) => CHANGELOG_HEADING.test(l.trim()));
  const candidates: number[] = [];
  if (heading >= 0) {
    for (let i = heading + 1; i < lines.length && !(HEADING.test(lines[i]) && headingLevel(lines[i]) <= headingLevel(lines[heading])); i++) if (isHeader(lines[i])) candidates.push(i);
  }
  if (!candidates.length) {
    const anywhere = lines.findIndex((l, i) => isHeader(l) && DELIMITER.test(lines[i + 1] ?? ''));
    if (anywhere >= 0) candidates.push(anywhere);
  }
  // Old pages sometimes skip the delimiter row (source-avni); the header alone still marks the table.
  const header = candidates.find((i) => DELIMITER.test(lines[i + 1] ?? '')) ?? candidates[0];
  if (header === undefined) return undefined;
  const delimiter = DELIMITER.test(lines[header + 1] ?? '') ? header + 1 : undefined;
  const columns = splitCells(lines[header]).map(columnRole);
  const vi = columns.indexOf('version');
  const di = columns.indexOf('date');
  const rows: ChangelogRow[] = [];
  let end = delimiter === undefined ? header + 1 : header + 2;
  for (; end < lines.length && lines[end].trimStart().startsWith('|'); end++) {
    const cells = splitCells(lines[end]);
    rows.push({ line: end, cells, version: versionOfCell(cells[vi] ?? ''), date: di >= 0 ? cells[di] : undefined });
  }
  const versions = rows.map((r) => r.version).filter((v): v is string => !!v);
  const order = versions.length >= 2 && semver.lt(versions[0], versions[versions.length - 1]) ? 'asc' : 'desc';
  const repos = rows.map((r) => /github\.com\/([^/\s]+\/[^/\s]+)\/pull\//.exec(r.cells.join('|'))?.[1]).filter((r): r is string => !!r);
  return {
    heading: heading >= 0 && heading < header ? heading : undefined,
    header,
    delimiter,
    end,
    columns,
    trailingPipe: lines[header].trimEnd().endsWith('|'),
    indent: /^\s*/.exec(lines[header])![0],
    rows,
    order,
    prRepo: mostCommon(repos) ?? 'airbytehq/airbyte',
  };
}

function headingLevel(line: string): number {
  return /^#+/.exec(line)![0].length;
}

function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}
