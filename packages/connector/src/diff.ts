/** Line-based unified diff for `--dry-run` output, in the format `diff -u` writes and `patch -p1` / `git apply` read. */
import { editScript, type Op } from './myers';

/**
 * Lines with their terminator kept, so `last` and `last\n` differ the way they do for `diff -u` (a file that
 * gains or loses its final newline is a change, shown with `\ No newline at end of file`).
 */
function splitLines(text: string): string[] {
  if (text === '') return [];
  return text.split(/(?<=\n)/);
}

function formatOp(o: Op): string {
  return o.line.endsWith('\n') ? o.kind + o.line : `${o.kind}${o.line}\n\\ No newline at end of file\n`;
}

/** A unified diff of two texts; empty when they are equal. `null` stands for a file that does not exist. */
export function unifiedDiff(before: string | null, after: string | null, fromName: string, toName = fromName, context = 3): string {
  if (before === after) return '';
  const ops = editScript(splitLines(before ?? ''), splitLines(after ?? ''));
  const header = `--- ${before === null ? '/dev/null' : 'a/' + fromName}\n+++ ${after === null ? '/dev/null' : 'b/' + toName}\n`;
  const hunks: string[] = [];
  // Line numbers where each op starts, counted once (a per-hunk recount from the top is quadratic).
  let aLine = 1;
  let bLine = 1;
  let counted = 0;
  const advanceTo = (j: number) => {
    for (; counted < j; counted++) {
      if (ops[counted].kind !== '+') aLine++;
      if (ops[counted].kind !== '-') bLine++;
    }
  };
  let i = 0;
  while (i < ops.length) {
    if (ops[i].kind === ' ') {
      i++;
      continue;
    }
    const start = Math.max(0, i - context);
    let end = i;
    // Extend the hunk while changes are closer than 2*context lines apart.
    for (let j = i; j < ops.length; j++) {
      if (ops[j].kind !== ' ') end = j;
      else if (j - end > 2 * context) break;
    }
    end = Math.min(ops.length - 1, end + context);
    advanceTo(start);
    const body = ops.slice(start, end + 1);
    const aCount = body.filter((o) => o.kind !== '+').length;
    const bCount = body.filter((o) => o.kind !== '-').length;
    hunks.push(`@@ -${aCount ? aLine : aLine - 1},${aCount} +${bCount ? bLine : bLine - 1},${bCount} @@\n` + body.map(formatOp).join(''));
    i = end + 1;
  }
  return header + hunks.join('');
}
