import { MESSAGE_TYPES, PAYLOAD_FIELD, type AirbyteMessage, type MessageType } from './types';

export interface LineInfo {
  /** 1-based line number on the stream. */
  number: number;
  /** Size of the line in bytes, even when its text was not kept. */
  bytes: number;
}

/**
 * Splits a byte stream into lines without ever joining more than one line's bytes. A line longer than
 * `maxLineBytes` is not kept (its bytes are counted and its first kilobyte is), so a runaway connector
 * cannot exhaust memory while the stream is still drained to the end.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private dropped = 0;
  private lineNumber = 0;
  constructor(
    private readonly onLine: (text: string, info: LineInfo) => void,
    private readonly onOversized: (prefix: string, info: LineInfo) => void,
    private readonly maxLineBytes = 256 * 1024 * 1024,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) {
        if (start < chunk.length) this.keep(chunk.subarray(start));
        return;
      }
      this.keep(chunk.subarray(start, nl));
      this.flushLine();
      start = nl + 1;
    }
  }

  /** Emit the last line when the stream ends without a newline. */
  end(): void {
    if (this.partBytes > 0 || this.dropped > 0) this.flushLine();
  }

  private keep(part: Buffer): void {
    if (part.length === 0) return;
    if (this.dropped > 0) {
      this.dropped += part.length;
      return;
    }
    if (this.partBytes + part.length > this.maxLineBytes) {
      // Keep the first kilobyte for the message; from now on only count.
      const head: Buffer[] = [];
      let kept = 0;
      for (const p of [...this.parts, part]) {
        if (kept >= 1024) break;
        head.push(p.subarray(0, 1024 - kept));
        kept += Math.min(p.length, 1024 - kept);
      }
      this.dropped = this.partBytes + part.length;
      this.parts = [Buffer.concat(head)];
      this.partBytes = 0;
      return;
    }
    this.parts.push(part);
    this.partBytes += part.length;
  }

  private flushLine(): void {
    this.lineNumber++;
    const buf = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
    const bytes = this.partBytes + this.dropped;
    const info = { number: this.lineNumber, bytes };
    if (this.dropped > 0) this.onOversized(buf.subarray(0, 1024).toString('utf8'), info);
    else {
      let text = buf.toString('utf8');
      if (text.endsWith('\r')) text = text.slice(0, -1);
      this.onLine(text, info);
    }
    this.parts = [];
    this.partBytes = 0;
    this.dropped = 0;
  }
}

export type ParsedLine =
  | { kind: 'message'; message: AirbyteMessage }
  | { kind: 'log'; text: string }
  | { kind: 'invalid'; text: string; reason: string };

/**
 * Classify one stdout line the way Airbyte's worker does: JSON objects are protocol messages, anything
 * else is a log line. A line that starts like JSON but is not a valid message is reported, not dropped.
 */
export function parseLine(text: string): ParsedLine {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{')) return { kind: 'log', text };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (e) {
    return { kind: 'invalid', text, reason: `not valid JSON (${(e as Error).message})` };
  }
  const reason = messageProblem(value);
  return reason ? { kind: 'invalid', text, reason } : { kind: 'message', message: value as AirbyteMessage };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a parsed JSON value is not an AirbyteMessage (the required fields of the protocol), or undefined. */
export function messageProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  const type = value.type as MessageType;
  if (typeof type !== 'string') return 'missing the `type` field';
  if (!MESSAGE_TYPES.includes(type)) return `unknown message type ${JSON.stringify(type)} (expected one of ${MESSAGE_TYPES.join(', ')})`;
  const field = PAYLOAD_FIELD[type];
  const p = value[field];
  if (!isObject(p)) return `${type} message without its \`${field}\` object`;
  switch (type) {
    case 'RECORD':
      if (typeof p.stream !== 'string') return 'RECORD without `record.stream`';
      if (!isObject(p.data)) return 'RECORD without a `record.data` object';
      if (typeof p.emitted_at !== 'number') return 'RECORD without a numeric `record.emitted_at`';
      return undefined;
    case 'STATE': {
      if (p.type !== undefined && !['GLOBAL', 'STREAM', 'LEGACY'].includes(p.type as string)) return `STATE of unknown type ${JSON.stringify(p.type)}`;
      const stream = p.stream as { stream_descriptor?: { name?: unknown } } | undefined;
      if (p.type === 'STREAM' && typeof stream?.stream_descriptor?.name !== 'string') return 'STREAM state without `state.stream.stream_descriptor.name`';
      if (p.type === 'GLOBAL' && !Array.isArray((p.global as { stream_states?: unknown } | undefined)?.stream_states)) return 'GLOBAL state without `state.global.stream_states`';
      return undefined;
    }
    case 'LOG':
      if (!['FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'].includes(p.level as string)) return `LOG with invalid level ${JSON.stringify(p.level)}`;
      if (typeof p.message !== 'string') return 'LOG without a `log.message` string';
      return undefined;
    case 'SPEC':
      return isObject(p.connectionSpecification) ? undefined : 'SPEC without a `spec.connectionSpecification` object';
    case 'CONNECTION_STATUS':
      return p.status === 'SUCCEEDED' || p.status === 'FAILED' ? undefined : `CONNECTION_STATUS with status ${JSON.stringify(p.status)} (expected SUCCEEDED or FAILED)`;
    case 'CATALOG':
      return Array.isArray(p.streams) ? undefined : 'CATALOG without a `catalog.streams` list';
    case 'TRACE':
      if (!['ERROR', 'ESTIMATE', 'STREAM_STATUS', 'ANALYTICS'].includes(p.type as string)) return `TRACE of unknown type ${JSON.stringify(p.type)}`;
      if (p.type === 'ERROR' && typeof (p.error as { message?: unknown } | undefined)?.message !== 'string') return 'TRACE ERROR without `trace.error.message`';
      if (p.type === 'STREAM_STATUS') {
        const s = p.stream_status as { stream_descriptor?: { name?: unknown }; status?: unknown } | undefined;
        if (typeof s?.stream_descriptor?.name !== 'string' || typeof s.status !== 'string') return 'TRACE STREAM_STATUS without a stream descriptor and status';
      }
      return undefined;
    default:
      return undefined;
  }
}
