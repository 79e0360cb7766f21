import { addChangelogEntry, changelogHasVersion, replaceChangelogEntry, type ChangelogResult } from './changelog';
import type { ReleaseChange } from './changes';
import { impactedStreams, type Comparison } from './compare';
import { addBreakingChange } from './metadata-releases';
import { addMigrationSection } from './migration-guide';
import { readDockerImageTag, readDockerfileVersion, readPyprojectVersion, setDockerfileVersion, setDockerImageTag, setPyprojectVersion } from './text-edits';
import { addDays, allowsBreakingChanges, breakingBumpFor, compareVersions, nextVersion, parseDate, parseVersion, ReleaseError, type BumpType } from './version';

export interface ReleaseRequest {
  bump?: BumpType;
  version?: string;
  message?: string;
  pr?: number | string;
  /** YYYY-MM-DD; the changelog date and the start of the upgrade deadline. */
  date: string;
  /** YYYY-MM-DD; default 14 days after `date` for sources (Airbyte recommends two weeks), 31 for destinations. */
  upgradeDeadline?: string;
  /** The breakingChanges message; default `message`. */
  breakingMessage?: string;
}

/** A file of the release, by path relative to the repository root; `text` undefined = does not exist. */
export interface ReleaseFile {
  path: string;
  text?: string;
}

export interface ReleaseInput {
  title: string;
  kind: 'source' | 'destination' | 'unknown';
  metadata: ReleaseFile & { text: string };
  dockerfile?: ReleaseFile;
  pyproject?: ReleaseFile;
  docs?: ReleaseFile;
  migrationGuide: ReleaseFile;
  /** dockerImageTag at the base ref; undefined when the connector is new there (Airbyte then compares with 0.0.0). */
  baseVersion?: string;
  /** dockerImageTag at the default branch's tip when it moved past the base (Airbyte's CheckVersionIncrement reads master). */
  latest?: { ref: string; version: string };
  comparison: Comparison;
  request: ReleaseRequest;
}

export interface ReleasePlan {
  from: string;
  to: string;
  base: string;
  /** Final content of every file the release changes (unchanged files left out). */
  writes: Map<string, string>;
  breaking: ReleaseChange[];
  changes: ReleaseChange[];
  notCompared: string[];
  notes: string[];
  changelog?: ChangelogResult['action'];
}

const MIN_DEADLINE_DAYS = { source: 7, destination: 30, unknown: 7 } as const;

