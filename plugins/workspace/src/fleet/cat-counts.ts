/**
 * Passed / failed / skipped from a cat report's `tests`, which may be a list of test results (each with a
 * status, outcome or ok) or already counted ({ passed, failed, skipped }).
 */
export function catCounts(tests: unknown): { passed: number; failed: number; skipped: number } {
  const out = { passed: 0, failed: 0, skipped: 0 };
  if (Array.isArray(tests)) {
    for (const t of tests as Record<string, unknown>[]) {
      const status = String(t?.status ?? t?.outcome ?? t?.result ?? (t?.ok === true ? 'passed' : t?.ok === false ? 'failed' : '')).toLowerCase();
      if (/^(pass|passed|ok|success|succeeded)$/.test(status)) out.passed++;
      else if (/^(skip|skipped|bypassed)$/.test(status)) out.skipped++;
      else out.failed++;
    }
  } else if (tests && typeof tests === 'object') {
    const t = tests as Record<string, unknown>;
    for (const k of ['passed', 'failed', 'skipped'] as const) if (typeof t[k] === 'number') out[k] = t[k] as number;
  }
  return out;
}
