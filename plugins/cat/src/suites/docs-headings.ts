/** A top-level markdown heading: its text and where its section's content starts and ends (0-based lines). */
export interface Heading {
  text: string;
  line: number;
  /** First line after the heading itself. */
  contentStart: number;
  /** The line where the next heading starts, or the number of lines. */
  contentEnd: number;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const BLOCK_START = /^ {0,3}(?:[-*+][ \t]|\d+[.)][ \t]|>|\||<|#)/;

/** Heading text as a reader sees it: links, code spans and emphasis reduced to their words. */
function plain(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/(\*\*|__|\*|_)(.+?)\1/g, '$2')
    .trim();
}

/**
 * The headings at the top level of a markdown page (ATX `#` and setext underlines), skipping front matter,
 * fenced and indented code, as CAT reads them with markdown-it's block tree.
 */
export function parseHeadings(markdown: string): Heading[] {
  const lines = markdown.split(/\r?\n/);
  const out: Heading[] = [];
  let i = 0;
  if (lines[0]?.trim() === '---') {
    const end = lines.findIndex((l, n) => n > 0 && l.trim() === '---');
    if (end > 0) i = end + 1;
  }
  let fence: string | undefined;
  let paragraph = false;
  for (; i < lines.length; i++) {
    const line = lines[i];
    const f = FENCE.exec(line);
    if (fence) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length) fence = undefined;
      continue;
    }
    if (f) {
      fence = f[1];
      paragraph = false;
      continue;
    }
    if (line.trim() === '') {
      paragraph = false;
      continue;
    }
    const atx = ATX.exec(line);
    if (atx) {
      out.push({ text: plain(atx[2] ?? ''), line: i, contentStart: i + 1, contentEnd: lines.length });
      paragraph = false;
      continue;
    }
    if (!paragraph && /^( {4}|\t)/.test(line)) continue;
    const next = lines[i + 1];
    if (!paragraph && next !== undefined && SETEXT.test(next) && !BLOCK_START.test(line)) {
      out.push({ text: plain(line), line: i, contentStart: i + 2, contentEnd: lines.length });
      i++;
      continue;
    }
    paragraph = !BLOCK_START.test(line) || paragraph;
  }
  out.forEach((h, n) => {
    if (n + 1 < out.length) h.contentEnd = out[n + 1].line;
  });
  return out;
}

/** CAT's remove_step_from_heading: "Step 1: " / "Step 2: " prefixes do not count. */
export function withoutStep(text: string): string {
  for (const step of ['Step 1: ', 'Step 2: ']) if (text.includes(step)) return text.split(step).join('');
  return text;
}

/** A heading quoted so that invisible characters (a zero-width space pasted from a web page) can be seen. */
const quoted = (s: string) => `"${s.replace(/[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202f\u2060\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;

export const CONNECTOR_SPECIFIC = '<Connector-specific features>';

/** The docs template's headings in order, and those that may be left out (CAT _get_template_headings). */
export function templateHeadings(name: string): { all: string[]; optional: Set<string> } {
  const all = [
    name,
    'Prerequisites',
    'Setup guide',
    `Set up ${name}`,
    'For Airbyte Cloud:',
    'For Airbyte Open Source:',
    `Set up the ${name} connector in Airbyte`,
    'For Airbyte Cloud:',
    'For Airbyte Open Source:',
    'Supported sync modes',
    'Supported Streams',
    CONNECTOR_SPECIFIC,
    'Performance considerations',
    'Data type map',
    'Troubleshooting',
    'Tutorials',
    'Changelog',
  ];
  const optional = new Set([`Set up the ${name} connector in Airbyte`, 'For Airbyte Cloud:', 'For Airbyte Open Source:', CONNECTOR_SPECIFIC, 'Performance considerations', 'Data type map', 'Troubleshooting', 'Tutorials']);
  return { all, optional };
}

/**
 * Walks the page's headings against the template like CAT's test_docs_structure: template headings must
 * appear in order, optional ones may be missing, and any number of headings not in the template may stand
 * where the connector-specific features go. Returns the problem, or undefined when the page follows it.
 */
export function structureProblem(headings: string[], name: string): string | undefined {
  const { all, optional } = templateHeadings(name);
  const known = new Set(all);
  let h = 0;
  let t = 0;
  while (h < headings.length && t < all.length) {
    const actual = headings[h];
    const expected = all[t];
    if (expected === CONNECTOR_SPECIFIC) {
      if (!known.has(actual)) h++;
      else t++;
      continue;
    }
    if (actual === expected) {
      h++;
      t++;
      continue;
    }
    if (optional.has(expected)) {
      t++;
      continue;
    }
    return `heading ${quoted(actual)} is not where the template expects it: the next required heading is "${expected}" (template order: ${all.filter((x) => x !== CONNECTOR_SPECIFIC).join(' → ')})`;
  }
  if (t < all.length) {
    const missing = all.slice(t).filter((x) => !optional.has(x));
    if (missing.length) return `the page ends before the template's required heading${missing.length > 1 ? 's' : ''} ${missing.map((x) => `"${x}"`).join(', ')}`;
  }
  return undefined;
}
