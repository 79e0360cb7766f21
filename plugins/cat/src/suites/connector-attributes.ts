import type { TestEntry } from '../config/types';
import type { CatRun } from '../run/context';
import { fail, skip } from '../run/outcome';

const label = (name: string, entry: TestEntry) => (entry.index > 0 ? `${name} #${entry.index + 1}` : name);

type Metadata = { ab_internal?: { ql?: number }; allowedHosts?: { hosts?: unknown[] } | null; suggestedStreams?: { streams?: unknown[] } | null } & Record<string, unknown>;

/** CAT's is_connector_certified: metadata `ab_internal.ql` of 400 or more. */
export function isCertified(run: CatRun): boolean {
  const ql = (run.connector.metadata as Metadata | undefined)?.ab_internal?.ql;
  return typeof ql === 'number' && ql >= 400;
}

interface AttributesEntry extends TestEntry {
  streams_without_primary_key?: { name: string; bypass_reason?: string }[];
  allowed_hosts?: { bypass_reason?: string };
  suggested_streams?: { bypass_reason?: string };
}

/**
 * TestConnectorAttributes (tests/test_core.py): operational checks for certified connectors only; an
 * uncertified connector skips each test, as CAT's operational_certification_test fixture does.
 */
export async function connectorAttributesSuite(run: CatRun, entries: TestEntry[]): Promise<void> {
  const uncertified = 'Skipping operational connector certification test for uncertified connector (ab_internal.ql < 400)';
  const metadata = (run.connector.metadata ?? {}) as Metadata;
  for (const e of entries as AttributesEntry[]) {
    await run.test('connector_attributes', label('streams_define_primary_key', e), e, async () => {
      if (!isCertified(run)) skip(uncertified);
      const config = await run.loadConfig(e);
      const streams = (await run.discover(e, config)).catalog.streams;
      const allowed = new Set((e.streams_without_primary_key ?? []).map((s) => s.name));
      const missing = streams.filter((s) => !s.source_defined_primary_key?.length && !allowed.has(s.name)).map((s) => `'${s.name}'`);
      if (missing.length) fail(`the following streams ${missing.join(', ')} do not define a primary_key (or list them under streams_without_primary_key with a bypass_reason)`);
      return `${streams.filter((s) => s.source_defined_primary_key?.length).length} of ${streams.length} streams define a primary key${allowed.size ? `; streams_without_primary_key: ${[...allowed].join(', ')}` : ''}`;
    });
    await run.test('connector_attributes', label('certified_connector_has_allowed_hosts', e), e, () => {
      if (!isCertified(run)) skip(uncertified);
      if (e.allowed_hosts?.bypass_reason) skip(`Skipping \`metadata.allowedHosts\` checks. Reason: ${e.allowed_hosts.bypass_reason}`);
      if (!('allowedHosts' in metadata)) fail('the `allowedHosts` property is missing in `data` of metadata.yaml');
      if (!metadata.allowedHosts || !('hosts' in metadata.allowedHosts)) fail('the `hosts` property is missing in `data.allowedHosts` of metadata.yaml');
      if (!metadata.allowedHosts!.hosts?.length)
        fail('`data.allowedHosts.hosts` of metadata.yaml is empty, which certified connectors may not be; add the hosts, or set `allowed_hosts.bypass_reason` in acceptance-test-config.yml');
      return `allowedHosts: ${metadata.allowedHosts!.hosts!.join(', ')}`;
    });
    await run.test('connector_attributes', label('certified_connector_has_suggested_streams', e), e, () => {
      if (!isCertified(run)) skip(uncertified);
      if (e.suggested_streams?.bypass_reason) skip(`Skipping \`metadata.suggestedStreams\` checks. Reason: ${e.suggested_streams.bypass_reason}`);
      if (!('suggestedStreams' in metadata)) fail('the `suggestedStreams` property is missing in `data` of metadata.yaml');
      if (!metadata.suggestedStreams || !('streams' in metadata.suggestedStreams)) fail('the `streams` property is missing in `data.suggestedStreams` of metadata.yaml');
      if (!metadata.suggestedStreams!.streams?.length) fail('`data.suggestedStreams.streams` of metadata.yaml is empty, which certified connectors may not be');
      return `suggestedStreams: ${metadata.suggestedStreams!.streams!.join(', ')}`;
    });
  }
}
