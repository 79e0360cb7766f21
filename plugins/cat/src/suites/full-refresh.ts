import type { TestEntry } from '../config/types';
import { configuredCatalog } from '../run/catalog';
import type { CatRun } from '../run/context';
import { fail, failIfAny } from '../run/outcome';
import { ReadCollector } from '../run/read-collector';

const label = (name: string, entry: TestEntry) => (entry.index > 0 ? `${name} #${entry.index + 1}` : name);

/**
 * TestFullRefresh.test_sequential_reads (tests/test_full_refresh.py): the catalog's full-refresh-capable streams
 * are read twice; the first read must return records and every record of the second read must be emitted
 * after the last one of the first. Like CAT, the two reads' records are not compared, so `ignored_fields`
 * only matter for the high-strictness rule that each needs a bypass_reason (checked with the config).
 */
export async function fullRefreshSuite(run: CatRun, entries: TestEntry[]): Promise<void> {
  for (const entry of entries) {
    await run.test('full_refresh', label('sequential_reads', entry), entry, async () => {
      const config = await run.loadConfig(entry);
      const base = await configuredCatalog(run, entry, config);
      // CAT full_refresh_only_catalog: streams that cannot be read in full refresh are left out.
      const streams = base.streams.filter((s) => s.stream.supported_sync_modes?.includes('full_refresh'));
      if (streams.length === 0) fail('no stream of the catalog supports full_refresh');
      const catalog = { streams: streams.map((s) => ({ ...s, sync_mode: 'full_refresh' as const, destination_sync_mode: 'overwrite' as const })) };
      const reads: ReadCollector[] = [];
      for (const n of [1, 2]) {
        // CAT sleeps 0.1 s between the reads so that emitted_at can move on.
        if (n === 2) await new Promise((r) => setTimeout(r, 100));
        const c = new ReadCollector(catalog);
        const { problems } = await run.invoke('full_refresh', entry, 'read', { config, catalog }, c.onMessage, { cassette: `read${n}` });
        failIfAny([...problems, ...c.traceErrors.map((e) => `the connector reported an error: ${e}`)].map((p) => `read ${n}: ${p}`), 'read problems');
        reads.push(c);
      }
      const [a, b] = reads;
      if (a.records === 0) fail('the first read returned no records');
      if (b.records === 0) fail('the second read returned no records, so its emitted_at cannot be compared with the first read');
      const maxA = Math.max(...[...a.streams.values()].map((s) => s.maxEmittedAt));
      const minB = Math.min(...[...b.streams.values()].map((s) => s.minEmittedAt));
      if (maxA >= minB) {
        const early = [...b.streams].filter(([, s]) => s.records && s.minEmittedAt <= maxA).map(([n]) => `\`${n}\``);
        fail(`emitted_at should increase on subsequent runs: the second read has records emitted at ${minB}, not after the first read's last record (${maxA}); streams ${early.join(', ')}`);
      }
      return `read 1: ${a.records} records, read 2: ${b.records} records, all emitted after read 1`;
    });
  }
}
