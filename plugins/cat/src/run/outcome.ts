export type TestStatus = 'passed' | 'failed' | 'skipped';

/** One CAT test case: a JUnit testcase and a `tests[]` entry of cat.json. */
export interface TestResult {
  suite: string;
  name: string;
  status: TestStatus;
  message: string;
  durationMs: number;
  /** Where the test is configured (acceptance-test-config.yml entry), when it comes from one. */
  file?: string;
  line?: number;
}

/** Thrown by a check to fail its test with a message a maintainer can act on. */
export class TestFailure extends Error {}

/** Thrown by a check that cannot apply (a missing optional file, a bypassed part). */
export class TestSkip extends Error {}

export const fail = (message: string): never => {
  throw new TestFailure(message);
};

export const skip = (message: string): never => {
  throw new TestSkip(message);
};

/** Fail with every problem found, not just the first, but keep the message readable. */
export function failIfAny(problems: string[], what: string): void {
  if (problems.length === 0) return;
  const shown = problems.slice(0, 10).join('; ');
  fail(problems.length > 10 ? `${problems.length} ${what}: ${shown}; … and ${problems.length - 10} more` : shown);
}
