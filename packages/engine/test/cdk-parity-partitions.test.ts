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
    const body = req.url!.startsWith('/parents') ? { data: [{ id: 7, name: 'p7', updated: '2024-01-01' }] } : { data: [{ n: 1 }] };
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
    expect(records).toEqual([{ n: 1, ps: {}, pn: 'p7' }]);
    expect(log.at(-1)).toBe('/children?pid=7');
  });

  it('a falsy partition value is not injected into the request', async () => {
    await readChild(`{type: ListPartitionRouter, cursor_field: k, values: [0, ""], request_option: {type: RequestOption, inject_into: request_parameter, field_name: k}}`);
    expect(log).toEqual(['/children', '/children']);
  });
});
