import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TestEntry } from '../src/config/types';
import { ExpectedRecords } from '../src/suites/expected-records';

const dir = mkdtempSync(join(tmpdir(), 'cat-expected-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, 'expected_records.jsonl');
writeFileSync(
  file,
  [1, 2, 3].map((id) => JSON.stringify({ stream: 'users', data: { id, name: `u${id}`, seen_at: `t${id}` }, emitted_at: 0 })).join('\n') + '\n\n',
);

function match(entry: Partial<TestEntry>, read: Record<string, unknown>[], ignored: Record<string, string[]> = {}) {
  const e = new ExpectedRecords('expected_records.jsonl', file, { index: 0, ...entry } as TestEntry, ignored);
  read.forEach((data) => e.onRecord('users', data));
  return e.problems(new Set(['users']));
}

const rec = (id: number, seen = `t${id}`) => ({ id, name: `u${id}`, seen_at: seen });

describe('expect_records', () => {
  it('passes when every expected record is read, in any order, with extra records allowed', () => {
    expect(match({}, [rec(3), rec(9), rec(1), rec(2)])).toEqual([]);
  });

  it('names the first expected record that was not read, with its line', () => {
    expect(match({}, [rec(1), rec(3)])).toEqual(['stream `users`: 1 of 3 expected records were not read; first: expected_records.jsonl:2 {"stream":"users","data":{"id":2,"name":"u2","seen_at":"t2"},"emitted_at":0}']);
  });

  it('exact_order: records must come in file order', () => {
    expect(match({ expect_records: { exact_order: true } }, [rec(1), rec(3), rec(2)])).toEqual([
      'stream `users`: records came out of order (exact_order): expected_records.jsonl:2 was read after expected_records.jsonl:3',
    ]);
  });

  it('ignored_fields are left out of the comparison', () => {
    expect(match({}, [rec(1, 'x'), rec(2, 'y'), rec(3, 'z')], { users: ['seen_at'] })).toEqual([]);
    expect(match({}, [rec(1, 'x'), rec(2), rec(3)])).toHaveLength(1);
  });

  it('legacy extra_records: false rejects records the file does not have; extra_fields: true ignores new fields', () => {
    expect(match({ expect_records: { extra_records: false } }, [rec(1), rec(2), rec(3), rec(4)])).toEqual([
      'stream `users`: 1 record was read that expected_records.jsonl does not have (extra_records: false)',
    ]);
    expect(match({ expect_records: { extra_fields: true } }, [1, 2, 3].map((id) => ({ ...rec(id), added_later: true })))).toEqual([]);
  });

  it('a stream of the file that is not configured is reported', () => {
    const e = new ExpectedRecords('expected_records.jsonl', file, { index: 0 } as TestEntry, {});
    expect(e.problems(new Set(['orders']))).toEqual(['expected_records.jsonl has records of stream `users`, which is not in the configured catalog']);
  });
});
