/**
 * Airbyte protocol messages as the CDK emits them, and the traced error that carries a user-facing
 * message, an internal message and a failure type up to the trace.
 */
import { toPlain } from './jinja/values';

export type FailureType = 'system_error' | 'config_error' | 'transient_error';
export type AirbyteMessage = Record<string, unknown> & { type: string };
export type Emit = (message: AirbyteMessage) => void;

export class TracedError extends Error {
  constructor(
    message: string,
    readonly internalMessage: string | undefined,
    readonly failureType: FailureType,
    readonly streamName?: string,
  ) {
    super(message);
    this.name = 'AirbyteTracedException';
  }
}

/** A manifest that uses something outside the engine's scope, or is malformed; names where. */
export class ManifestError extends Error {
  constructor(message: string, readonly path: string) {
    super(`${message} (at ${path || '/'})`);
    this.name = 'ManifestError';
  }
}

export function recordMessage(stream: string, data: Record<string, unknown>): AirbyteMessage {
  // The CDK's serializer omits None values of the record's top-level dict (serpyco-rs omit_none).
  const out: Record<string, unknown> = {};
  for (const k in data) {
    const v = data[k];
    if (v !== null && v !== undefined) out[k] = v;
  }
  return { type: 'RECORD', record: { stream, data: out, emitted_at: Date.now() } };
}

export function stateMessage(stream: string, streamState: Record<string, unknown>, recordCount: number): AirbyteMessage {
  return {
    type: 'STATE',
    state: { type: 'STREAM', stream: { stream_descriptor: { name: stream }, stream_state: toPlain(streamState) }, sourceStats: { recordCount } },
  };
}

export function logMessage(level: 'INFO' | 'WARN' | 'ERROR' | 'DEBUG', message: string): AirbyteMessage {
  return { type: 'LOG', log: { level, message } };
}

export function errorTrace(message: string, internal: string | undefined, failureType: FailureType, stream?: string, stack?: string): AirbyteMessage {
  const error: Record<string, unknown> = { message };
  if (internal !== undefined) error.internal_message = internal;
  if (stack) error.stack_trace = stack;
  error.failure_type = failureType;
  if (stream) error.stream_descriptor = { name: stream };
  return { type: 'TRACE', trace: { type: 'ERROR', emitted_at: Date.now(), error } };
}

export function streamStatus(stream: string, status: 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE'): AirbyteMessage {
  return { type: 'TRACE', trace: { type: 'STREAM_STATUS', emitted_at: Date.now(), stream_status: { stream_descriptor: { name: stream }, status } } };
}
