/**
 * Partition routers as the CDK builds slices and request options
 * (airbyte_cdk/sources/declarative/partition_routers/substream_partition_router.py, list_partition_router.py).
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCommand } from '../src/source';

const log: string[] = [];
let server: http.Server;
let base = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    log.push(req.url!);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const body = req.url!.startsWith('/parents') ? { data: [{ id: 7, name: 'p7', updated: '2024-01-05' }] } : { data: [{ n: 1, t: '2024-01-10' }] };
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server.close());

const requester = (path: string, extra = '') => `{type: HttpRequester, url_base: "${base}", path: "${path}"${extra}}`;
const selector = '{type: RecordSelector, extractor: {type: DpathExtractor, field_path: [data]}}';

async function readChild(router: string, transformations = '') {
  const manifest = parseYaml(`version: 6.0.0
type: DeclarativeSource
check: {type: CheckStream, stream_names: [child]}
spec: {type: Spec, connection_specification: {type: object, properties: {}}}
definitions:
  parent:
    type: DeclarativeStream
    name: parents
    schema_loader: {type: InlineSchemaLoader, schema: {type: object}}
    incremental_sync: {type: DatetimeBasedCursor, cursor_field: updated, datetime_format: "%Y-%m-%d", start_datetime: "2024-01-01", end_datetime: "2024-01-02"}
    retriever: {type: SimpleRetriever, requester: ${requester('/parents')}, record_selector: ${selector}}
streams:
  - type: DeclarativeStream
    name: child
    schema_loader: {type: InlineSchemaLoader, schema: {type: object}}
${transformations}
    retriever:
      type: SimpleRetriever
      requester: ${requester('/children')}
      record_selector: ${selector}
      partition_router: ${router}`);
  log.length = 0;
  const messages: any[] = [];
  await runCommand({ command: 'read', manifest, config: { key: 'name' }, catalog: { streams: [{ stream: { name: 'child' }, sync_mode: 'full_refresh' }] } }, (m) => messages.push(m));
  return messages.filter((m) => m.type === 'RECORD').map((m) => m.record.data);
}

describe('partition routers', () => {
  it("a parent's datetime window is not part of the child's parent_slice; extra_fields paths are interpolated", async () => {
    const records = await readChild(`{type: SubstreamPartitionRouter, parent_stream_configs: [{type: ParentStreamConfig, stream: "#/definitions/parent", parent_key: id, partition_field: pid, extra_fields: [["{{ config.key }}"]], request_option: {type: RequestOption, inject_into: request_parameter, field_name: pid}}]}`, `    transformations:
      - {type: AddFields, fields: [{type: AddedFieldDefinition, path: [ps], value: "{{ stream_slice.parent_slice }}"}, {type: AddedFieldDefinition, path: [pn], value: "{{ stream_slice.extra_fields['name'] }}"}]}`);
    expect(records).toEqual([{ n: 1, t: '2024-01-10', ps: {}, pn: 'p7' }]);
    expect(log.at(-1)).toBe('/children?pid=7');
  });

  it('a falsy partition value is not injected into the request', async () => {
    await readChild(`{type: ListPartitionRouter, cursor_field: k, values: [0, ""], request_option: {type: RequestOption, inject_into: request_parameter, field_name: k}}`);
    expect(log).toEqual(['/children', '/children']);
  });
});

describe('SubstreamPartitionRouter.incremental_dependency (substream_partition_router.py get_stream_state / set_initial_state)', () => {
  async function readIncremental(state?: Record<string, unknown>) {
    const manifest = parseYaml(`version: 6.0.0
type: DeclarativeSource
check: {type: CheckStream, stream_names: [child]}
spec: {type: Spec, connection_specification: {type: object, properties: {}}}
definitions:
  parent:
    type: DeclarativeStream
    name: parents
    schema_loader: {type: InlineSchemaLoader, schema: {type: object}}
    incremental_sync: {type: DatetimeBasedCursor, cursor_field: updated, datetime_format: "%Y-%m-%d", start_datetime: "2024-01-01", end_datetime: "2024-01-31", start_time_option: {type: RequestOption, inject_into: request_parameter, field_name: since}}
    retriever: {type: SimpleRetriever, requester: ${requester('/parents')}, record_selector: ${selector}}
streams:
  - type: DeclarativeStream
    name: child
    schema_loader: {type: InlineSchemaLoader, schema: {type: object}}
    incremental_sync: {type: DatetimeBasedCursor, cursor_field: t, datetime_format: "%Y-%m-%d", start_datetime: "2024-01-01", end_datetime: "2024-01-31"}
    retriever:
      type: SimpleRetriever
      requester: ${requester('/children')}
      record_selector: ${selector}
      partition_router: {type: SubstreamPartitionRouter, parent_stream_configs: [{type: ParentStreamConfig, stream: "#/definitions/parent", parent_key: id, partition_field: pid, incremental_dependency: true}]}`);
    log.length = 0;
    const messages: any[] = [];
    const states = state ? [{ type: 'STREAM', stream: { stream_descriptor: { name: 'child' }, stream_state: state } }] : undefined;
    await runCommand({ command: 'read', manifest, config: {}, state: states, catalog: { streams: [{ stream: { name: 'child' }, sync_mode: 'incremental' }] } }, (m) => messages.push(m));
    return messages.filter((m) => m.type === 'STATE').map((m) => m.state.stream.stream_state);
  }

  it("saves the parent's cursor in parent_state and resumes the parent from it", async () => {
    const states = await readIncremental();
    expect(log[0]).toBe('/parents?since=2024-01-01');
    // The checkpoint after the first partition: the parent's slice was closed before its last record was handed on.
    expect(states[0].parent_state).toEqual({ parents: { updated: '2024-01-05' } });
    expect(states.at(-1)).toMatchObject({ state: { t: '2024-01-10' }, parent_state: { parents: { updated: '2024-01-05' } } });
    await readIncremental(states.at(-1));
    expect(log[0]).toBe('/parents?since=2024-01-05');
  });

  it('migrates a plain child state into the parent state', async () => {
    await readIncremental({ t: '2024-01-03' });
    expect(log[0]).toBe('/parents?since=2024-01-03');
  });
});
