import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConfiguredAirbyteCatalog } from '@conveyor/protocol';
import type { TestEntry } from '../src/config/types';
import { ExpectedRecords } from '../src/suites/expected-records';

const dir = mkdtempSync(join(tmpdir(), 'cat-expected-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, 'expected_records.jsonl');
writeFileSync(
  file,
  [1, 2, 3].map((id) => JSON.stringify({ stream: 'users', data: { id, name: `u${id}`, seen_at: `t${id}` }, emitted_at: 0 })).join('\n') + '\n\n',
);

const catalog = (pk?: string[][]): ConfiguredAirbyteCatalog => ({
  streams: [{ stream: { name: 'users', json_schema: {}, supported_sync_modes: ['full_refresh'], ...(pk ? { source_defined_primary_key: pk } : {}) }, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }],
});

function match(entry: Partial<TestEntry>, read: Record<string, unknown>[], pk?: string[][]) {
  const e = new ExpectedRecords('expected_records.jsonl', file, { index: 0, ...entry } as TestEntry, catalog(pk));
  read.forEach((data) => e.onRecord('users', data));
  return e.problems(new Set(['users']));
}

const rec = (id: number, seen = `t${id}`) => ({ id, name: `u${id}`, seen_at: seen });
const ID = [['id']];

describe('expect_records, as CAT compare_records', () => {
  it('with a primary key: every expected key must be read, in any order; extra records and changed values are allowed', () => {
    expect(match({}, [rec(3, 'later'), rec(9), rec(1), { id: 2, name: 'renamed' }], ID)).toEqual([]);
  });

  it('with a primary key: names the expected key that was not read, with its line', () => {
    expect(match({}, [rec(1), rec(3), rec(4)], ID)).toEqual(['stream `users`: 1 expected primary key (id) was not read; first: [2] (expected_records.jsonl:2)']);
  });

  it('with a primary key and exact_order: the first keys read must be the expected keys in file order; more may follow', () => {
    expect(match({ expect_records: { exact_order: true } }, [rec(1), rec(2), rec(3), rec(0)], ID)).toEqual([]);
    expect(match({ expect_records: { exact_order: true } }, [rec(1), rec(3), rec(2)], ID)).toEqual([
      'stream `users`: the primary keys (id) read do not start with the expected ones in order (exact_order): expected_records.jsonl:2 expects [2] at position 2, but record #2 read has primary key [3]',
    ]);
    // A record the file does not have, read before the expected ones, breaks the prefix.
    expect(match({ expect_records: { exact_order: true } }, [rec(0), rec(1), rec(2), rec(3)], ID)).toHaveLength(1);
    expect(match({ expect_records: { exact_order: true } }, [rec(1)], ID)[0]).toContain('only 1 records were read');
  });

  it('nested primary key paths are followed; a missing part is null', () => {
    expect(match({}, [{ id: 1 }, { id: 2 }, { id: 3 }], [['id'], ['meta', 'x']])).toEqual([]);
    expect(match({}, [{ id: 1, meta: { x: 1 } }, { id: 2 }, { id: 3 }], [['id'], ['meta', 'x']])).toEqual([
      'stream `users`: 1 expected primary key (id, meta.x) was not read; first: [1,null] (expected_records.jsonl:1)',
    ]);
  });

  it('without a primary key: fails only when fewer records are read than expected', () => {
    // As many or more records pass, whatever their content: CAT does not compare them then.
    expect(match({}, [rec(7), rec(8), rec(9)])).toEqual([]);
    expect(match({ expect_records: { exact_order: true } }, [rec(3), rec(2), rec(1), rec(4)])).toEqual([]);
    const problems = match({}, [rec(1), rec(3)]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^stream `users`: read 2 records but expected_records.jsonl expects at least 3; first expected record not read: expected_records.jsonl:2 /);
  });

  it('ignored_fields take no part (CAT computes them but does not pass them to the comparison)', () => {
    const e = new ExpectedRecords('expected_records.jsonl', file, { index: 0, ignored_fields: { users: [{ name: 'id' }] } } as TestEntry, catalog(ID));
    [rec(1), rec(2)].forEach((d) => e.onRecord('users', d));
    expect(e.problems(new Set(['users']))).toHaveLength(1);
  });

  it('a stream of the file that is not configured is reported', () => {
    const e = new ExpectedRecords('expected_records.jsonl', file, { index: 0 } as TestEntry, catalog());
    expect(e.problems(new Set(['orders']))).toEqual(['expected_records.jsonl has records of stream `users`, which is not in the configured catalog']);
  });
});
