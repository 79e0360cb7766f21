/**
 * The four protocol commands over a declarative manifest: spec, check, discover, read (with state).
 * `runCommand` emits Airbyte messages through `emit` and resolves to the process exit code the CDK would use.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { preprocessManifest, type ManifestPath } from '@conveyor/manifest';
import { type AirbyteMessage, type Emit, ManifestError, TracedError, errorTrace } from './protocol';
import { pyRepr, toPlain } from './jinja/values';
import { type Build, type Node, type Runtime, pathOf } from './components/build';
import { DeclarativeStream } from './components/stream';
import { validateConfig } from './config-validation';
import { read, stateByStream } from './read';
import { Scrubber, cassetteTransport, fetchTransport, nodeTransport, recordingTransport, rescrubCassette, type FetchLike, type Transport } from './http/transport';

export type Command = 'spec' | 'check' | 'discover' | 'read';

export interface RunOptions {
  command: Command;
  manifest: Record<string, unknown>;
  /** Directory of the manifest (JsonFileSchemaLoader paths are relative to it). */
  manifestDir?: string;
  config?: Record<string, unknown>;
  catalog?: { streams: { stream: { name: string }; sync_mode?: string }[] };
  state?: unknown;
  /** Replay HTTP from this cassette file instead of the network. */
  cassette?: string;
  /** Record every HTTP exchange to this cassette file (secrets scrubbed). */
  record?: string;
  fetch?: FetchLike;
  transport?: Transport;
  /** Multiplies retry sleeps (default: env CONVEYOR_ENGINE_SLEEP_SCALE or 1). */
  sleepScale?: number;
}

/** Every config value under a spec property marked airbyte_secret. */
export function secretValues(spec: unknown, config: unknown): unknown[] {
  const out: unknown[] = [];
  const walk = (schema: unknown, value: unknown): void => {
    if (!schema || typeof schema !== 'object' || value === undefined || value === null) return;
    const s = schema as Record<string, unknown>;
    if (s.airbyte_secret === true) {
      if (typeof value === 'string' || typeof value === 'number') out.push(value);
      return;
    }
    for (const alt of [...((s.oneOf as unknown[]) ?? []), ...((s.anyOf as unknown[]) ?? []), ...((s.allOf as unknown[]) ?? [])]) walk(alt, value);
    if (s.properties && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, sub] of Object.entries(s.properties as object)) walk(sub, (value as Record<string, unknown>)[k]);
    }
    if (s.items && Array.isArray(value)) for (const v of value) walk(s.items, v);
  };
  walk(spec, config);
  return out;
}

function phaseOf(o: RunOptions): string {
  return o.command === 'read' && stateByStream(o.state).size ? 'read-with-state' : o.command;
}

export async function runCommand(o: RunOptions, emit: Emit): Promise<number> {
  const origins = new WeakMap<object, ManifestPath>();
  let manifest: Node;
  try {
    manifest = preprocessManifest(o.manifest, origins) as Node;
  } catch (e) {
    emit(errorTrace(`The manifest could not be resolved: ${(e as Error).message}`, (e as Error).message, 'config_error'));
    return 1;
  }
  const spec = (manifest.spec as Node | undefined) ?? specFile(o.manifestDir) ?? {};
  if (o.command === 'spec') {
    if (!spec.connection_specification) {
      emit(errorTrace('The manifest has no spec.connection_specification (and there is no spec.yaml or spec.json next to it)', undefined, 'config_error'));
      return 1;
    }
    const out: Record<string, unknown> = { connectionSpecification: spec.connection_specification };
    if (spec.documentation_url) out.documentationUrl = spec.documentation_url;
    out.supportsNormalization = false;
    out.supportsDBT = false;
    if (spec.advanced_auth) out.advanced_auth = spec.advanced_auth;
    emit({ type: 'SPEC', spec: out });
    return 0;
  }
  const config = o.config ?? {};
  const scrubber = new Scrubber();
  for (const s of secretValues(spec.connection_specification, config)) scrubber.add(s);
  let transport: Transport = o.transport ?? (o.fetch ? fetchTransport(o.fetch) : nodeTransport);
  if (o.cassette) transport = cassetteTransport(o.cassette, phaseOf(o), scrubber);
  if (o.record) transport = recordingTransport(transport, o.record, phaseOf(o), scrubber);
  const envScale = Number(process.env.CONVEYOR_ENGINE_SLEEP_SCALE);
  const rt: Runtime = { transport, scrubber, emit, httpCache: new Map(), sleepScale: o.sleepScale ?? (Number.isFinite(envScale) && envScale >= 0 ? envScale : 1) };
  const b: Build = {
    config, origins, manifest, manifestDir: o.manifestDir ?? process.cwd(), rt, parentStreams: parentStreamNames(manifest),
    error: (node, message) => new ManifestError(message, pathOf(origins, node)),
  };
  const streamNodes = (manifest.streams as Node[] | undefined) ?? [];
  if (manifest.dynamic_streams) {
    emit(errorTrace('dynamic_streams are not supported by conveyor-manifest', 'dynamic_streams at /dynamic_streams', 'config_error'));
    return 1;
  }
  try {
    validateConfig(spec.connection_specification, toPlain(config));
  } catch (e) {
    const err = e as TracedError;
    // check reports an invalid config as a FAILED status; discover and read fail with the trace.
    if (o.command === 'check') {
      emit({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'FAILED', message: err.message } });
      return 0;
    }
    emit(errorTrace(err.message, err.internalMessage, err.failureType));
    return 1;
  }
  try {
    return await dispatch(b, manifest, streamNodes, o, emit);
  } finally {
    if (o.record) rescrubCassette(o.record, scrubber);
  }
}

