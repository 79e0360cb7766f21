import { isDeepStrictEqual } from 'node:util';
import { compareRecordSchemas, compareSpecs, type ReleaseChange } from './changes';
import type { ConnectorSnapshot, StreamSnapshot } from './snapshot';

export interface Comparison {
  changes: ReleaseChange[];
  /** What could not be compared on either side (missing files, runtime-only definitions). */
  notCompared: string[];
}

const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));

/** Every change from `base` to `head`, each classified breaking or not. */
export function compareSnapshots(base: ConnectorSnapshot, head: ConnectorSnapshot): Comparison {
  const changes: ReleaseChange[] = [];
  const notCompared = [...new Set([...base.gaps.map((g) => `base: ${g}`), ...head.gaps])];
  if (base.spec && head.spec) compareSpecs(base.spec, head.spec, '', changes);
  else if (base.spec || head.spec) notCompared.push(`spec: only the ${base.spec ? 'base' : 'release'} has one`);
  compareAuth(base, head, changes);
  if (base.streams && head.streams) compareStreams(base.streams, head.streams, changes);
  else if (base.streams || head.streams) notCompared.push(`streams: not known for the ${!base.streams ? 'base' : 'release'}`);
  return { changes, notCompared };
}

/**
 * OAuth changes need work on the platform side (OAuth app parameters, consent flow), whatever their
 * breaking status: adding OAuth is a feature, changing or removing an existing flow forces users to re-authenticate.
 */
function compareAuth(base: ConnectorSnapshot, head: ConnectorSnapshot, out: ReleaseChange[]): void {
  if (!isDeepStrictEqual(base.advancedAuth ?? null, head.advancedAuth ?? null)) {
    const added = base.advancedAuth === undefined;
    out.push({
      kind: 'oauth-flow-changed',
      breaking: !added,
      needsPlatformChange: true,
      path: 'advanced_auth',
      message: added ? 'spec: advanced_auth (OAuth flow) added; the platform needs the OAuth app configured' : `spec: advanced_auth (OAuth flow) ${head.advancedAuth === undefined ? 'removed' : 'changed'}; users must re-authenticate and the platform's OAuth setup must change with it`,
    });
  }
  if (base.oauthAuthenticators && head.oauthAuthenticators && !isDeepStrictEqual(base.oauthAuthenticators, head.oauthAuthenticators)) {
    const added = base.oauthAuthenticators.length === 0;
    out.push({
      kind: 'authenticator-changed',
      breaking: !added,
      needsPlatformChange: true,
      message: `authenticator: OAuth ${show(base.oauthAuthenticators)} → ${show(head.oauthAuthenticators)}; a changed grant needs platform changes`,
    });
  }
}

function compareStreams(base: StreamSnapshot[], head: StreamSnapshot[], out: ReleaseChange[]): void {
  const headByName = new Map(head.map((s) => [s.name, s]));
  const baseByName = new Map(base.map((s) => [s.name, s]));
  const removed = base.filter((s) => !headByName.has(s.name));
  const added = head.filter((s) => !baseByName.has(s.name));
  const renamedTo = new Set<string>();
  for (const s of removed) {
    // Same schema under a new name is a rename: still breaking (users' connections reference the old name).
    const twin = s.schema && added.find((a) => !renamedTo.has(a.name) && isDeepStrictEqual(a.schema, s.schema));
    if (twin) renamedTo.add(twin.name);
    if (twin) out.push({ kind: 'stream-renamed', breaking: true, stream: s.name, message: `stream ${s.name} renamed to ${twin.name}; connections syncing it must be reconfigured` });
    else out.push({ kind: 'stream-removed', breaking: true, stream: s.name, message: `stream ${s.name} removed; connections syncing it lose it` });
  }
  for (const s of added) if (!renamedTo.has(s.name)) out.push({ kind: 'stream-added', breaking: false, stream: s.name, message: `stream ${s.name} added` });
  for (const b of base) {
    const h = headByName.get(b.name);
    if (!h) continue;
    if (b.schema && h.schema) compareRecordSchemas(b.name, b.schema, h.schema, '', out);
    if (!b.keysKnown || !h.keysKnown) continue;
    // Gaining a key or a cursor only offers a new sync mode; changing or losing one invalidates what users run.
    if (!isDeepStrictEqual(b.primaryKey ?? null, h.primaryKey ?? null)) {
      const gained = b.primaryKey === undefined;
      out.push({ kind: 'primary-key-changed', breaking: !gained, stream: b.name, message: `${b.name}: primary key ${show(b.primaryKey)} → ${show(h.primaryKey)}${gained ? '; deduplication now possible' : '; deduplicated destinations must be reset'}` });
    }
    if (!isDeepStrictEqual(b.cursorField ?? null, h.cursorField ?? null)) {
      const gained = b.cursorField === undefined;
      out.push({ kind: 'cursor-field-changed', breaking: !gained, stream: b.name, message: `${b.name}: cursor field ${show(b.cursorField)} → ${show(h.cursorField)}${gained ? '; incremental sync now possible' : '; saved state no longer applies, a re-sync is needed'}` });
    }
  }
}

/** Streams that breaking changes touch, for `scopedImpact`. */
export function impactedStreams(changes: ReleaseChange[]): string[] {
  return [...new Set(changes.filter((c) => c.breaking && c.stream).map((c) => c.stream!))].sort();
}
