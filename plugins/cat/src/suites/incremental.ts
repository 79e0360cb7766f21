import type { ConfiguredAirbyteCatalog } from '@conveyor/protocol';
import type { CatConfig, TestEntry } from '../config/types';
import { configuredCatalog } from '../run/catalog';
import type { CatRun } from '../run/context';
import { fail, failIfAny, skip } from '../run/outcome';
import { ReadCollector } from '../run/read-collector';
import { compareCursor, valueAt } from './compare';
import { readSequentialSlices } from './sequential-slices';

const label = (name: string, entry: TestEntry) => (entry.index > 0 ? `${name} #${entry.index + 1}` : name);

/** The incremental streams of the test's catalog, each with the cursor it is read by. */
async function incrementalCatalog(run: CatRun, entry: TestEntry, config: unknown): Promise<ConfiguredAirbyteCatalog> {
  const base = await configuredCatalog(run, entry, config);
  const streams = base.streams.filter((s) => s.stream.supported_sync_modes?.includes('incremental'));
  if (streams.length === 0) skip('no stream of the catalog supports incremental sync');
  const noCursor = streams.filter((s) => !(s.cursor_field?.length || s.stream.default_cursor_field?.length)).map((s) => `\`${s.stream.name}\``);
  if (noCursor.length) fail(`no cursor_field in the configured catalog and no default_cursor_field for ${noCursor.join(', ')}`);
  return {
    streams: streams.map((s) => ({ ...s, sync_mode: 'incremental' as const, destination_sync_mode: 'append' as const, cursor_field: s.cursor_field?.length ? s.cursor_field : s.stream.default_cursor_field })),
  };
}

/** DeepDiff(ignore_order=True) finds no difference: the same distinct records in every stream. */
function sameRecordSets(a: ReadCollector, b: ReadCollector): boolean {
  for (const name of new Set([...a.streams.keys(), ...b.streams.keys()])) {
    const sa = a.streams.get(name);
    const sb = b.streams.get(name);
    if (!sa?.records && !sb?.records) continue;
    if (!sa || !sb) return false;
    if (sa.hashes && sb.hashes) {
      if (sa.hashes.size !== sb.hashes.size || [...sa.hashes.keys()].some((h) => !sb.hashes!.has(h))) return false;
    } else if (!sa.fingerprint.equals(sb.fingerprint)) return false;
  }
  return true;
}

/** The cursor value a stream state holds: `{updated_at: …}` for cursor `updated_at`, as the CDK writes it. */
function stateCursor(state: unknown, cursor: string[]): unknown {
  const v = valueAt(state, cursor) ?? valueAt(state, [cursor[cursor.length - 1]]);
  return v === null || typeof v === 'object' ? undefined : v;
}

