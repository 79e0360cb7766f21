/**
 * Component semantics pinned against the CDK source (airbyte-python-cdk v7), beyond the golden cases. Each test
 * names the CDK file whose behaviour it reproduces.
 */
import { describe, expect, it } from 'vitest';
import { ManifestError } from '../src/protocol';
import type { Build } from '../src/components/build';
import { buildTransformation, flattenRecord } from '../src/components/transformations';
import { buildErrorHandler } from '../src/components/error-handler';
import { buildDecoder, buildExtractor } from '../src/components/records';
import { buildPaginator } from '../src/components/paginator';
import { Response } from '../src/http/response';
import { evalString } from '../src/jinja/interpolation';
import { pyStr } from '../src/jinja/values';

function fakeBuild(config: Record<string, unknown> = {}): Build {
  return {
    config,
    origins: new WeakMap(),
    manifest: {},
    manifestDir: '/nonexistent',
    rt: {} as Build['rt'],
    parentStreams: new Set(),
    error: (_node, message) => new ManifestError(message),
  } as Build;
}

const run = (node: Record<string, unknown>, records: Record<string, unknown>[], ctx: Record<string, unknown> = { stream_slice: {} }) =>
  buildTransformation(fakeBuild({ pre: 'x_' }), node)(records, ctx);

const response = (status: number, body: unknown, headers: [string, string][] = []) =>
  new Response({ method: 'GET', url: 'http://127.0.0.1/x', headers: [], body: null }, { status, headers: [['Content-Type', 'application/json'], ...headers], body: JSON.stringify(body) });

describe('transformations (airbyte_cdk/sources/declarative/transformations/)', () => {
  it('FlattenFields prefixes colliding keys and list items like flatten_fields.py', () => {
    const rec = { id: 1, a: { id: 2, b: { c: 3 } }, l: [{ x: 1 }, 5], e: {} };
    // The stack pops `l` before `a`, and once a list was seen every later key keeps its parent path.
    expect(flattenRecord(rec, true)).toEqual({ id: 1, 'a.id': 2, 'a.b.c': 3, 'l.0.x': 1, 'l.1': 5 });
    // Without lists, a nested key popped before its top-level twin takes the plain name, and the twin overwrites it.
    expect(flattenRecord({ id: 1, a: { id: 2, b: { c: 3 } } }, true)).toEqual({ c: 3, id: 1 });
    expect(flattenRecord({ l: [1, 2], m: { n: 1 } }, false)).toEqual({ l: [1, 2], n: 1 });
    const [out] = run({ type: 'FlattenFields', flatten_lists: false }, [{ a: { b: [1] } }]);
    expect(out).toEqual({ b: [1] });
  });

  it('DpathFlattenFields lifts a dict, skips conflicts, honours delete_origin_value, replace_record and key affixes (dpath_flatten_fields.py)', () => {
    expect(run({ type: 'DpathFlattenFields', field_path: ['meta'] }, [{ id: 1, meta: { a: 1 } }])).toEqual([{ id: 1, meta: { a: 1 }, a: 1 }]);
    expect(run({ type: 'DpathFlattenFields', field_path: ['meta'], delete_origin_value: true }, [{ id: 1, meta: { a: 1 } }])).toEqual([{ id: 1, a: 1 }]);
    // A key the record already has: nothing changes, not even the origin deletion.
    expect(run({ type: 'DpathFlattenFields', field_path: ['meta'], delete_origin_value: true }, [{ id: 1, meta: { id: 9 } }])).toEqual([{ id: 1, meta: { id: 9 } }]);
    expect(run({ type: 'DpathFlattenFields', field_path: ['meta'], replace_record: true }, [{ id: 1, meta: { a: 1 } }])).toEqual([{ a: 1 }]);
    expect(run({ type: 'DpathFlattenFields', field_path: ['rows', '*', 'v'], key_transformation: { type: 'KeyTransformation', prefix: "{{ config['pre'] }}", suffix: '_s' } }, [{ rows: [{ v: { k: 1 } }, { v: { k: 2 } }] }]))
      .toEqual([{ rows: [{ v: { k: 1 } }, { v: { k: 2 } }], x_k_s: 1 }]);
  });

  it('KeysToSnakeCase renames top-level keys only; KeysReplace is recursive and handles an empty old like str.replace', () => {
    expect(run({ type: 'KeysToSnakeCase' }, [{ FirstName: 1, Meta: { InnerKey: 2 } }])).toEqual([{ first_name: 1, meta: { InnerKey: 2 } }]);
    expect(run({ type: 'KeysReplace', old: ' ', new: '_' }, [{ 'a b': { 'c d': 1 } }])).toEqual([{ a_b: { c_d: 1 } }]);
    expect(run({ type: 'KeysReplace', old: '', new: '-' }, [{ ab: 1 }])).toEqual([{ '-a-b-': 1 }]);
  });

  it('RemoveFields applies its condition to each matched leaf (dpath.delete afilter) and never to dicts', () => {
    const records = [{ a: 1, b: 'keep', n: { x: 1, y: 2 }, d: { z: 1 } }];
    run({ type: 'RemoveFields', field_pointers: [['*'], ['n', '*']], condition: '{{ property == 1 }}' }, records);
    expect(records).toEqual([{ b: 'keep', n: { y: 2 }, d: { z: 1 } }]);
  });

  it('RemoveFields on list items sets them to None except the last, which is removed', () => {
    expect(run({ type: 'RemoveFields', field_pointers: [['l', '0'], ['m', '2']] }, [{ l: [1, 2, 3], m: [1, 2, 3] }])).toEqual([{ l: [null, 2, 3], m: [1, 2] }]);
  });

  it('AddFields templates see record and stream_slice only; the condition also sees value and path', () => {
    const out = run({ type: 'AddFields', condition: "{{ path[0] == 'b' and value > 1 }}", fields: [{ type: 'AddedFieldDefinition', path: ['a'], value: '{{ 5 }}' }, { type: 'AddedFieldDefinition', path: ['b'], value: "{{ stream_slice['n'] }}" }] }, [{}], { stream_slice: { n: 2 }, next_page_token: null });
    expect(out).toEqual([{ b: 2 }]);
    expect(() => run({ type: 'AddFields', fields: [{ type: 'AddedFieldDefinition', path: ['a'], value: '{{ next_page_token }}' }] }, [{}], { stream_slice: {}, next_page_token: null })).toThrow(/undeclared/);
  });
});

