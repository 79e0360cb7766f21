import type { ConfiguredAirbyteCatalog } from '@conveyor/protocol';
import type { CatConfig, TestEntry } from '../config/types';
import { configuredCatalog, ignoredFieldNames, streamValidators } from '../run/catalog';
import type { CatRun } from '../run/context';
import { fail, failIfAny, skip } from '../run/outcome';
import { ReadCollector } from '../run/read-collector';
import { ExpectedRecords } from './expected-records';

const label = (name: string, entry: TestEntry) => (entry.index > 0 ? `${name} #${entry.index + 1}` : name);

/** Certified connectors (ab_internal.ql ≥ 400) must emit stream statuses (CAT's default for validate_stream_statuses). */
function certified(run: CatRun): boolean {
  const ql = (run.connector.metadata as { ab_internal?: { ql?: number } } | undefined)?.ab_internal?.ql;
  return typeof ql === 'number' && ql >= 400;
}

/** TestBasicRead.test_read, one JUnit test case per aspect of the same read. */
export async function basicReadSuite(run: CatRun, entries: TestEntry[], config: CatConfig): Promise<void> {
  for (const entry of entries) {
    let collector: ReadCollector | undefined;
    let catalog: ConfiguredAirbyteCatalog | undefined;
    let expected: ExpectedRecords | undefined;
    const empty = new Set((entry.empty_streams ?? []).map((s) => s.name));
    const read = await run.test('basic_read', label('read', entry), entry, async () => {
      const cfg = await run.loadConfig(entry);
      const high = config.strictness === 'high';
      const full = await configuredCatalog(run, entry, cfg, !high);
      // Without a catalog file (always at high strictness) the discovered catalog minus empty streams is read (CAT conftest).
      catalog = entry.configured_catalog_path && !high ? full : { streams: full.streams.filter((s) => !empty.has(s.stream.name)) };
      const validate = entry.validate_schema !== false;
      const ignored = ignoredFieldNames(entry);
      if (entry.expect_records?.path) expected = new ExpectedRecords(entry.expect_records.path, run.path(entry.expect_records.path), entry, catalog);
      collector = new ReadCollector(catalog, {
        validators: validate ? streamValidators(catalog, entry.fail_on_extra_columns !== false) : undefined,
        ignoredFields: ignored,
        dataPoints: entry.validate_data_points === true,
        onRecord: expected?.onRecord,
      });
      const { problems } = await run.invoke('basic_read', entry, 'read', { config: cfg, catalog }, collector.onMessage);
      failIfAny([...problems, ...collector.traceErrors.map((e) => `the connector reported an error: ${e}`), ...collector.unknownStreams.items], 'read problems');
      if (collector.records === 0) fail('the read returned no records');
      return `${collector.records} records from ${[...collector.streams.values()].filter((s) => s.records > 0).length} streams`;
    });
    const after = (name: string, check: (c: ReadCollector, cat: ConfiguredAirbyteCatalog) => string | void) =>
      run.test('basic_read', label(name, entry), entry, () => {
        if (read.status !== 'passed' || !collector || !catalog) skip(`not evaluated: ${read.status === 'skipped' ? read.message : 'the read failed'}`);
        return check(collector!, catalog!);
      });

    await after('records_for_every_stream', (c) => {
      const silent = [...c.streams].filter(([name, s]) => s.records === 0 && !empty.has(name)).map(([name]) => `\`${name}\``);
      if (silent.length) fail(`no records for stream${silent.length > 1 ? 's' : ''} ${silent.join(', ')}; list streams that are empty on purpose under empty_streams`);
    });
    await after('schema_validation', (c) => {
      if (entry.validate_schema === false) skip('validate_schema: false');
      if (c.schemaErrors.count) fail(`${c.schemaErrors.count} record${c.schemaErrors.count > 1 ? 's do' : ' does'} not match the stream schema: ${c.schemaErrors.items.join('; ')}`);
      return `${c.records} records match their stream schemas`;
    });
    await after('expect_records', (c, cat) => {
      const er = entry.expect_records;
      if (!er) return skip('no expect_records');
      if (er.bypass_reason) skip(`bypassed: ${er.bypass_reason}`);
      if (config.strictness === 'high') {
        // CAT conftest find_not_seeded_streams: at high strictness every read stream needs expected records.
        const seeded = new Set(expected!.streams());
        const unseeded = cat.streams.map((s) => s.stream.name).filter((n) => !seeded.has(n));
        if (unseeded.length) fail(`${unseeded.map((n) => `\`${n}\``).join(', ')} ${unseeded.length > 1 ? 'are' : 'is'} in the catalog but ${er.path} has no records for ${unseeded.length > 1 ? 'them' : 'it'}; add expected records or list ${unseeded.length > 1 ? 'them' : 'it'} under empty_streams (test_strictness_level high)`);
      }
      failIfAny(expected!.problems(new Set(cat.streams.map((s) => s.stream.name))), 'mismatches');
      // CAT's current comparison has no extra_fields / extra_records switches: extra records and fields are always allowed.
      const legacy = ['extra_fields', 'extra_records'].filter((k) => er[k as 'extra_fields'] !== undefined);
      const keyed = expected!.streams().filter((n) => cat.streams.find((s) => s.stream.name === n)?.stream.source_defined_primary_key?.length);
      return `expected records of ${expected!.streams().length} stream(s) found (${keyed.length} compared by primary key, the rest by count)${legacy.length ? `; legacy ${legacy.join(', ')} ignored, as by CAT's current comparison` : ''}`;
    });
    await after('primary_keys', (c) => {
      if (entry.validate_primary_keys_data_type === false) skip('validate_primary_keys_data_type: false');
      if (c.keyErrors.count) fail(`${c.keyErrors.count} records with bad primary keys: ${c.keyErrors.items.join('; ')}`);
      if (c.primaryKeys.size === 0) skip('no stream has a primary key');
    });
    await after('stream_statuses', (c) => {
      const required = entry.validate_stream_statuses ?? certified(run);
      const problems: string[] = [];
      for (const [name, s] of c.streams) {
        if (s.statuses.length === 0) {
          if (required) problems.push(`stream \`${name}\` emitted no stream status`);
          continue;
        }
        const [first, ...rest] = s.statuses;
        const last = rest.pop();
        if (first !== 'STARTED' || last !== 'COMPLETE' || rest.some((x) => x !== 'RUNNING'))
          problems.push(`stream \`${name}\` statuses ${s.statuses.join(' → ')}; expected STARTED → RUNNING… → COMPLETE`);
      }
      failIfAny(problems, 'stream status problems');
      if (!required && [...c.streams.values()].every((s) => s.statuses.length === 0)) skip('no stream statuses emitted (validate_stream_statuses is off for this connector)');
    });
    await after('state_messages', (c) => {
      if (entry.validate_state_messages === false) skip('validate_state_messages: false');
      const problems: string[] = [];
      const without = [...c.streams].filter(([, s]) => s.states === 0).map(([n]) => `\`${n}\``);
      if (without.length) problems.push(`no STATE message for stream${without.length > 1 ? 's' : ''} ${without.join(', ')}`);
      if (c.legacyStates) problems.push(`${c.legacyStates} STATE messages of the LEGACY type (use STREAM or GLOBAL)`);
      if (c.statesWithoutStats) problems.push(`${c.statesWithoutStats} STATE messages without sourceStats`);
      failIfAny(problems, 'state problems');
      return `${c.stateCount} STATE messages`;
    });
    await run.test('basic_read', label('trace_message_on_failure', entry), entry, async () => {
      if (entry.expect_trace_message_on_failure === false) skip('expect_trace_message_on_failure: false');
      if (read.status !== 'passed' || !catalog) skip(`not evaluated: ${read.status === 'skipped' ? read.message : 'the read failed'}`);
      // CAT's test_airbyte_trace_message_on_failure: a stream the source does not have must fail with a TRACE error.
      const [first] = catalog!.streams;
      const name = `__conveyor_missing_${first.stream.name}`;
      const bogus = { streams: [{ ...first, stream: { ...first.stream, name } }] };
      const errors: string[] = [];
      const { result } = await run.invoke('basic_read', entry, 'read', { config: await run.loadConfig(entry), catalog: bogus }, (m) => {
        if (m.type === 'TRACE' && m.trace.type === 'ERROR') errors.push(m.trace.error!.message);
      }, { allowFailure: true, cassette: 'bad-catalog' });
      if (result.timedOut) fail(`reading a catalog with the unknown stream \`${name}\` timed out`);
      if (errors.length === 0) fail(`reading a catalog with the unknown stream \`${name}\` emitted no TRACE error message (exit code ${result.exitCode}); the platform would show no reason for the failure`);
      return `TRACE error: ${errors[0]}`;
    });
    await after('data_points', (c) => {
      if (!entry.validate_data_points) skip('validate_data_points is off');
      const problems: string[] = [];
      for (const s of c.catalog.streams) {
        const seen = c.streams.get(s.stream.name)!;
        if (seen.records === 0) continue;
        const props = Object.keys((s.stream.json_schema as { properties?: object }).properties ?? {});
        const never = props.filter((p) => !seen.fieldsSeen.has(p));
        if (never.length) problems.push(`stream \`${s.stream.name}\`: field${never.length > 1 ? 's' : ''} ${never.join(', ')} never had a value`);
      }
      failIfAny(problems, 'streams with empty fields');
    });
  }
}
