import semver from 'semver';
import type { ReleaseChange } from './changes';

export interface MigrationSection {
  version: string;
  /** Why the release breaks; the breakingChanges message. */
  message: string;
  upgradeDeadline: string;
  changes: ReleaseChange[];
  impactedStreams: string[];
}

const UPGRADING = /^##\s+Upgrading to\s+`?v?([0-9A-Za-z.+-]+?)`?\s*$/;

/** The section Airbyte's CheckMigrationGuide expects: `## Upgrading to X.Y.Z`, with what/why/who/how under it. */
export function renderMigrationSection(s: MigrationSection): string[] {
  const breaking = s.changes.filter((c) => c.breaking);
  const specChanged = breaking.some((c) => !c.stream);
  const out = [`## Upgrading to ${s.version}`, '', s.message, '', '### What changed', '', ...breaking.map((c) => `- ${c.message}`), '', '### Who is affected', ''];
  if (s.impactedStreams.length) out.push(`Connections that sync ${s.impactedStreams.map((n) => `\`${n}\``).join(', ')}.`);
  if (specChanged) out.push(`${s.impactedStreams.length ? 'Also every' : 'Every'} connection using this connector: its configuration changed.`);
  out.push('', '### How to upgrade', '', `1. Upgrade the connector to ${s.version} before ${s.upgradeDeadline}; after that date the platform upgrades it for you.`);
  let step = 2;
  if (specChanged) out.push(`${step++}. Open the source settings, fill in what the new configuration asks for and save.`);
  if (s.impactedStreams.length) out.push(`${step++}. Refresh the source schema, then clear (reset) the affected streams and sync them again.`);
  if (breaking.some((c) => c.needsPlatformChange)) out.push(`${step++}. Re-authenticate: the OAuth flow changed.`);
  return [...out, ''];
}

/**
 * Add the section to `<name>-migrations.md` (created with `# <Name> Migration Guide` when missing), keeping
 * sections in descending version order as CheckMigrationGuide requires. A section already there is left alone.
 */
export function addMigrationSection(page: string | undefined, connectorTitle: string, section: MigrationSection): string {
  const body = renderMigrationSection(section);
  if (page === undefined || page.trim() === '') return [`# ${connectorTitle} Migration Guide`, '', ...body].join('\n');
  const nl = page.includes('\r\n') ? '\r\n' : '\n';
  const lines = page.split(/\r?\n/);
  const headings = lines.map((l, i) => ({ i, v: UPGRADING.exec(l)?.[1] })).filter((h) => h.v);
  if (headings.some((h) => semver.valid(h.v!) && semver.eq(h.v!, section.version))) return page;
  const next = headings.find((h) => semver.valid(h.v!) && semver.lt(h.v!, section.version));
  if (next) {
    lines.splice(next.i, 0, ...body);
    return lines.join(nl);
  }
  let last = lines.length;
  while (last > 0 && lines[last - 1].trim() === '') last--;
  return [...lines.slice(0, last), '', ...body].join(nl);
}

/** Versions of the `## Upgrading to` sections, in file order. */
export function migrationGuideVersions(page: string): string[] {
  return page.split(/\r?\n/).map((l) => UPGRADING.exec(l)?.[1]).filter((v): v is string => !!v);
}
