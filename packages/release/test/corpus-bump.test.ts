import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addChangelogEntry, findChangelogTable, readDockerImageTag, setDockerImageTag, splitCells, versionOfCell } from '../src';

const CORPUS = '/work/shared/corpus/migrations';
const cases = existsSync(CORPUS) ? readdirSync(CORPUS).filter((c) => existsSync(join(CORPUS, c, 'after', 'metadata.yaml'))) : [];

/** The row Airbyte added: the after/ row whose version is the after/ dockerImageTag. */
function airbyteRow(afterPage: string, version: string) {
  const table = findChangelogTable(afterPage.split('\n'))!;
  const row = table.rows.find((r) => r.version === version)!;
  const cell = (role: string) => row.cells[table.columns.indexOf(role as never)];
  return { date: cell('date'), pr: /\[#?(\d+)\]/.exec(cell('pr'))![1], message: cell('subject') };
}

function pageOf(dir: string): string {
  const docs = join(dir, '_docs');
  return readFileSync(join(docs, readdirSync(docs)[0]), 'utf8');
}

/** Cells with their padding removed: what a reader sees, not how the source was aligned. */
function normalizeTables(page: string): string {
  return page
    .split('\n')
    .map((l) => (l.trimStart().startsWith('|') ? '| ' + splitCells(l).map((c) => c.replace(/^:?-+:?$/, '---')).join(' | ') + ' |' : l))
    .join('\n');
}

describe('corpus: the bump Airbyte committed with each manifest-only migration', () => {
  it('has the cases', () => expect(cases.length).toBeGreaterThanOrEqual(15));

  for (const name of cases) {
    it(name, () => {
      const before = join(CORPUS, name, 'before');
      const after = join(CORPUS, name, 'after');
      const beforeMeta = readFileSync(join(before, 'metadata.yaml'), 'utf8');
      const afterMeta = readFileSync(join(after, 'metadata.yaml'), 'utf8');
      const from = readDockerImageTag(beforeMeta)!;
      const to = readDockerImageTag(afterMeta)!;
      const tagLine = (t: string) => t.split('\n').find((l) => /^\s*dockerImageTag:/.test(l));
      expect(tagLine(setDockerImageTag(beforeMeta, from, to))).toBe(tagLine(afterMeta));

      const beforePage = pageOf(before);
      const afterPage = pageOf(after);
      const { date, pr, message } = airbyteRow(afterPage, to);
      const result = addChangelogEntry(beforePage, { version: to, date, pr: Number(pr), message });
      expect(result.action).toBe('added-row');
      // Airbyte's own diff: one added line, unless its author re-aligned the table by hand in the same commit.
      const realigned = afterPage.split('\n').length - beforePage.split('\n').length === 1 && afterPage.split('\n').filter((l) => !beforePage.split('\n').includes(l)).length > 1;
      if (!realigned) expect(result.text).toBe(afterPage);
      else {
        expect(REALIGNED_BY_HAND).toContain(name);
        expect(normalizeTables(result.text)).toBe(normalizeTables(afterPage));
      }
      // Ours is always the minimal diff: exactly one new line, every other line untouched.
      const ours = result.text.split('\n');
      expect(ours.length).toBe(beforePage.split('\n').length + 1);
      expect(ours.filter((_, i) => i !== result.line! - 1)).toEqual(beforePage.split('\n'));
    });
  }
});

/** Commits whose author re-padded every row's version cell (and, in timely, the date header) while adding the row. */
const REALIGNED_BY_HAND = ['source-activecampaign', 'source-timely'];

describe('corpus: every changelog table shape parses', () => {
  const pages = ['fleet-2024-06', 'inline-schemas', 'migrations'].flatMap((set) => {
    const root = join('/work/shared/corpus', set);
    if (!existsSync(root)) return [];
    return readdirSync(root).flatMap((c) =>
      ['', 'before', 'after'].map((side) => join(root, c, side, '_docs')).filter(existsSync).map((d) => join(d, readdirSync(d)[0])),
    );
  });
  it('adds one row directly above the newest, in Airbyte\'s row format, on every page', () => {
    // connectors_qa's row regex: | X.Y.Z | YYYY-MM-DD | [N](https://github.com/airbytehq/airbyte/pull/N) | subject |
    const AIRBYTE_ROW = /^\| (\d+\.\d+\.\d+) \| (\d{4}-\d{2}-\d{2}) \| \[(\d+)\]\(https:\/\/github\.com\/airbytehq\/airbyte\/pull\/(\d+)\) \| ([^\s].*[^\s]) \|?$/;
    for (const p of pages) {
      const page = readFileSync(p, 'utf8');
      const table = findChangelogTable(page.split('\n'))!;
      const newest = table.rows.find((r) => r.version)!;
      const result = addChangelogEntry(page, { version: '99.0.0', date: '2030-01-01', pr: 99999, message: 'Corpus check' });
      const lines = result.text.split('\n');
      expect(lines.filter((_, i) => i !== result.line! - 1), p).toEqual(page.split('\n'));
      expect(lines[result.line! - 1], p).toMatch(AIRBYTE_ROW);
      expect(result.line! - 1, p).toBe(table.order === 'desc' ? newest.line : table.end);
    }
  });

  it('finds a table with versions on every page', () => {
    expect(pages.length).toBeGreaterThan(60);
    for (const p of pages) {
      const table = findChangelogTable(readFileSync(p, 'utf8').split('\n'));
      expect(table, p).toBeDefined();
      expect(table!.rows.filter((r) => r.version).length, p).toBeGreaterThan(0);
      expect(versionOfCell(table!.rows[0].cells[table!.columns.indexOf('version')]), p).toBeDefined();
    }
  });
});