describe('HttpResponseFilter (requesters/error_handlers/http_response_filter.py)', () => {
  it('a filter that does not match leaves the response to the next filter', () => {
    const h = buildErrorHandler(fakeBuild(), {
      type: 'DefaultErrorHandler',
      response_filters: [
        { type: 'HttpResponseFilter', action: 'FAIL', predicate: "{{ response.code == 'nope' }}" },
        { type: 'HttpResponseFilter', action: 'IGNORE', predicate: "{{ response.code == 'gone' }}" },
      ],
    });
    expect(h.interpret(response(404, { code: 'gone' })).action).toBe('IGNORE');
    expect(h.interpret(response(404, { code: 'other' }))).toMatchObject({ action: 'FAIL', failureType: 'system_error' });
  });

  it('a filter without an action matches nothing; a matched filter falls back to the default message and failure type', () => {
    const h = buildErrorHandler(fakeBuild(), {
      type: 'DefaultErrorHandler',
      response_filters: [{ type: 'HttpResponseFilter', http_codes: [500], failure_type: 'config_error' }, { type: 'HttpResponseFilter', action: 'RETRY', http_codes: [401] }],
    });
    expect(h.interpret(response(500, {})).action).toBe('RETRY');
    expect(h.interpret(response(401, {}))).toEqual({ action: 'RETRY', failureType: 'config_error', message: 'HTTP Status Code: 401. Error: Unauthorized. Please ensure you are authenticated correctly.' });
  });
});

describe('macros (interpolation/macros.py: str_to_datetime = ab_datetime_parse)', () => {
  it('reads digit strings as Unix timestamps and slash dates like dateutil', () => {
    expect(evalString("{{ format_datetime('1704067200', '%Y-%m-%d %H:%M') }}", {}, {})).toBe('2024-01-01 00:00');
    // timestamp() of a string is a float, rendered as Python does: 1704067200.0
    expect(pyStr(evalString("{{ timestamp('1704067200') }}", {}, {}))).toBe('1704067200.0');
    expect(evalString("{{ format_datetime('2024/03/05 10:30', '%Y-%m-%dT%H:%M:%SZ') }}", {}, {})).toBe('2024-03-05T10:30:00Z');
    expect(() => evalString("{{ str_to_datetime('12345678901') }}", {}, {})).toThrow(/too large/);
  });
});

