import type { AirbyteStream, ConfiguredAirbyteCatalog, ConfiguredAirbyteStream } from '@conveyor/protocol';
import type { TestEntry } from '../config/types';
import type { CatRun } from './context';
import { fail } from './outcome';
import { compileRecordValidator, createAjv, type RecordValidator } from './schemas';

/**
 * The catalog a read test uses, like CAT's `configured_catalog` fixture: the configured catalog file when
 * given, with each stream's schema replaced by the discovered one; else every discovered stream.
 */
export async function configuredCatalog(run: CatRun, entry: TestEntry, config: unknown, useFile = true): Promise<ConfiguredAirbyteCatalog> {
  const discovered = (await run.discover(entry, config)).catalog.streams;
  const byName = new Map(discovered.map((s) => [s.name, s]));
  if (useFile && entry.configured_catalog_path) {
    const file = run.readJson<ConfiguredAirbyteCatalog>(entry.configured_catalog_path, 'configured catalog');
    if (!Array.isArray(file?.streams)) fail(`configured catalog ${entry.configured_catalog_path} has no \`streams\` list`);
    const missing = file.streams.filter((s) => !byName.has(s.stream?.name));
    if (missing.length) fail(`configured catalog ${entry.configured_catalog_path} names stream${missing.length > 1 ? 's' : ''} ${missing.map((s) => `\`${s.stream?.name}\``).join(', ')} that discover did not return`);
    return { streams: file.streams.map((s) => ({ ...s, stream: byName.get(s.stream.name)! })) };
  }
  return { streams: discovered.map((s) => fullRefresh(s)) };
}

export function fullRefresh(stream: AirbyteStream): ConfiguredAirbyteStream {
  return { stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite', ...(stream.source_defined_primary_key ? { primary_key: stream.source_defined_primary_key } : {}) };
}

/** One compiled ajv validator per stream; a schema that does not compile fails the test naming the stream. */
export function streamValidators(catalog: ConfiguredAirbyteCatalog, failOnExtraColumns: boolean): Map<string, RecordValidator> {
  const ajv = createAjv();
  const out = new Map<string, RecordValidator>();
  for (const s of catalog.streams) {
    try {
      out.set(s.stream.name, compileRecordValidator(ajv, s.stream.json_schema, failOnExtraColumns));
    } catch (e) {
      fail(`stream \`${s.stream.name}\`: its json_schema does not compile: ${(e as Error).message}`);
    }
  }
  return out;
}

export const ignoredFieldNames = (entry: TestEntry): Record<string, string[]> =>
  Object.fromEntries(Object.entries(entry.ignored_fields ?? {}).map(([stream, fields]) => [stream, fields.map((f) => f.name)]));
