/** One line per file of a unified diff: `path | +added -removed`, git's --stat in spirit. */
export function diffStat(diff: string): string {
  const rows: [string, number, number][] = [];
  for (const line of diff.split('\n')) {
    if (line.startsWith('--- ')) rows.push([line.slice(4).replace(/^a\//, ''), 0, 0]);
    else if (line.startsWith('+++ ') && rows.length) {
      const to = line.slice(4).replace(/^b\//, '');
      if (to !== '/dev/null') rows[rows.length - 1][0] = to;
    } else if (line.startsWith('Binary files ')) rows.push([line.replace(/^Binary files (?:a\/)?(\S+).*$/, '$1'), 0, 0]);
    else if (rows.length && line.startsWith('+')) rows[rows.length - 1][1]++;
    else if (rows.length && line.startsWith('-')) rows[rows.length - 1][2]++;
  }
  const width = Math.max(0, ...rows.map(([p]) => p.length));
  return rows.map(([p, a, r]) => ` ${p.padEnd(width)} | +${a} -${r}`).join('\n');
}
