// Airbyte protocol v0 message shapes (airbyte-protocol: protocol-models/.../airbyte_protocol.yaml).
// Only the fields Conveyor reads are typed precisely; the rest stay open so newer messages pass through.

export type MessageType = 'RECORD' | 'STATE' | 'LOG' | 'SPEC' | 'CONNECTION_STATUS' | 'CATALOG' | 'TRACE' | 'CONTROL' | 'DESTINATION_CATALOG';

export const MESSAGE_TYPES: readonly MessageType[] = ['RECORD', 'STATE', 'LOG', 'SPEC', 'CONNECTION_STATUS', 'CATALOG', 'TRACE', 'CONTROL', 'DESTINATION_CATALOG'];

/** The payload field each message type carries. */
export const PAYLOAD_FIELD: Record<MessageType, string> = {
  RECORD: 'record',
  STATE: 'state',
  LOG: 'log',
  SPEC: 'spec',
  CONNECTION_STATUS: 'connectionStatus',
  CATALOG: 'catalog',
  TRACE: 'trace',
  CONTROL: 'control',
  DESTINATION_CATALOG: 'destination_catalog',
};

export type JsonObject = Record<string, unknown>;

export interface StreamDescriptor {
  name: string;
  namespace?: string;
}

export interface AirbyteRecordMessage {
  stream: string;
  namespace?: string;
  data: JsonObject;
  emitted_at: number;
  meta?: JsonObject;
}

export interface AirbyteStreamState {
  stream_descriptor: StreamDescriptor;
  stream_state?: unknown;
}

export interface AirbyteStateMessage {
  type?: 'GLOBAL' | 'STREAM' | 'LEGACY';
  stream?: AirbyteStreamState;
  global?: { shared_state?: unknown; stream_states: AirbyteStreamState[] };
  data?: unknown;
  sourceStats?: { recordCount?: number; rejectedRecordCount?: number };
}

export interface AirbyteLogMessage {
  level: 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';
  message: string;
  stack_trace?: string;
}

export interface ConnectorSpecification {
  connectionSpecification: JsonObject;
  documentationUrl?: string;
  changelogUrl?: string;
  supportsIncremental?: boolean;
  advanced_auth?: JsonObject;
  protocol_version?: string;
  [field: string]: unknown;
}

export interface AirbyteConnectionStatus {
  status: 'SUCCEEDED' | 'FAILED';
  message?: string;
}

export type SyncMode = 'full_refresh' | 'incremental';
export type DestinationSyncMode = 'append' | 'overwrite' | 'append_dedup' | 'update' | 'soft_delete';

export interface AirbyteStream {
  name: string;
  namespace?: string;
  json_schema: JsonObject;
  supported_sync_modes: SyncMode[];
  source_defined_cursor?: boolean;
  default_cursor_field?: string[];
  source_defined_primary_key?: string[][];
  is_resumable?: boolean;
}

export interface AirbyteCatalog {
  streams: AirbyteStream[];
}

export interface ConfiguredAirbyteStream {
  stream: AirbyteStream;
  sync_mode: SyncMode;
  destination_sync_mode: DestinationSyncMode;
  cursor_field?: string[];
  primary_key?: string[][];
}

export interface ConfiguredAirbyteCatalog {
  streams: ConfiguredAirbyteStream[];
}

export interface AirbyteTraceMessage {
  type: 'ERROR' | 'ESTIMATE' | 'STREAM_STATUS' | 'ANALYTICS';
  emitted_at: number;
  error?: { message: string; internal_message?: string; stack_trace?: string; failure_type?: string; stream_descriptor?: StreamDescriptor };
  estimate?: JsonObject;
  stream_status?: { stream_descriptor: StreamDescriptor; status: 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE'; reasons?: unknown[] };
  analytics?: JsonObject;
}

export interface AirbyteControlMessage {
  type: 'CONNECTOR_CONFIG';
  emitted_at: number;
  connectorConfig: { config: JsonObject };
}

export type AirbyteMessage =
  | { type: 'RECORD'; record: AirbyteRecordMessage }
  | { type: 'STATE'; state: AirbyteStateMessage }
  | { type: 'LOG'; log: AirbyteLogMessage }
  | { type: 'SPEC'; spec: ConnectorSpecification }
  | { type: 'CONNECTION_STATUS'; connectionStatus: AirbyteConnectionStatus }
  | { type: 'CATALOG'; catalog: AirbyteCatalog }
  | { type: 'TRACE'; trace: AirbyteTraceMessage }
  | { type: 'CONTROL'; control: AirbyteControlMessage }
  | { type: 'DESTINATION_CATALOG'; destination_catalog: JsonObject };

export type ConnectorCommand = 'spec' | 'check' | 'discover' | 'read';
