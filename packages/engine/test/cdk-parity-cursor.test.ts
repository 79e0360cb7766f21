/**
 * DatetimeBasedCursor options as the CDK v7 runs them through ConcurrentCursor
 * (parsers/model_to_component_factory.py, requesters/paginators/strategies/stop_condition.py).
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCommand } from '../src/source';

const log: string[] = [];
let server: http.Server;
let base = '';
const PAGES: Record<string, { id: number; t: string }[]> = {
  '1': [{ id: 5, t: '2024-01-05' }, { id: 4, t: '2024-01-04' }],
  '2': [{ id: 3, t: '2024-01-03' }, { id: 2, t: '2024-01-02' }],
  '3': [{ id: 1, t: '2024-01-01' }],
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    log.push(req.url!);
    const page = new URL(req.url!, 'http://x').searchParams.get('page') ?? '1';
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ data: PAGES[page] ?? [] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server.close());

async function read(cursorExtra: string, state?: Record<string, unknown>, streamExtra = '', selectorExtra = '') {
  const manifest = parseYaml(`version: 6.0.0
type: DeclarativeSource
check: {type: CheckStream, stream_names: [s]}
spec: {type: Spec, connection_specification: {type: object, properties: {}}}
streams:
  - type: DeclarativeStream
    name: s
    schema_loader: {type: InlineSchemaLoader, schema: {type: object}}
${streamExtra}
    incremental_sync: {type: DatetimeBasedCursor, cursor_field: t, datetime_format: "%Y-%m-%d", start_datetime: "2024-01-01", end_datetime: "2024-01-31"${cursorExtra}}
    retriever:
      type: SimpleRetriever
      requester: {type: HttpRequester, url_base: "${base}", path: /feed}
      record_selector: {type: RecordSelector, extractor: {type: DpathExtractor, field_path: [data]}${selectorExtra}}
      paginator: {type: DefaultPaginator, pagination_strategy: {type: PageIncrement, page_size: 2, start_from_page: 1}, page_token_option: {type: RequestOption, inject_into: request_parameter, field_name: page}}`);
  log.length = 0;
  const messages: any[] = [];
  const states = state ? [{ type: 'STREAM', stream: { stream_descriptor: { name: 's' }, stream_state: state } }] : undefined;
  await runCommand({ command: 'read', manifest, config: {}, state: states, catalog: { streams: [{ stream: { name: 's' }, sync_mode: 'incremental' }] } }, (m) => messages.push(m));
  return messages.filter((m) => m.type === 'RECORD').map((m) => m.record.data.id);
}

describe('DatetimeBasedCursor.is_data_feed', () => {
  it('stops paginating after the first page whose last record is older than the state', async () => {
    expect(await read(', is_data_feed: true', { t: '2024-01-03' })).toEqual([5, 4, 3, 2]);
    expect(log).toEqual(['/feed', '/feed?page=2']);
  });

  it('without is_data_feed every page is read', async () => {
    expect(await read('', { t: '2024-01-03' })).toEqual([5, 4, 3, 2, 1]);
    expect(log).toEqual(['/feed', '/feed?page=2', '/feed?page=3']);
  });
});

describe('client-side incremental (model_to_component_factory.py: transform_before_filtering defaults to True)', () => {
  const tag = `    transformations: [{type: AddFields, fields: [{type: AddedFieldDefinition, path: [tag], value: x}]}]`;
  const filter = `, record_filter: {type: RecordFilter, condition: "{{ record.get('tag') == 'x' }}"}`;
  it('the record filter sees transformed records when the cursor is client-side', async () => {
    expect(await read(', is_client_side_incremental: true', { t: '2024-01-03' }, tag, filter)).toEqual([5, 4, 3]);
  });

  it('otherwise the filter runs first, and an explicit transform_before_filtering: false wins', async () => {
    expect(await read('', undefined, tag, filter)).toEqual([]);
    expect(await read(', is_client_side_incremental: true', undefined, tag, `${filter}, transform_before_filtering: false`)).toEqual([]);
  });
});

describe('global_substream_cursor (concurrent_partition_cursor.py with use_global_cursor)', () => {
  async function readGlobal(state?: Record<string, unknown>) {
    const manifest = parseYaml(`version: 6.0.0
type: DeclarativeSource
check: {type: CheckStream, stream_names: [s]}
spec: {type: Spec, connection_specification: {type: object, properties: {}}}
streams:
  - type: DeclarativeStream
    name: s
    schema_loader: {type: InlineSchemaLoader, schema: {type: object}}
    incremental_sync: {type: DatetimeBasedCursor, cursor_field: t, datetime_format: "%Y-%m-%d", start_datetime: "2024-01-01", end_datetime: "2024-01-31", global_substream_cursor: true, start_time_option: {type: RequestOption, inject_into: request_parameter, field_name: since}}
    retriever:
      type: SimpleRetriever
      requester: {type: HttpRequester, url_base: "${base}", path: /feed}
      record_selector: {type: RecordSelector, extractor: {type: DpathExtractor, field_path: [data]}}
      partition_router: {type: ListPartitionRouter, cursor_field: team, values: [a, b]}`);
    log.length = 0;
    const messages: any[] = [];
    const states = state ? [{ type: 'STREAM', stream: { stream_descriptor: { name: 's' }, stream_state: state } }] : undefined;
    await runCommand({ command: 'read', manifest, config: {}, state: states, catalog: { streams: [{ stream: { name: 's' }, sync_mode: 'incremental' }] } }, (m) => messages.push(m));
    return messages.filter((m) => m.type === 'STATE').map((m) => m.state.stream.stream_state);
  }

  it('keeps one cursor value for all partitions and emits only the final state', async () => {
    const states = await readGlobal();
    expect(states).toEqual([{ use_global_cursor: true, state: { t: '2024-01-05' }, lookback_window: expect.any(Number) }]);
  });

  it('starts every partition from the global state moved back by its lookback_window', async () => {
    await readGlobal({ use_global_cursor: true, state: { t: '2024-01-05' }, lookback_window: 86400 });
    expect(log).toEqual(['/feed?since=2024-01-04', '/feed?since=2024-01-04']);
  });
});
