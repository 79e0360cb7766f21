import { describe, expect, it } from 'vitest';
import type { AirbyteMessage } from '@conveyor/protocol';
import { selectCheckpoints, uniqueStatesWithExpectedCount } from '../src/suites/sequential-slices';

type StateMessage = AirbyteMessage & { type: 'STATE' };
const st = (cursor: string, recordCount: number): StateMessage =>
  ({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'items' }, stream_state: { updated_at: cursor } }, sourceStats: { recordCount } } }) as StateMessage;
const view = (u: ReturnType<typeof uniqueStatesWithExpectedCount>) => u.map((x) => [(x.state.state.stream!.stream_state as { updated_at: string }).updated_at, x.count, x.expected]);

describe('read_sequential_slices checkpoints, as CAT selects them', () => {
  it('collapses runs of equal states (summing their counts), drops zero counts, and expects the records counted after each', () => {
    const states = [st('a', 0), st('b', 2), st('b', 3), st('c', 1), st('d', 4)];
    expect(view(uniqueStatesWithExpectedCount(states))).toEqual([
      ['b', 5, 5],
      ['c', 1, 4],
      ['d', 4, 0],
    ]);
    // A single state is kept (expecting nothing) only when it counted records.
    expect(view(uniqueStatesWithExpectedCount([st('z', 7)]))).toEqual([['z', 7, 0]]);
    expect(uniqueStatesWithExpectedCount([st('z', 0)])).toEqual([]);
  });

  it('takes the last of fewer than three, else samples the inner ones (never the first or last)', () => {
    expect(selectCheckpoints([1, 2])).toEqual([2]);
    expect(selectCheckpoints([1, 2, 3, 4, 5])).toEqual([2, 3, 4]);
    const twenty = Array.from({ length: 20 }, (_, i) => i);
    // 20 states: every fourth (20 / MIN_BATCHES_TO_TEST), skipping index 0 and 19.
    expect(selectCheckpoints(twenty)).toEqual([4, 8, 12, 16]);
  });
});