/** Decide and compute the whole release without touching disk: version, files, breaking-change records. */
export function planRelease(input: ReleaseInput): ReleasePlan {
  const { request: req, comparison } = input;
  parseDate(req.date);
  if (req.pr !== undefined && req.pr !== '' && !/^\d+$/.test(String(req.pr))) throw new ReleaseError(`--pr "${req.pr}" is not a pull-request number (expected digits, e.g. --pr 44597)`);
  const current = readDockerImageTag(input.metadata.text);
  if (!current) throw new ReleaseError(`${input.metadata.path}: no data.dockerImageTag to bump`);
  const base = input.baseVersion ?? '0.0.0';
  const notes: string[] = [];
  const alreadyBumped = compareVersions(current, base) > 0;
  let to: string;
  if (req.version !== undefined) {
    to = nextVersion(current, { version: req.version });
    if (compareVersions(to, current) < 0) throw new ReleaseError(`--version ${to} is lower than the current dockerImageTag ${current}`);
  } else if (alreadyBumped) {
    // This branch already bumped: the release is the base bumped once, never a second bump on top of the first.
    const wanted = nextVersion(base, { bump: req.bump });
    to = compareVersions(wanted, current) > 0 ? wanted : current;
    notes.push(to === current ? `already bumped: ${base} at the base, ${current} here; not bumping twice` : `re-bumping this branch's unreleased ${current} to ${to} (${req.bump ?? 'patch'} from the base ${base})`);
  } else to = nextVersion(current, { bump: req.bump });
  if (compareVersions(to, base) <= 0) throw new ReleaseError(`version must increase against the base: ${to} is not greater than ${base} (Airbyte's CheckVersionIncrement)`);
  if (input.latest && compareVersions(to, input.latest.version) <= 0)
    throw new ReleaseError(`${input.latest.ref} already has ${input.latest.version}, released after this branch started; ${to} would not be an increase there (merge ${input.latest.ref} in, or pass --version above ${input.latest.version})`);

  const breaking = comparison.changes.filter((c) => c.breaking);
  if (breaking.length && !allowsBreakingChanges(base, to)) {
    const need = breakingBumpFor(base);
    throw new ReleaseError(`${breaking.length} breaking change${breaking.length > 1 ? 's need' : ' needs'} a ${need} release (${base} → ${to} is not); rerun with --bump ${need}`, breaking.map((c) => c.message));
  }

  const writes = new Map<string, string>();
  const put = (f: ReleaseFile, text: string) => {
    if (text !== f.text) writes.set(f.path, text);
  };
  let metadata = to === current ? input.metadata.text : setDockerImageTag(input.metadata.text, current, to, input.metadata.path);
  for (const f of [input.dockerfile, input.pyproject]) {
    if (f?.text === undefined) continue;
    const isDocker = f === input.dockerfile;
    const v = isDocker ? readDockerfileVersion(f.text) : readPyprojectVersion(f.text);
    if (v === undefined) continue;
    if (v !== to) put(f, isDocker ? setDockerfileVersion(f.text, to) : setPyprojectVersion(f.text, to));
  }

  const needsRow = input.docs?.text !== undefined && !changelogHasVersion(input.docs.text, to);
  const message = req.message?.trim();
  // Airbyte's metadata validator requires breakingChanges[N.0.0] for every major release, detected or not.
  const majorRelease = /^[1-9]\d*\.0\.0$/.test(to) && compareVersions(to, base) > 0 && parseVersion(base).major < parseVersion(to).major;
  const record = breaking.length > 0 || majorRelease;
  if (majorRelease && !breaking.length) notes.push(`major release ${to} with no breaking change detected: recording breakingChanges.${to} anyway (Airbyte's validate_major_version_bump_has_breaking_change_entry requires it)`);
  if ((needsRow || record) && !message) throw new ReleaseError('--message is required: it is the changelog subject (e.g. --message "Add stream invoices")');
  let changelog: ChangelogResult['action'] | undefined;
  if (input.docs?.text !== undefined) {
    const row = { version: to, date: req.date, pr: req.pr, message: message ?? '' };
    const rebump = alreadyBumped && to !== current && changelogHasVersion(input.docs.text, current);
    const result = rebump ? replaceChangelogEntry(input.docs.text, current, row) : addChangelogEntry(input.docs.text, row);
    changelog = result.action;
    put(input.docs, result.text);
  } else notes.push(`no docs page${input.docs ? ` at ${input.docs.path}` : ''}: changelog not updated (airbyte-ci skips this step too)`);

  if (record) {
    const deadline = req.upgradeDeadline ?? addDays(req.date, input.kind === 'destination' ? 31 : 14);
    parseDate(deadline, '--upgrade-deadline');
    const min = MIN_DEADLINE_DAYS[input.kind];
    if (deadline < addDays(req.date, min)) throw new ReleaseError(`--upgrade-deadline ${deadline} is less than ${min} days after ${req.date}; ${input.kind}s need at least ${min} days`);
    const streams = impactedStreams(breaking);
    const why = req.breakingMessage?.trim() || message!;
    metadata = addBreakingChange(metadata, to, { message: why, upgradeDeadline: deadline, impactedStreams: streams }, input.metadata.path);
    put(input.migrationGuide, addMigrationSection(input.migrationGuide.text, input.title, { version: to, message: why, upgradeDeadline: deadline, changes: breaking, impactedStreams: streams }));
  }
  put(input.metadata, metadata);
  return { from: current, to, base, writes, breaking, changes: comparison.changes, notCompared: comparison.notCompared, notes, changelog };
}
