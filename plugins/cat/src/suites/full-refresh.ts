import type { TestEntry } from '../config/types';
import { configuredCatalog, ignoredFieldNames } from '../run/catalog';
import type { CatRun } from '../run/context';
import { fail, failIfAny } from '../run/outcome';
import { ReadCollector } from '../run/read-collector';

const label = (name: string, entry: TestEntry) => (entry.index > 0 ? `${name} #${entry.index + 1}` : name);

/** TestFullRefresh.test_sequential_reads: two full-refresh reads in a row return the same records. */
export async function fullRefreshSuite(run: CatRun, entries: TestEntry[]): Promise<void> {
  for (const entry of entries) {
    await run.test('full_refresh', label('sequential_reads', entry), entry, async () => {
      const config = await run.loadConfig(entry);
      const base = await configuredCatalog(run, entry, config);
      const catalog = { streams: base.streams.map((s) => ({ ...s, sync_mode: 'full_refresh' as const, destination_sync_mode: 'overwrite' as const })) };
      const ignored = ignoredFieldNames(entry);
      const reads: ReadCollector[] = [];
      for (const n of [1, 2]) {
        const c = new ReadCollector(catalog, { ignoredFields: ignored, fingerprint: true });
        const { problems } = await run.invoke('full_refresh', entry, 'read', { config, catalog }, c.onMessage, { cassette: `read${n}` });
        failIfAny([...problems, ...c.traceErrors.map((e) => `the connector reported an error: ${e}`)].map((p) => `read ${n}: ${p}`), 'read problems');
        reads.push(c);
      }
      const [a, b] = reads;
      if (a.records === 0) fail('the first read returned no records');
      const problems: string[] = [];
      for (const [name, sa] of a.streams) {
        const sb = b.streams.get(name)!;
        if (sa.records && sb.records && sa.maxEmittedAt >= sb.minEmittedAt) problems.push(`stream \`${name}\`: the second read has records emitted before the first read ended (emitted_at ${sb.minEmittedAt} ≤ ${sa.maxEmittedAt})`);
        if (sa.fingerprint.equals(sb.fingerprint)) continue;
        let detail = '';
        if (sa.hashes && sb.hashes) {
          const onlyA = [...sa.hashes].filter(([h, n]) => (sb.hashes!.get(h) ?? 0) < n).length;
          const onlyB = [...sb.hashes].filter(([h, n]) => (sa.hashes!.get(h) ?? 0) < n).length;
          detail = `; ${onlyA} distinct records only in read 1, ${onlyB} only in read 2`;
        }
        problems.push(`stream \`${name}\`: read 1 returned ${sa.records} records, read 2 returned ${sb.records}, and they differ${detail}${Object.keys(ignored).length ? '' : ' (list fast-changing fields under ignored_fields)'}`);
      }
      failIfAny(problems, 'differences between the two reads');
      return `both reads returned the same ${a.records} records`;
    });
  }
}
