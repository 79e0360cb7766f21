/**
 * The dry-run diff of a change set. Same text as ChangeSet.diff(), but a created or deleted file is
 * written out directly: the shared line differ is quadratic when one side is empty, which made a dry
 * run over a 15,000-line flattened manifest take most of a second.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unifiedDiff, type ChangeSet } from '@conveyor/connector';

function lines(text: string): string[] {
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

function readIfFile(abs: string): string | null {
  try {
    return readFileSync(abs, 'utf8');
  } catch {
    return null;
  }
}

/** Unified diff of a whole file appearing (`before` null) or disappearing (`after` null). */
export function wholeFileDiff(before: string | null, after: string | null, name: string): string {
  if (before === after) return '';
  const body = lines(before ?? after ?? '');
  const sign = before === null ? '+' : '-';
  const header = `--- ${before === null ? '/dev/null' : 'a/' + name}\n+++ ${after === null ? '/dev/null' : 'b/' + name}\n`;
  if (!body.length) return header;
  const range = before === null ? `@@ -0,0 +1,${body.length} @@\n` : `@@ -1,${body.length} +0,0 @@\n`;
  return header + range + body.map((l) => sign + l + '\n').join('');
}

/** `planned`: the change set's simulate() result when the caller has it already (it reads every file). */
export function planDiff(changeSet: ChangeSet, displayPrefix = '', planned: Map<string, string | null> = changeSet.simulate()): string {
  return [...planned]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([p, content]) => {
      const before = readIfFile(join(changeSet.root, p));
      return before === null || content === null ? wholeFileDiff(before, content, displayPrefix + p) : unifiedDiff(before, content, displayPrefix + p);
    })
    .join('');
}

/** One line per file: `path | +added -removed`, git's --stat in spirit. */
export function diffStat(diff: string): string {
  const rows: [string, number, number][] = [];
  for (const line of diff.split('\n')) {
    if (line.startsWith('--- ')) rows.push([line.slice(4).replace(/^a\//, ''), 0, 0]);
    else if (line.startsWith('+++ ') && rows.length) {
      const to = line.slice(4).replace(/^b\//, '');
      if (to !== '/dev/null') rows[rows.length - 1][0] = to;
    } else if (rows.length && line.startsWith('+')) rows[rows.length - 1][1]++;
    else if (rows.length && line.startsWith('-')) rows[rows.length - 1][2]++;
  }
  const width = Math.max(0, ...rows.map(([p]) => p.length));
  return rows.map(([p, a, r]) => ` ${p.padEnd(width)} | +${a} -${r}`).join('\n');
}