describe('filters (interpolation/filters.py)', () => {
  it('string wraps non-strings in triple-quoted JSON, so a lone expression stays a str', () => {
    expect(evalString('{{ [1, 2] | string }}', {}, {})).toBe('[1, 2]');
    expect(evalString('{{ 5 | string }}', {}, {})).toBe('5');
    expect(evalString('a{{ [1] | string }}', {}, {})).toBe('a"""[1]"""');
  });

  it('regex_search gives the first group, or an empty string; hmac and base64binascii_decode exist', () => {
    expect(evalString("{{ 'ab12' | regex_search('(\\\\d+)') }}", {}, {})).toBe(12);
    expect(evalString("{{ 'ab12' | regex_search('\\\\d+') }}", {}, {})).toBe('');
    expect(evalString("{{ 'm' | hmac('k') }}", {}, {})).toBe('b60090e3052297aeb5a080889ce2fc4bca957e756faeb4df7d31800ca1e771ec');
    expect(evalString("{{ 'ab' | base64binascii_decode }}", {}, {})).toBe('YWI=');
  });
});

describe('JsonlDecoder (decoders/composite_raw_decoder.py JsonLineParser)', () => {
  it('skips lines that are not JSON instead of failing the read', () => {
    const decode = buildDecoder(fakeBuild(), { type: 'JsonlDecoder' });
    const res = new Response({ method: 'GET', url: 'http://127.0.0.1/x', headers: [], body: null }, { status: 200, headers: [], body: '{"a": 1}\nnot json\n\n{"a": 2.0}\r\n' });
    expect(decode(res).map((r) => pyStr((r as { a: unknown }).a))).toEqual(['1', '2.0']);
  });
});

describe('backoff strategies (error_handlers/backoff_strategies/*.py)', () => {
  const handler = (strategy: Record<string, unknown>) => buildErrorHandler(fakeBuild(), { type: 'DefaultErrorHandler', backoff_strategies: [strategy] });
  it('WaitTimeFromHeader applies its regex with re.match and falls back to the whole header', () => {
    const h = handler({ type: 'WaitTimeFromHeader', header: 'X-Wait', regex: '[\\d.]+' });
    expect(h.backoff(response(429, {}, [['X-Wait', '2.5 seconds']]), 1)).toBe(2.5);
    expect(h.backoff(response(429, {}, [['X-Wait', 'wait 3']]), 1)).toBeNull();
    expect(h.backoff(response(429, {}, [['X-Wait', '']]), 1)).toBeNull();
  });

  it('WaitTimeFromHeader stops the stream when the wait reaches max_waiting_time_in_seconds', () => {
    const h = handler({ type: 'WaitTimeFromHeader', header: 'Retry-After', max_waiting_time_in_seconds: 10 });
    expect(() => h.backoff(response(429, {}, [['Retry-After', '10']]), 1)).toThrow('The rate limit is greater than max waiting time has been reached.');
  });

  it('WaitUntilTimeFromHeader waits until the epoch in the header, with min_wait as floor and fallback', () => {
    const h = handler({ type: 'WaitUntilTimeFromHeader', header: 'X-Reset', min_wait: 2 });
    expect(h.backoff(response(429, {}), 1)).toBe(2);
    const future = Math.floor(Date.now() / 1000) + 60;
    expect(h.backoff(response(429, {}, [['X-Reset', String(future)]]), 1)).toBeGreaterThan(30);
    expect(handler({ type: 'WaitUntilTimeFromHeader', header: 'X-Reset' }).backoff(response(429, {}, [['X-Reset', '1000']]), 1)).toBeNull();
  });

  it('ExponentialBackoffStrategy is factor * 2 ** attempt with factor 5 by default', () => {
    expect(handler({ type: 'ExponentialBackoffStrategy' }).backoff(response(500, {}), 2)).toBe(20);
    expect(handler({ type: 'ExponentialBackoffStrategy', factor: '{{ 1.5 }}' }).backoff(response(500, {}), 1)).toBe(3);
  });
});

describe('CursorPagination reads the first decoded body (paginators/strategies/cursor_pagination_strategy.py)', () => {
  it('with a JSONL decoder the cursor comes from the first line', () => {
    const b = fakeBuild();
    const decoder = buildDecoder(b, { type: 'JsonlDecoder' });
    const extractor = buildExtractor(b, { type: 'DpathExtractor', field_path: [] }, decoder);
    const paginator = buildPaginator(b, { type: 'DefaultPaginator', pagination_strategy: { type: 'CursorPagination', cursor_value: '{{ response.next }}' }, page_token_option: { type: 'RequestOption', inject_into: 'request_parameter', field_name: 'cursor' } }, () => 'http://127.0.0.1', extractor, decoder);
    const res = new Response({ method: 'GET', url: 'http://127.0.0.1/x', headers: [], body: null }, { status: 200, headers: [], body: '{"id": 1, "next": "c2"}\n{"id": 2}\n' });
    expect(paginator.next({ response: res, lastPageSize: 2, lastRecord: { id: 2 }, lastToken: null })).toBe('c2');
  });
});
