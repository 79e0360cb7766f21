import type { AirbyteMessage, ConfiguredAirbyteCatalog, ConfiguredAirbyteStream } from '@conveyor/protocol';
import type { TestEntry } from '../config/types';
import type { CatRun } from '../run/context';
import { fail, failIfAny, skip } from '../run/outcome';
import { canonical, Fingerprint, recordHash } from './compare';

/** CAT samples about this many checkpoints per stream (MIN_BATCHES_TO_TEST). */
const MIN_BATCHES_TO_TEST = 5;
const MAX_DISTINCT = 100_000;

function sameRecords(a: StreamRead, b: StreamRead): boolean {
  if (a.distinct && b.distinct) return a.distinct.size === b.distinct.size && [...b.distinct].every((h) => a.distinct!.has(h));
  return a.fingerprint.equals(b.fingerprint);
}

type StateMessage = AirbyteMessage & { type: 'STATE' };

interface StreamRead {
  records: number;
  /** Distinct records, by hash: DeepDiff(ignore_order=True) sees no difference between equal sets. */
  distinct: Set<string> | undefined;
  /** Used instead when there are too many distinct records to keep (memory stays bounded). */
  fingerprint: Fingerprint;
  states: StateMessage[];
  problems: string[];
}

async function readOne(run: CatRun, entry: TestEntry, config: unknown, stream: ConfiguredAirbyteStream, state: unknown, cassette: string): Promise<StreamRead> {
  const out: StreamRead = { records: 0, distinct: new Set(), fingerprint: new Fingerprint(), states: [], problems: [] };
  const catalog: ConfiguredAirbyteCatalog = { streams: [stream] };
  const r = await run.invoke('incremental', entry, 'read', { config, catalog, ...(state ? { state } : {}) }, (m) => {
    if (m.type === 'RECORD') {
      out.records++;
      const hash = recordHash(m.record.data);
      out.fingerprint.add(hash);
      if (out.distinct && out.distinct.size >= MAX_DISTINCT) out.distinct = undefined;
      out.distinct?.add(hash);
    } else if (m.type === 'STATE') out.states.push(m as StateMessage);
    else if (m.type === 'TRACE' && m.trace.type === 'ERROR') out.problems.push(`the connector reported an error: ${m.trace.error?.message}`);
  }, { cassette });
  out.problems.unshift(...r.problems);
  return out;
}

const stateValue = (m: StateMessage): string => canonical(m.state.stream ? m.state.stream.stream_state : m.state);
const recordCount = (m: StateMessage): number => (m.state as { sourceStats?: { recordCount?: number } }).sourceStats?.recordCount ?? 0;

/**
 * CAT's _get_unique_state_messages_with_record_count: runs of equal states collapse into their first
 * message (its count becomes the run's sum), zero-count states are dropped, and each remaining state is paired
 * with the records expected after it (the total minus the counts up to and including it).
 */
export function uniqueStatesWithExpectedCount(states: StateMessage[]): { state: StateMessage; count: number; expected: number }[] {
  if (states.length <= 1) return states.filter((s) => recordCount(s)).map((state) => ({ state, count: recordCount(state), expected: 0 }));
  const unique: { state: StateMessage; count: number }[] = [];
  let current = 0;
  while (current < states.length - 1) {
    let next = current + 1;
    while (stateValue(states[current]) === stateValue(states[next]) && next < states.length - 1) next++;
    unique.push({ state: states[current], count: states.slice(current, next).reduce((n, s) => n + recordCount(s), 0) });
    if (next === states.length - 1 && stateValue(states[current]) !== stateValue(states[next])) unique.push({ state: states[next], count: recordCount(states[next]) });
    current = next;
  }
  const nonZero = unique.filter((u) => u.count);
  const total = nonZero.reduce((n, u) => n + u.count, 0);
  let seen = 0;
  return nonZero.map((u) => ((seen += u.count), { ...u, expected: total - seen }));
}

/** CAT's _states_with_expected_record_count_batch_selector: the last state when fewer than 3, else a sample of the inner ones. */
export function selectCheckpoints<T>(unique: T[]): T[] {
  if (unique.length < 3) return unique.slice(-1);
  const rate = Math.floor(unique.length / MIN_BATCHES_TO_TEST) || 1;
  return unique.filter((_, i) => i !== 0 && i !== unique.length - 1 && i % rate === 0);
}

/**
 * TestIncremental.test_read_sequential_slices (tests/test_incremental.py): each stream is read alone; from
 * each sampled checkpoint (its STREAM states accumulated) a new read must return at least the records the
 * checkpoints after it counted, and something other than the full read.
 */
export async function readSequentialSlices(run: CatRun, entry: TestEntry, config: unknown, catalog: ConfiguredAirbyteCatalog): Promise<string> {
  if (entry.skip_comprehensive_incremental_tests) skip('Skipping new incremental test based on acceptance-test-config.yml (skip_comprehensive_incremental_tests: true)');
  const problems: string[] = [];
  let reads = 0;
  for (const stream of catalog.streams) {
    const name = stream.stream.name;
    const full = await readOne(run, entry, config, stream, undefined, `slices-${name}`);
    failIfAny(full.problems.map((p) => `reading \`${name}\` alone: ${p}`), 'read problems');
    if (full.records === 0 || full.states.length === 0) continue;
    const picked = selectCheckpoints(uniqueStatesWithExpectedCount(full.states));
    if (picked.length === 0) fail(`stream \`${name}\`: unable to test because there is no suitable state checkpoint, likely due to a zero sourceStats.recordCount in its states`);
    const perStream = new Map<string, unknown>();
    for (const [i, cp] of picked.entries()) {
      const s = cp.state.state;
      if (s.type === 'STREAM' && s.stream?.stream_state) perStream.set(s.stream.stream_descriptor.name, s.stream.stream_state);
      const input = [...perStream].map(([n, stream_state]) => ({ type: 'STREAM', stream: { stream_descriptor: { name: n }, stream_state } }));
      const got = await readOne(run, entry, config, stream, input, `slice${++reads}`);
      failIfAny(got.problems.map((p) => `resuming \`${name}\` from ${JSON.stringify(input)}: ${p}`), 'read problems');
      const where = `stream \`${name}\`, read ${i + 1} of ${picked.length} from the state ${JSON.stringify(s.stream?.stream_state ?? s)}`;
      if (got.records < cp.expected) problems.push(`${where} returned ${got.records} records, but the states after it counted ${cp.expected}; records are lost on resume`);
      else if (sameRecords(full, got))
        problems.push(`${where} returned the same records as the full read; the connector ignores its input state`);
    }
  }
  if (reads === 0) skip('no stream returned both records and STATE messages to resume from');
  failIfAny(problems, 'slices that lose records');
  return `${reads} resumed reads returned every record after their checkpoint`;
}
