import type { AirbyteConnectionStatus, AirbyteStream } from '@conveyor/protocol';
import type { TestEntry } from '../config/types';
import type { CatRun } from '../run/context';
import { fail, failIfAny } from '../run/outcome';
import { createAjv, findKeyword, schemaAt, schemaHasPath, schemaProblem } from '../run/schemas';

const label = (name: string, entry: TestEntry) => (entry.index > 0 ? `${name} #${entry.index + 1}` : name);

/** TestConnection.test_check: the status each config expects (succeed, failed or exception). */
export async function connectionSuite(run: CatRun, entries: TestEntry[]): Promise<void> {
  for (const entry of entries) {
    const expected = entry.status ?? 'succeed';
    const configPath = entry.config_path ?? 'secrets/config.json';
    await run.test('connection', label(`check_${expected}`, entry), entry, async () => {
      const config = await run.loadConfig(entry);
      const statuses: AirbyteConnectionStatus[] = [];
      const errors: string[] = [];
      const { problems } = await run.invoke('connection', entry, 'check', { config }, (m) => {
        if (m.type === 'CONNECTION_STATUS') statuses.push(m.connectionStatus);
        if (m.type === 'TRACE' && m.trace.type === 'ERROR') errors.push(m.trace.error!.message);
      }, { allowFailure: expected === 'exception' });
      // The connector's own TRACE error says why it exited (e.g. a component it cannot run): show it.
      if (problems.length) fail(`check with ${configPath}: ${problems.join('; ')}${errors.length ? `; the connector reported: ${errors.join('; ')}` : ''}`);
      if (expected === 'exception') {
        if (errors.length !== 1) fail(`check with ${configPath} should fail with exactly one TRACE error message, got ${errors.length}${statuses.length ? ` (and ${statuses.length} CONNECTION_STATUS)` : ''}`);
        return `failed as expected: ${errors[0]}`;
      }
      const want = expected === 'succeed' ? 'SUCCEEDED' : 'FAILED';
      if (statuses.length !== 1) fail(`check with ${configPath} printed ${statuses.length} CONNECTION_STATUS messages; exactly one with ${want} is expected${errors.length ? ` (TRACE error: ${errors[0]})` : ''}`);
      if (statuses[0].status !== want) fail(`check with ${configPath} reported ${statuses[0].status}${statuses[0].message ? ` (${statuses[0].message})` : ''}; expected ${want}`);
      return `${want}${statuses[0].message ? `: ${statuses[0].message}` : ''}`;
    });
  }
}

/** TestDiscovery: one valid catalog whose streams, schemas, cursors and keys are usable. */
export async function discoverySuite(run: CatRun, entries: TestEntry[]): Promise<void> {
  const ajv = createAjv();
  for (const entry of entries) {
    let streams: AirbyteStream[] | undefined;
    const result = await run.test('discovery', label('discover', entry), entry, async () => {
      const config = await run.loadConfig(entry);
      const { catalog } = await run.discover(entry, config);
      streams = catalog.streams;
      if (streams.length === 0) fail('the catalog has no streams');
      const names = streams.map((s) => (s.namespace ? `${s.namespace}.${s.name}` : s.name));
      const dupes = names.filter((n, i) => names.indexOf(n) !== i);
      if (dupes.length) fail(`stream names are not unique: ${[...new Set(dupes)].join(', ')}`);
      return `${streams.length} streams`;
    });
    if (result.status !== 'passed' || !streams) continue;
    const each = (name: string, check: (s: AirbyteStream) => string[]) =>
      run.test('discovery', label(name, entry), entry, () => failIfAny(streams!.flatMap((s) => check(s).map((p) => `stream \`${s.name}\`: ${p}`)), 'problems'));
    await each('streams_have_valid_json_schemas', (s) => {
      const p = schemaProblem(ajv, s.json_schema);
      return p ? [`json_schema is not a valid draft-07 JSON Schema: ${p}`] : [];
    });
    await each('defined_refs_exist_in_schema', (s) => findKeyword(s.json_schema, '$ref').map((at) => `unresolved $ref at ${at}`));
    await each('defined_keywords_exist_in_schema', (s) => ['allOf', 'not'].flatMap((k) => findKeyword(s.json_schema, k).map((at) => `keyword \`${k}\` at ${at} is not supported`)));
    await each('defined_cursors_exist_in_schema', (s) =>
      s.default_cursor_field?.length && !schemaHasPath(s.json_schema, s.default_cursor_field) ? [`default_cursor_field ${s.default_cursor_field.join('.')} is not in the schema's properties`] : [],
    );
    await each('primary_keys_exist_in_schema', (s) => {
      const out: string[] = [];
      for (const key of s.source_defined_primary_key ?? []) {
        if (!schemaHasPath(s.json_schema, key)) out.push(`primary key ${key.join('.')} is not in the schema's properties`);
        else if (entry.validate_primary_keys_data_type !== false) {
          const types = ([] as unknown[]).concat(schemaAt(s.json_schema, key)?.type ?? []);
          if (types.includes('object') || types.includes('array')) out.push(`primary key ${key.join('.')} has type ${types.join('/')}; keys must be scalar`);
        }
      }
      return out;
    });
    await each('streams_has_sync_modes', (s) =>
      !Array.isArray(s.supported_sync_modes) || s.supported_sync_modes.length === 0
        ? ['supported_sync_modes is empty']
        : s.supported_sync_modes.filter((m) => m !== 'full_refresh' && m !== 'incremental').map((m) => `unknown sync mode ${JSON.stringify(m)}`),
    );
    await each('additional_properties_is_true', (s) =>
      findKeyword(s.json_schema, 'additionalProperties')
        .filter((at) => pointerValue(s.json_schema, at) === false)
        .map((at) => `additionalProperties is false at ${at}; records would be rejected when the API adds a field`),
    );
  }
}

function pointerValue(schema: unknown, at: string): unknown {
  let cur = schema as Record<string, unknown> | undefined;
  for (const seg of at.split('/').filter(Boolean)) cur = cur?.[seg] as Record<string, unknown> | undefined;
  return (cur as Record<string, unknown> | undefined)?.additionalProperties;
}
