/**
 * The newest row of a docs page's changelog table (Airbyte's `| Version | Date | Pull Request | Subject |`,
 * helpers/changelog.py): the highest date among the rows, whatever order they were written in.
 */
export function lastChangelogEntry(markdown: string): { version: string; date: string } | undefined {
  const lines = markdown.split('\n');
  const header = lines.findIndex((l) => /^\s*\|\s*Version\s*\|\s*Date\s*\|/i.test(l));
  if (header < 0) return undefined;
  let best: { version: string; date: string } | undefined;
  for (let i = header + 2; i < lines.length; i++) {
    const cells = lines[i].split('|').map((c) => c.trim());
    if (cells.length < 4 || !lines[i].trim().startsWith('|')) break;
    const [version, date] = [cells[1], cells[2]];
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) continue;
    if (!best || date > best.date) best = { version, date };
  }
  return best;
}
