import { isDeepStrictEqual } from 'node:util';
import { parseDocument } from 'yaml';
import { ReleaseError } from './version';

export interface BreakingChangeEntry {
  message: string;
  upgradeDeadline: string;
  /** Stream names whose users must act; omitted when the change is not stream-scoped (e.g. spec only). */
  impactedStreams?: string[];
  migrationDocumentationUrl?: string;
}

interface Block {
  /** Index of the line holding `key:`. */
  line: number;
  indent: number;
  /** First line after the block. */
  end: number;
}

const indentOf = (l: string) => l.length - l.trimStart().length;
const isContent = (l: string) => l.trim() !== '' && !l.trimStart().startsWith('#');

/** Direct children (`key:` lines) of the block mapping spanning lines [from, to). */
function children(lines: string[], from: number, to: number): Map<string, Block> {
  const out = new Map<string, Block>();
  let childIndent = -1;
  for (let i = from; i < to; i++) {
    if (!isContent(lines[i])) continue;
    const ind = indentOf(lines[i]);
    if (childIndent < 0) childIndent = ind;
    if (ind !== childIndent) continue;
    const m = /^\s*(["']?)([^"':#]+)\1:(\s|$)/.exec(lines[i]);
    if (!m) continue;
    let end = i + 1;
    while (end < to && (!isContent(lines[end]) || indentOf(lines[end]) > ind)) end++;
    // Blank and comment lines just above the next key belong to it, not to this block.
    while (end - 1 > i && !isContent(lines[end - 1])) end--;
    out.set(m[2].trim(), { line: i, indent: ind, end });
  }
  return out;
}

function quote(s: string): string {
  return JSON.stringify(s);
}

/** Airbyte's hand-written shape (see source-metabase / source-mailchimp metadata.yaml). */
function renderEntry(version: string, e: BreakingChangeEntry, indent: number, step: number): string[] {
  const pad = (n: number) => ' '.repeat(indent + n * step);
  const out = [`${pad(0)}${version}:`, `${pad(1)}message: ${quote(e.message)}`, `${pad(1)}upgradeDeadline: ${quote(e.upgradeDeadline)}`];
  if (e.migrationDocumentationUrl) out.push(`${pad(1)}migrationDocumentationUrl: ${e.migrationDocumentationUrl}`);
  if (e.impactedStreams?.length) {
    out.push(`${pad(1)}scopedImpact:`, `${pad(2)}- scopeType: stream`, `${pad(2)}  impactedScopes: [${e.impactedStreams.map(quote).join(', ')}]`);
  }
  return out;
}

/**
 * Add `data.releases.breakingChanges[version]` by inserting lines, so every other byte of metadata.yaml stays
 * as written (comments, quoting, key order). Newest entry first, as in Airbyte's files. An existing entry for
 * `version` is left alone (a re-run must not overwrite what a maintainer refined).
 */
export function addBreakingChange(metadataText: string, version: string, entry: BreakingChangeEntry, file = 'metadata.yaml'): string {
  const doc = parseDocument(metadataText);
  if (doc.errors.length) throw new ReleaseError(`${file}: cannot edit, YAML does not parse: ${doc.errors[0].message.split('\n')[0]}`);
  if (doc.getIn(['data', 'releases', 'breakingChanges', version]) !== undefined) return metadataText;
  const nl = metadataText.includes('\r\n') ? '\r\n' : '\n';
  const lines = metadataText.split(/\r?\n/);
  const top = children(lines, 0, lines.length);
  const data = top.get('data');
  if (!data) throw new ReleaseError(`${file}: no top-level "data:" mapping to add releases.breakingChanges to`);
  const dataKids = children(lines, data.line + 1, data.end);
  const first = [...dataKids.values()][0];
  if (!first) throw new ReleaseError(`${file}: "data:" is empty or written in flow style; expected a block mapping`);
  const step = first.indent - data.indent;
  let insertAt: number;
  let block: string[];
  const releases = dataKids.get('releases');
  if (releases) {
    const relKids = children(lines, releases.line + 1, releases.end);
    const bc = relKids.get('breakingChanges');
    if (bc) {
      const entries = [...children(lines, bc.line + 1, bc.end).values()];
      const ind = entries[0]?.indent ?? bc.indent + step;
      insertAt = entries[0]?.line ?? bc.line + 1;
      block = renderEntry(version, entry, ind, step);
    } else {
      if (releases.end === releases.line + 1 && !/:\s*(#.*)?$/.test(lines[releases.line])) throw new ReleaseError(`${file}:${releases.line + 1}: "releases" is written in flow style; expected a block mapping`);
      const ind = [...relKids.values()][0]?.indent ?? releases.indent + step;
      insertAt = releases.line + 1;
      block = [`${' '.repeat(ind)}breakingChanges:`, ...renderEntry(version, entry, ind + step, step)];
    }
  } else {
    const keys = [...dataKids.entries()];
    const sorted = keys.every(([k], i) => i === 0 || keys[i - 1][0].toLowerCase() <= k.toLowerCase());
    // Airbyte's metadata files keep `data` keys in case-insensitive order: put `releases` where it sorts.
    const after = sorted ? keys.find(([k]) => k.toLowerCase() > 'releases') : undefined;
    insertAt = after ? firstLineOf(lines, after[1].line) : data.end;
    block = [`${' '.repeat(first.indent)}releases:`, `${' '.repeat(first.indent + step)}breakingChanges:`, ...renderEntry(version, entry, first.indent + 2 * step, step)];
  }
  const out = [...lines.slice(0, insertAt), ...block, ...lines.slice(insertAt)].join(nl);
  const check = parseDocument(out);
  const written = check.errors.length ? undefined : (check.toJS() as { data?: { releases?: { breakingChanges?: Record<string, unknown> } } }).data?.releases?.breakingChanges?.[version];
  const expected: Record<string, unknown> = { message: entry.message, upgradeDeadline: entry.upgradeDeadline };
  if (entry.migrationDocumentationUrl) expected.migrationDocumentationUrl = entry.migrationDocumentationUrl;
  if (entry.impactedStreams?.length) expected.scopedImpact = [{ scopeType: 'stream', impactedScopes: entry.impactedStreams }];
  if (!isDeepStrictEqual(written, expected)) throw new ReleaseError(`${file}: could not add releases.breakingChanges.${version} without disturbing the file's layout; add it by hand`);
  return out;
}

/** Start of the comment lines directly above `line` (they document that key). */
function firstLineOf(lines: string[], line: number): number {
  let i = line;
  while (i > 0 && lines[i - 1].trimStart().startsWith('#')) i--;
  return i;
}

/** Versions listed under data.releases.breakingChanges. */
export function breakingChangeVersions(metadataText: string): string[] {
  const doc = parseDocument(metadataText);
  const bc = doc.errors.length ? undefined : (doc.toJS() as { data?: { releases?: { breakingChanges?: Record<string, unknown> } } })?.data?.releases?.breakingChanges;
  return bc && typeof bc === 'object' ? Object.keys(bc) : [];
}
