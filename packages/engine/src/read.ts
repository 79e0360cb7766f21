/**
 * `read`: every catalog stream in order; records, a STATE after each datetime slice (per-partition cursors:
 * after the first slice) plus a final one, a no-cursor STATE for full refresh; a failed stream does not stop
 * the sync but ends it with the per-stream and summary ERROR traces and exit code 1.
 */
import { type Emit, ManifestError, TracedError, errorTrace, recordMessage, stateMessage, streamStatus } from './protocol';
import { pyRepr } from './jinja/values';
import type { Build, Node } from './components/build';
import { DeclarativeStream } from './components/stream';
import type { RunOptions } from './source';

export function stateByStream(state: unknown): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  if (Array.isArray(state)) {
    for (const m of state as Record<string, any>[]) {
      const s = m?.type === 'STATE' ? m.state : m;
      if (s?.type === 'STREAM' || s?.stream) out.set(s.stream.stream_descriptor.name, s.stream.stream_state ?? {});
    }
  } else if (state && typeof state === 'object') {
    for (const [k, v] of Object.entries(state)) out.set(k, v as Record<string, unknown>);
  }
  return out;
}

export async function read(b: Build, streamNodes: Node[], o: RunOptions, emit: Emit): Promise<number> {
  const streams = streamNodes.map((n) => new DeclarativeStream(b, n));
  const states = stateByStream(o.state);
  const failures: [string, Error][] = [];
  for (const configured of o.catalog?.streams ?? []) {
    const name = configured.stream.name;
    const stream = streams.find((s) => s.name === name);
    if (!stream) {
      const err = new TracedError(
        'A stream listed in your configuration was not found in the source. Please check the logs for more details.',
        `The stream '${name}' in your connection configuration was not found in the source. Refresh the schema in your replication settings and remove this stream from future sync attempts.`,
        'config_error',
        name,
      );
      emit(errorTrace(err.message, err.internalMessage, err.failureType, name));
      failures.push([name, err]);
      continue;
    }
    emit(streamStatus(name, 'STARTED'));
    let count = 0;
    let running = false;
    const out = (record: Record<string, unknown>): void => {
      if (!running) {
        emit(streamStatus(name, 'RUNNING'));
        running = true;
      }
      count++;
      emit(recordMessage(name, record));
    };
    try {
      if (stream.partitionCursor) {
        const pc = stream.partitionCursor;
        pc.setState(configured.sync_mode === 'incremental' ? stream.migrateState(states.get(name)) : undefined);
        let first = true;
        try {
          for await (const partition of stream.partitions()) {
            const { cursor, slices } = pc.slicesOf(partition);
            for (let i = 0; i < slices.length; i++) {
              for await (const record of stream.readSlice(slices[i])) if (cursor.observe(record, slices[i])) out(record);
              cursor.markClosed();
              if (i === slices.length - 1) pc.closePartition(cursor);
              if (first) {
                if (pc.emitsIntermediateState()) {
                  emit(stateMessage(name, pc.state(false), count));
                  count = 0;
                }
                first = false;
              }
            }
          }
        } finally {
          emit(stateMessage(name, pc.state(true), count));
          count = 0;
        }
      } else if (stream.cursor) {
        const cursor = stream.cursor;
        cursor.setState(configured.sync_mode === 'incremental' ? states.get(name) : undefined);
        try {
          for (const slice of cursor.slices()) {
            for await (const record of stream.readSlice(slice)) if (cursor.observe(record, slice)) out(record);
            emit(stateMessage(name, cursor.state(), count));
            count = 0;
          }
        } finally {
          emit(stateMessage(name, cursor.state(), count));
          count = 0;
        }
      } else {
        try {
          for await (const slice of stream.partitions()) for await (const record of stream.readSlice(slice)) out(record);
        } finally {
          emit(stateMessage(name, { __ab_no_cursor_state_message: true }, count));
        }
      }
      emit(streamStatus(name, 'COMPLETE'));
    } catch (e) {
      const err = e as Error;
      failures.push([name, err]);
      if (err instanceof TracedError) emit(errorTrace(err.message, err.internalMessage, err.failureType, name, err.stack));
      else emit(errorTrace('Something went wrong in the connector. See the logs for more details.', err.message, err instanceof ManifestError ? 'config_error' : 'system_error', name, err.stack));
      emit(streamStatus(name, 'INCOMPLETE'));
    }
  }
  if (failures.length) {
    const lines = failures.map(([n, e]) => `${n}: ${e instanceof TracedError ? 'AirbyteTracedException' : e.name}(${pyRepr(e instanceof TracedError ? e.internalMessage ?? null : e.message)})`);
    emit(errorTrace(`During the sync, the following streams did not sync successfully: ${lines.join('\n')}`, 'Concurrent read failure', 'config_error'));
    return 1;
  }
  return 0;
}
