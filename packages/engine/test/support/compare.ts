/** Normalisation and comparison rules of the conformance README (_tools/compare.py). */
type Json = unknown;

/** JSON values, not bytes: key order ignored, numbers numeric (5.0 == 5), booleans never numbers. */
export function jsonEqual(a: Json, b: Json): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (typeof a !== typeof b) return false;
  if (a === null || b === null) return a === b;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (typeof a === 'object') {
    if (Array.isArray(b)) return false;
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    return ka.length === kb.length && ka.every((k) => k in (b as object) && jsonEqual((a as any)[k], (b as any)[k]));
  }
  return a === b;
}

export function normaliseRead(messages: any[]): any[] {
  return messages
    .filter((m) => m.type === 'RECORD' || m.type === 'STATE')
    .map((m) => {
      if (m.type !== 'RECORD') return m;
      const { emitted_at: _drop, ...record } = m.record;
      return { ...m, record };
    });
}

export function normaliseTraces(messages: any[]): any[] {
  return messages
    .filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR')
    .map((m) => {
      const { emitted_at: _e, ...trace } = m.trace;
      const { stack_trace: _s, ...error } = trace.error;
      return { ...m, trace: { ...trace, error } };
    });
}

const SUMMARY = 'During the sync, the following streams did not sync successfully: ';

/** Differences between expected and actual error traces, by the README's rules ([] when equal). */
export function compareTraces(expected: any[], actual: any[]): string[] {
  const problems: string[] = [];
  if (expected.length !== actual.length) return [`expected ${expected.length} error traces, got ${actual.length}: ${JSON.stringify(actual)}`];
  expected.forEach((e, i) => {
    const a = actual[i];
    for (const k of ['failure_type', 'stream_descriptor']) {
      if (!jsonEqual(e.trace.error[k] ?? null, a.trace.error[k] ?? null)) problems.push(`trace ${i} ${k}: ${JSON.stringify(a.trace.error[k])} != ${JSON.stringify(e.trace.error[k])}`);
    }
    const em: string = e.trace.error.message;
    const am: string = a.trace.error.message;
    if (em.startsWith(SUMMARY)) {
      const names = (m: string): string[] => m.slice(SUMMARY.length).split('\n').map((l) => l.split(': ')[0]);
      if (!am.startsWith(SUMMARY) || !jsonEqual(names(em), names(am))) problems.push(`trace ${i} summary: ${am} != ${em}`);
    } else if (em !== am) problems.push(`trace ${i} message: ${JSON.stringify(am)} != ${JSON.stringify(em)}`);
  });
  return problems;
}

export function compareLines(expected: any[], actual: any[]): string[] {
  const problems: string[] = [];
  if (expected.length !== actual.length) problems.push(`expected ${expected.length} lines, got ${actual.length}`);
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    if (!jsonEqual(expected[i], actual[i])) {
      problems.push(`line ${i + 1}: got ${JSON.stringify(actual[i])}, expected ${JSON.stringify(expected[i])}`);
      if (problems.length > 5) break;
    }
  }
  return problems;
}