async function dispatch(b: Build, manifest: Node, streamNodes: Node[], o: RunOptions, emit: Emit): Promise<number> {
  try {
    if (o.command === 'check') return await check(b, manifest, streamNodes, emit);
    if (o.command === 'discover') {
      const streams = streamNodes.map((n) => new DeclarativeStream(b, n));
      emit({ type: 'CATALOG', catalog: { streams: streams.map(catalogEntry) } });
      return 0;
    }
    return await read(b, streamNodes, o, emit);
  } catch (e) {
    const err = e as Error;
    if (err instanceof TracedError) emit(errorTrace(err.message, err.internalMessage, err.failureType, err.streamName, err.stack));
    else emit(errorTrace(err instanceof ManifestError ? err.message : 'Something went wrong in the connector. See the logs for more details.', err.message, err instanceof ManifestError ? 'config_error' : 'system_error', undefined, err.stack));
    return 1;
  }
}

/** Low-code packages keep the spec in spec.yaml / spec.json next to the manifest (the CDK's Source.spec()). */
function specFile(dir: string | undefined): Node | undefined {
  for (const name of ['spec.yaml', 'spec.yml', 'spec.json']) {
    const file = path.join(dir ?? process.cwd(), name);
    if (!existsSync(file)) continue;
    const raw = parseYaml(readFileSync(file, 'utf8')) as Node;
    return { connection_specification: raw.connectionSpecification, documentation_url: raw.documentationUrl, advanced_auth: raw.advanced_auth };
  }
  return undefined;
}

function parentStreamNames(manifest: Node): Set<string> {
  const names = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const n = v as Node;
      if (n.type === 'ParentStreamConfig' && n.stream && typeof (n.stream as Node).name === 'string') names.add((n.stream as Node).name as string);
      Object.values(n).forEach(walk);
    }
  };
  walk(manifest.streams);
  return names;
}

function catalogEntry(s: DeclarativeStream): Record<string, unknown> {
  const entry: Record<string, unknown> = { name: s.name, json_schema: s.schema(), supported_sync_modes: s.cursor ? ['full_refresh', 'incremental'] : ['full_refresh'] };
  if (s.cursor) {
    entry.source_defined_cursor = true;
    entry.default_cursor_field = [s.cursor.cursorField];
  }
  if (s.primaryKey) entry.source_defined_primary_key = s.primaryKey;
  entry.is_resumable = !!s.cursor;
  entry.is_file_based = false;
  return entry;
}

async function check(b: Build, manifest: Node, streamNodes: Node[], emit: Emit): Promise<number> {
  const checker = (manifest.check as Node | undefined) ?? {};
  if (checker.type !== 'CheckStream') throw b.error(checker, `check type ${String(checker.type)} is not supported by conveyor-manifest (CheckStream only)`);
  const streams = streamNodes.map((n) => new DeclarativeStream(b, n));
  const fail = (message: string): number => {
    emit({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'FAILED', message: pyRepr(message) } });
    return 0;
  };
  for (const name of (checker.stream_names as string[]) ?? []) {
    const stream = streams.find((s) => s.name === name);
    if (!stream) return fail(`${name} is not part of the catalog. Expected one of ${pyRepr(streams.map((s) => s.name))}.`);
    try {
      let first: Record<string, unknown> | undefined;
      if (stream.partitionCursor) {
        const partition = (await stream.partitions().next()).value as Record<string, unknown> | undefined;
        first = partition ? stream.partitionCursor.slicesOf(partition).slices[0] : undefined;
      } else first = stream.cursor ? stream.cursor.slices()[0] : (await stream.partitions().next()).value;
      if (first === undefined) return fail(`Stream ${name} is not available: Cannot attempt to connect to stream ${name} - no stream slices were found`);
      const it = stream.readSlice(first as Record<string, unknown>, 1);
      await it.next();
      await it.return(undefined);
    } catch (e) {
      if (e instanceof TracedError) return fail(`Stream ${name} is not available: ${e.message}`);
      return fail(`Encountered an error trying to connect to stream ${name}. Error: ${(e as Error).message}`);
    }
  }
  emit({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'SUCCEEDED' } });
  return 0;
}

export type { AirbyteMessage };
