import semver from 'semver';

export type BumpType = 'patch' | 'minor' | 'major';

export class ReleaseError extends Error {
  constructor(message: string, readonly details: string[] = []) {
    super(details.length ? `${message}\n${details.map((d) => `  - ${d}`).join('\n')}` : message);
    this.name = 'ReleaseError';
  }
}

/** Parse a dockerImageTag as semver, with a message naming what was expected. */
export function parseVersion(value: string, what = 'version'): semver.SemVer {
  const v = semver.parse(value);
  if (!v) throw new ReleaseError(`${what} "${value}" is not a semantic version (expected X.Y.Z, e.g. 1.2.3)`);
  return v;
}

/** The version after the bump, as `airbyte-ci connectors bump-version` computes it (semver bump_*). */
export function nextVersion(current: string, request: { bump?: BumpType; version?: string }): string {
  const cur = parseVersion(current, 'dockerImageTag');
  if (request.version !== undefined) return parseVersion(String(request.version), '--version').version;
  const bump = request.bump ?? 'patch';
  if (!['patch', 'minor', 'major'].includes(bump)) throw new ReleaseError(`--bump "${bump}" is not one of patch, minor, major`);
  // semver.inc on a prerelease "patch" only drops the prerelease; Airbyte's semver.bump_patch does the same.
  return cur.inc(bump).version;
}

export function compareVersions(a: string, b: string): number {
  return semver.compare(parseVersion(a), parseVersion(b));
}

/**
 * Whether going from `from` to `to` is a release that may carry breaking changes:
 * a major bump, or a minor bump while still below 1.0.0 (Airbyte's pre-1.0 rule).
 */
export function allowsBreakingChanges(from: string, to: string): boolean {
  const f = parseVersion(from);
  const t = parseVersion(to);
  if (t.prerelease.length) return false;
  if (t.major > f.major) return t.minor === 0 && t.patch === 0;
  return f.major === 0 && t.major === 0 && t.minor > f.minor && t.patch === 0;
}

/** The bump a user should have asked for to release breaking changes from `from`. */
export function breakingBumpFor(from: string): BumpType {
  return parseVersion(from).major === 0 ? 'minor' : 'major';
}

/** Today (or `now`) as YYYY-MM-DD in UTC, the changelog's date format. */
export function isoDate(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export function parseDate(value: string, what = '--date'): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!d || isoDate(d) !== value) throw new ReleaseError(`${what} "${value}" is not a date (expected YYYY-MM-DD, e.g. 2024-08-23)`);
  return d;
}

export function addDays(date: string, days: number): string {
  const d = parseDate(date);
  d.setUTCDate(d.getUTCDate() + days);
  return isoDate(d);
}
