import { describe, expect, it } from 'vitest';
import { LineSplitter, parseLine } from '../src/lines';

function split(chunks: Buffer[], max?: number) {
  const lines: string[] = [];
  const oversized: { prefix: string; bytes: number; number: number }[] = [];
  const s = new LineSplitter((t) => lines.push(t), (prefix, info) => oversized.push({ prefix: prefix.slice(0, 10), bytes: info.bytes, number: info.number }), max);
  for (const c of chunks) s.push(c);
  s.end();
  return { lines, oversized };
}

describe('LineSplitter', () => {
  it('joins lines split across chunks, including a multi-byte character cut in half', () => {
    const text = Buffer.from('{"a":"é"}\nsecond\r\nlast', 'utf8');
    const chunks = [text.subarray(0, 7), text.subarray(7, 12), text.subarray(12)];
    expect(split(chunks).lines).toEqual(['{"a":"é"}', 'second', 'last']);
  });

  it('handles a line of many megabytes delivered in 64 kB chunks', () => {
    const big = JSON.stringify({ type: 'RECORD', record: { stream: 's', data: { blob: 'z'.repeat(30_000_000) }, emitted_at: 1 } });
    const buf = Buffer.from(big + '\nnext\n');
    const chunks: Buffer[] = [];
    for (let i = 0; i < buf.length; i += 65536) chunks.push(buf.subarray(i, i + 65536));
    const { lines } = split(chunks);
    expect(lines.length).toBe(2);
    expect(lines[0].length).toBe(big.length);
    expect(lines[1]).toBe('next');
  });

  it('drops a line over the limit but counts its bytes and keeps reading after it', () => {
    const { lines, oversized } = split([Buffer.from('ok\n' + 'x'.repeat(5000)), Buffer.from('y'.repeat(5000) + '\nafter\n')], 4096);
    expect(lines).toEqual(['ok', 'after']);
    expect(oversized).toEqual([{ prefix: 'xxxxxxxxxx', bytes: 10000, number: 2 }]);
  });
});

describe('parseLine', () => {
  it('treats non-JSON as a log line and JSON-looking junk as invalid, with the reason', () => {
    expect(parseLine('Starting sync...')).toEqual({ kind: 'log', text: 'Starting sync...' });
    expect(parseLine('{"type": "RECORD"')).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/^not valid JSON/) });
    expect(parseLine('{"type": "BANANA"}')).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/unknown message type "BANANA"/) });
    expect(parseLine('{"type": "RECORD", "record": {"stream": "s", "data": {}}}')).toMatchObject({ kind: 'invalid', reason: 'RECORD without a numeric `record.emitted_at`' });
    expect(parseLine('{"type":"CONNECTION_STATUS","connectionStatus":{"status":"OK"}}')).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/expected SUCCEEDED or FAILED/) });
  });

  it('accepts valid messages of each kind', () => {
    const msgs = [
      { type: 'RECORD', record: { stream: 's', data: { a: 1 }, emitted_at: 1 } },
      { type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 's' }, stream_state: {} } } },
      { type: 'LOG', log: { level: 'INFO', message: 'hi' } },
      { type: 'TRACE', trace: { type: 'STREAM_STATUS', emitted_at: 1, stream_status: { stream_descriptor: { name: 's' }, status: 'STARTED' } } },
      { type: 'CATALOG', catalog: { streams: [] } },
    ];
    for (const m of msgs) expect(parseLine(JSON.stringify(m))).toEqual({ kind: 'message', message: m });
  });
});