/** TestIncremental: a second read from the first read's state re-reads nothing older; future state reads nothing. */
export async function incrementalSuite(run: CatRun, entries: TestEntry[], config: CatConfig): Promise<void> {
  for (const entry of entries) {
    let first: ReadCollector | undefined;
    let catalog: ConfiguredAirbyteCatalog | undefined;
    let cfg: Record<string, unknown> | undefined;
    const sequential = await run.test('incremental', label('two_sequential_reads', entry), entry, async () => {
      cfg = await run.loadConfig(entry);
      catalog = await incrementalCatalog(run, entry, cfg);
      const cursors = new Map(catalog.streams.map((s) => [s.stream.name, s.cursor_field!]));
      first = new ReadCollector(catalog, { fingerprint: true });
      const r1 = await run.invoke('incremental', entry, 'read', { config: cfg, catalog }, first.onMessage, { cassette: 'read1' });
      failIfAny([...r1.problems, ...first.traceErrors.map((e) => `the connector reported an error: ${e}`)].map((p) => `read 1: ${p}`), 'read problems');
      if (first.records === 0) fail('read 1 returned no records');
      if (first.stateCount === 0) fail('read 1 emitted no STATE message: an incremental stream must checkpoint its cursor');
      // Like CAT, when the last state is LEGACY its `data` is passed back (basic_read's state_messages check flags LEGACY).
      const state = first.lastStateType === 'LEGACY' ? first.latestLegacy : first.stateForNextRead();
      const before = new Map<string, { count: number; example: string }>();
      const bounds = new Map([...cursors].map(([name, cursor]) => [name, stateCursor(first!.latestState.get(name), cursor)]));
      const second = new ReadCollector(catalog, {
        fingerprint: true,
        onRecord(stream, data, n) {
          const bound = bounds.get(stream);
          const cursor = cursors.get(stream)!;
          const value = valueAt(data, cursor);
          if (bound === undefined || value === undefined || value === null || compareCursor(value, bound) >= 0) return;
          const hit = before.get(stream) ?? { count: 0, example: `record #${n} has ${cursor.join('.')}=${JSON.stringify(value)}` };
          hit.count++;
          before.set(stream, hit);
        },
      });
      const r2 = await run.invoke('incremental', entry, 'read', { config: cfg, catalog, state }, second.onMessage, { cassette: 'read2' });
      failIfAny([...r2.problems, ...second.traceErrors.map((e) => `the connector reported an error: ${e}`)].map((p) => `read 2: ${p}`), 'read problems');
      // CAT asserts only that the two reads differ (DeepDiff of all records, order and repetition ignored).
      // The cursor observations below explain a failure, and are reported as notes when the reads differ.
      const notes: string[] = [];
      for (const [stream, hit] of before)
        notes.push(`stream \`${stream}\`: read 2 re-read ${hit.count} records from before the state's cursor ${cursors.get(stream)!.join('.')}=${JSON.stringify(bounds.get(stream))} (${hit.example})`);
      for (const [stream, bound] of bounds) {
        const next = stateCursor(second.latestState.get(stream), cursors.get(stream)!);
        if (bound !== undefined && next !== undefined && compareCursor(next, bound) < 0)
          notes.push(`stream \`${stream}\`: the state moved backwards from ${JSON.stringify(bound)} to ${JSON.stringify(next)}`);
      }
      if (sameRecordSets(first, second))
        fail(`records should change between reads but did not: read 2 from read 1's state returned the same records (${second.records})${notes.length ? `; ${notes.join('; ')}` : ''}; the connector ignores its input state`);
      return `read 1: ${first.records} records, ${first.stateCount} states; read 2 from that state: ${second.records} records${notes.length ? ` (note: ${notes.join('; ')})` : ''}`;
    });
    // Independent of the test above, as in CAT: it makes its own reads, one stream at a time.
    await run.test('incremental', label('read_sequential_slices', entry), entry, async () => {
      if (entry.skip_comprehensive_incremental_tests) skip('Skipping new incremental test based on acceptance-test-config.yml (skip_comprehensive_incremental_tests: true)');
      const c = cfg ?? (await run.loadConfig(entry));
      return readSequentialSlices(run, entry, c, catalog ?? (await incrementalCatalog(run, entry, c)));
    });
    await run.test('incremental', label('state_with_abnormally_large_values', entry), entry, async () => {
      const fs = entry.future_state;
      if (fs?.bypass_reason) skip(`bypassed: ${fs.bypass_reason}`);
      if (!fs?.future_state_path) {
        if (config.strictness === 'high') fail('future_state.future_state_path is required at test_strictness_level high');
        skip('no future_state.future_state_path');
      }
      const cfg = await run.loadConfig(entry);
      const catalog = await incrementalCatalog(run, entry, cfg);
      const state = run.readJson<unknown>(fs!.future_state_path!, 'future state');
      if (config.strictness === 'high') {
        const inFile = new Set((Array.isArray(state) ? state : []).map((s) => (s as { stream?: { stream_descriptor?: { name?: string } } }).stream?.stream_descriptor?.name));
        const bypassed = new Set((fs!.missing_streams ?? []).map((s) => s.name));
        const missing = catalog.streams.map((s) => s.stream.name).filter((n) => !inFile.has(n) && !bypassed.has(n));
        if (missing.length) fail(`${fs!.future_state_path} has no state for ${missing.map((n) => `\`${n}\``).join(', ')} (add it, or list it under missing_streams with a bypass_reason)`);
      }
      const c = new ReadCollector(catalog);
      const { problems } = await run.invoke('incremental', entry, 'read', { config: cfg, catalog, state }, c.onMessage, { cassette: 'future-state' });
      failIfAny([...problems, ...c.traceErrors.map((e) => `the connector reported an error: ${e}`)], 'read problems');
      const read = [...c.streams].filter(([, s]) => s.records > 0).map(([n, s]) => `\`${n}\` (${s.records})`);
      if (read.length) fail(`reading from the future state ${fs!.future_state_path} returned records for ${read.join(', ')}; expected none`);
      if (c.stateCount === 0) fail('reading from the future state emitted no STATE message');
      return 'no records, as expected';
    });
  }
}
