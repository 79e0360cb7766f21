/**
 * Shortest edit script between two line arrays: Myers' O((N+M)·D) algorithm in its linear-space form (find the
 * middle snake, recurse on both halves), so a manifest rewritten from top to bottom costs memory proportional
 * to its length, not to the square of the number of changes.
 */
export type Op = { kind: ' ' | '-' | '+'; line: string };

/** Work (line comparisons, roughly) one search may spend before showing the rest as a replaced block. */
const WORK_BUDGET = 300_000_000;

export function editScript(a: readonly string[], b: readonly string[]): Op[] {
  const out: Op[] = [];
  solve(a, 0, a.length, b, 0, b.length, out);
  return deletionsFirst(out);
}

/** Within each run of changes, removals before additions (as `diff -u` and git show them); the same edit. */
function deletionsFirst(ops: Op[]): Op[] {
  const out: Op[] = [];
  let added: Op[] = [];
  for (const op of ops) {
    if (op.kind === '+') added.push(op);
    else if (op.kind === '-') out.push(op);
    else {
      for (const a of added) out.push(a);
      out.push(op);
      added = [];
    }
  }
  for (const a of added) out.push(a);
  return out;
}

function solve(a: readonly string[], aLo: number, aHi: number, b: readonly string[], bLo: number, bHi: number, out: Op[]): void {
  while (aLo < aHi && bLo < bHi && a[aLo] === b[bLo]) {
    out.push({ kind: ' ', line: a[aLo] });
    aLo++;
    bLo++;
  }
  let suffix = 0;
  while (aHi - suffix > aLo && bHi - suffix > bLo && a[aHi - suffix - 1] === b[bHi - suffix - 1]) suffix++;
  aHi -= suffix;
  bHi -= suffix;
  if (aLo === aHi || bLo === bHi) {
    for (let i = aLo; i < aHi; i++) out.push({ kind: '-', line: a[i] });
    for (let j = bLo; j < bHi; j++) out.push({ kind: '+', line: b[j] });
  } else {
    const snake = middleSnake(a, aLo, aHi, b, bLo, bHi);
    const whole = snake && snake.x === aLo && snake.y === bLo && snake.u === aHi && snake.v === bHi;
    if (!snake || whole) {
      // Over budget (or no progress possible): a correct, if not minimal, diff.
      for (let i = aLo; i < aHi; i++) out.push({ kind: '-', line: a[i] });
      for (let j = bLo; j < bHi; j++) out.push({ kind: '+', line: b[j] });
    } else {
      solve(a, aLo, snake.x, b, bLo, snake.y, out);
      for (let i = snake.x; i < snake.u; i++) out.push({ kind: ' ', line: a[i] });
      solve(a, snake.u, aHi, b, snake.v, bHi, out);
    }
  }
  for (let i = aHi; i < aHi + suffix; i++) out.push({ kind: ' ', line: a[i] });
}

interface Snake {
  x: number;
  y: number;
  u: number;
  v: number;
}

/** The middle snake of Myers' paper (section 4b), in absolute coordinates; undefined when over the work budget. */
function middleSnake(a: readonly string[], aLo: number, aHi: number, b: readonly string[], bLo: number, bHi: number): Snake | undefined {
  const n = aHi - aLo;
  const m = bHi - bLo;
  const delta = n - m;
  const odd = (delta & 1) !== 0;
  const max = Math.ceil((n + m) / 2);
  const limit = Math.min(max, Math.floor(WORK_BUDGET / (n + m)));
  const offset = max + 1;
  const vf = new Int32Array(2 * max + 3);
  const vb = new Int32Array(2 * max + 3);
  for (let d = 0; d <= limit; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && vf[offset + k - 1] < vf[offset + k + 1]) ? vf[offset + k + 1] : vf[offset + k - 1] + 1;
      let y = x - k;
      const x0 = x;
      const y0 = y;
      while (x < n && y < m && a[aLo + x] === b[bLo + y]) {
        x++;
        y++;
      }
      vf[offset + k] = x;
      const c = delta - k; // the same diagonal seen from the end
      if (odd && c >= -(d - 1) && c <= d - 1 && x + vb[offset + c] >= n) return { x: aLo + x0, y: bLo + y0, u: aLo + x, v: bLo + y };
    }
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && vb[offset + k - 1] < vb[offset + k + 1]) ? vb[offset + k + 1] : vb[offset + k - 1] + 1;
      let y = x - k;
      const x0 = x;
      const y0 = y;
      while (x < n && y < m && a[aHi - 1 - x] === b[bHi - 1 - y]) {
        x++;
        y++;
      }
      vb[offset + k] = x;
      const c = delta - k;
      if (!odd && c >= -d && c <= d && x + vf[offset + c] >= n) return { x: aHi - x, y: bHi - y, u: aHi - x0, v: bHi - y0 };
    }
  }
  return undefined;
}
