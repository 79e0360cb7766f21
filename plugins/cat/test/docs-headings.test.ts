import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHeadings, structureProblem, withoutStep } from '../src/suites/docs-headings';

describe('docs headings', () => {
  it('reads ATX and setext headings, skipping front matter, fenced and indented code', () => {
    const md = ['---', 'title: x', '---', 'Fake', '====', '', '## Prerequisites ##', 'text', '~~~', '# no', '~~~', '    # no either', '', 'Setup guide', '---', '', '- item', '---'].join('\n');
    expect(parseHeadings(md).map((h) => [h.text, h.line, h.contentStart, h.contentEnd])).toEqual([
      ['Fake', 3, 5, 6],
      ['Prerequisites', 6, 7, 13],
      ['Setup guide', 13, 15, 18],
    ]);
  });

  it('drops "Step 1: " and "Step 2: " like CAT, and walks the template with optional and connector-specific headings', () => {
    expect(withoutStep('Step 1: Set up Fake')).toBe('Set up Fake');
    const ok = ['Fake', 'Prerequisites', 'Setup guide', 'Set up Fake', 'Supported sync modes', 'Supported Streams', 'Pagination', 'Limits', 'Troubleshooting', 'Changelog', 'Extra after the end'];
    expect(structureProblem(ok, 'Fake')).toBeUndefined();
    expect(structureProblem(ok.slice(0, 6), 'Fake')).toBe('the page ends before the template\'s required heading "Changelog"');
    expect(structureProblem(['Fake', 'Setup guide'], 'Fake')).toMatch(/^heading "Setup guide" is not where the template expects it: the next required heading is "Prerequisites"/);
    // Like CAT, the walk stops at the template's end: headings after Changelog are not checked.
    expect(structureProblem([...ok.slice(0, 6), 'Changelog', 'Troubleshooting'], 'Fake')).toBeUndefined();
  });
});

describe('docs structure on real certified connectors (corpus)', () => {
  const corpus = join(__dirname, '../../../../shared/corpus/fleet-2024-06');
  const check = (dir: string, name: string) => structureProblem(parseHeadings(readFileSync(join(corpus, dir), 'utf8')).map((h) => withoutStep(h.text)), name);
  it.skipIf(!existsSync(corpus))('GitHub follows the template; Notion has a zero-width space in "Setup guide", shown escaped', () => {
    expect(check('source-github/_docs/github.md', 'GitHub')).toBeUndefined();
    expect(check('source-notion/_docs/notion.md', 'Notion')).toMatch(/^heading "Setup guide\\u200b" is not where the template expects it: the next required heading is "Setup guide"/);
  });
});
