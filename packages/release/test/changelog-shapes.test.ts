import { describe, expect, it } from 'vitest';
import { addChangelogEntry, findChangelogTable } from '../src';

const entry = { version: '1.2.0', date: '2024-09-02', pr: 45000, message: 'Add invoices' };
const ROW = '| 1.2.0 | 2024-09-02 | [45000](https://github.com/airbytehq/airbyte/pull/45000) | Add invoices |';

/** Insert and return the lines that changed, proving nothing but the one row moved. */
function added(page: string, e = entry) {
  const result = addChangelogEntry(page, e);
  const before = page.split('\n');
  const after = result.text.split('\n');
  expect(after.length).toBe(before.length + 1);
  expect(after.filter((_, i) => i !== result.line! - 1)).toEqual(before);
  return { line: after[result.line! - 1], index: result.line! - 1, after };
}

// Each shape below is one found in the corpus docs pages (see the comment naming a page).
describe('changelog table shapes', () => {
  it('<details> wrapper, padded header, unpadded rows (most pages, e.g. aircall.md)', () => {
    const page = '## Changelog\n\n<details>\n  <summary>Expand to review</summary>\n\n| Version | Date       | Pull Request | Subject |\n| :------ | :--------- | :----------- | :------ |\n| 1.1.0 | 2024-08-01 | [1](https://github.com/airbytehq/airbyte/pull/1) | x |\n\n</details>\n';
    const { line, index } = added(page);
    expect(line).toBe(ROW);
    expect(index).toBe(7);
  });

  it('no <details>, `## CHANGELOG` in capitals, `|:---|` delimiters without spaces (xata.md, newsdata.md)', () => {
    const page = '## CHANGELOG\n\n| Version | Date | Pull Request | Subject |\n|:--------|:-----|:-----|:-----|\n| 1.1.0 | 2024-08-01 | [1](https://github.com/airbytehq/airbyte/pull/1) | x |\n';
    expect(added(page).index).toBe(4);
  });

  it('header without a delimiter row (avni.md)', () => {
    const page = '## Changelog\n\n| Version | Date | Pull Request | Subject |\n| 0.1.0 | 2023-09-07 | [30222](https://github.com/airbytehq/airbyte/pull/30222) | Avni Source Connector |\n';
    expect(findChangelogTable(page.split('\n'))!.delimiter).toBeUndefined();
    expect(added(page).index).toBe(3);
  });

  it('padded and backticked versions, `[\\#N]` links, rows without a trailing pipe (amazon-seller-partner.md)', () => {
    const page = '## Changelog\n\n| Version  | Date       | Pull Request | Subject\n|:---------|:-----------|:-------------|:--------\n| `1.1.0`  | 2024-04-08 | [\\#36895](https://github.com/airbytehq/airbyte/pull/36895) | Fix `x`\n| `1.0.0`  | 2024-03-19 | [\\#36267](https://github.com/airbytehq/airbyte/pull/36267) | Init\n';
    const { line, index } = added(page);
    expect(line).toBe('| 1.2.0 | 2024-09-02 | [45000](https://github.com/airbytehq/airbyte/pull/45000) | Add invoices');
    expect(index).toBe(4);
  });

  it('out-of-order dates under sorted versions still sort by version (source-github: 3.0.5 dated before 3.0.4)', () => {
    const page = '## Changelog\n\n| Version | Date | Pull Request | Subject |\n|---|---|---|---|\n| 1.3.0 | 2024-06-04 | [2](https://github.com/airbytehq/airbyte/pull/2) | b |\n| 1.1.0 | 2024-06-06 | [1](https://github.com/airbytehq/airbyte/pull/1) | a |\n';
    expect(added(page).index).toBe(5);
  });

  it('an oldest-first table gets the row at the bottom', () => {
    const page = '## Changelog\n\n| Version | Date | Pull Request | Subject |\n|---|---|---|---|\n| 1.0.0 | 2024-01-01 | [1](https://github.com/airbytehq/airbyte/pull/1) | a |\n| 1.1.0 | 2024-02-01 | [2](https://github.com/airbytehq/airbyte/pull/2) | b |\n\nMore text.\n';
    expect(added(page).index).toBe(6);
  });

  it('a table without a Pull Request column gets a row with the same columns', () => {
    const page = '## Changelog\n\n| Version | Date | Notes |\n|---|---|---|\n| 1.1.0 | 2024-02-01 | b |\n';
    expect(added(page).line).toBe('| 1.2.0 | 2024-09-02 | Add invoices |');
  });

  it('escapes pipes and folds newlines in the subject', () => {
    const page = '## Changelog\n\n| Version | Date | Pull Request | Subject |\n|---|---|---|---|\n';
    expect(added(page, { ...entry, message: '  Split a|b\ninto two ' }).line).toBe('| 1.2.0 | 2024-09-02 | [45000](https://github.com/airbytehq/airbyte/pull/45000) | Split a\\|b into two |');
  });

  it('links PRs to the repository the table already uses', () => {
    const page = '## Changelog\n\n| Version | Date | Pull Request | Subject |\n|---|---|---|---|\n| 1.1.0 | 2024-02-01 | [9](https://github.com/acme/connectors/pull/9) | b |\n';
    expect(added(page).line).toContain('[45000](https://github.com/acme/connectors/pull/45000)');
  });

  it('a heading without a table gets the table under it; CRLF pages stay CRLF', () => {
    const page = '# X\r\n\r\n## Changelog\r\n\r\nSee below.\r\n';
    const out = addChangelogEntry(page, entry);
    expect(out.action).toBe('created-table');
    expect(out.text).toBe('# X\r\n\r\n## Changelog\r\n\r\n<details>\r\n  <summary>Expand to review</summary>\r\n\r\n| Version | Date | Pull Request | Subject |\r\n|:--------|:-----|:-------------|:--------|\r\n' + ROW + '\r\n\r\n</details>\r\n\r\nSee below.\r\n');
  });

  it('a version already listed is a no-op', () => {
    const page = '## Changelog\n\n| Version | Date | Pull Request | Subject |\n|---|---|---|---|\n| 1.2.0 | 2024-02-01 | [2](https://github.com/airbytehq/airbyte/pull/2) | b |\n';
    expect(addChangelogEntry(page, entry)).toEqual({ text: page, action: 'already-present' });
  });

  it('ignores version tables outside the changelog section when there is one', () => {
    const page = '# X\n\n| Version | Date | Notes |\n|---|---|---|\n| 9.9.9 | 2020-01-01 | API versions |\n\n## Changelog\n\n| Version | Date | Pull Request | Subject |\n|---|---|---|---|\n| 1.1.0 | 2024-02-01 | [2](https://github.com/airbytehq/airbyte/pull/2) | b |\n';
    expect(added(page).index).toBe(10);
  });
});
