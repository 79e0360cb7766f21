import { describe, expect, it } from 'vitest';
import { buildUrl, dedupeQueryParams, joinUrl, parseLinks, urlencode } from '../src/http/url';
import { literalEval, NOT_LITERAL } from '../src/jinja/literal';
import { PyFloat } from '../src/jinja/values';

describe('URLs as Python requests builds them', () => {
  it('joins url_base and path like HttpRequester._join_url', () => {
    expect(joinUrl('https://example.com/api/', 'endpoint')).toBe('https://example.com/api/endpoint');
    expect(joinUrl('https://example.com/api', 'endpoint')).toBe('https://example.com/api/endpoint');
    expect(joinUrl('https://example.com/api/', '')).toBe('https://example.com/api/');
    expect(joinUrl('https://example.com/api', '/items?page=2')).toBe('https://example.com/items?page=2');
    expect(joinUrl('https://example.com/api', 'https://other.example/x')).toBe('https://other.example/x');
  });
  it('encodes params with quote_plus after the URL’s own query', () => {
    expect(urlencode({ since: '2024-01-01T00:00:00Z', fields: 'a,b', path: 'a/b c', many: ['x', 'y'], flag: true })).toBe(
      'since=2024-01-01T00%3A00%3A00Z&fields=a%2Cb&path=a%2Fb+c&many=x&many=y&flag=True',
    );
    expect(buildUrl('http://h/v2/items?per_page=10&cursor=c10', { sort: 'id' })).toBe('http://h/v2/items?per_page=10&cursor=c10&sort=id');
    expect(buildUrl('http://h/a b', {})).toBe('http://h/a%20b');
  });
  it('drops params whose key and value are already in the URL', () => {
    expect(dedupeQueryParams('http://h/x?per_page=10&cursor=c', { per_page: 10, sort: 'id', cursor: 'd' })).toEqual({ sort: 'id', cursor: 'd' });
  });
  it('parses Link headers like requests', () => {
    expect(parseLinks('<http://h/x?page=2>; rel="next", <http://h/x?page=9>; rel="last"')).toEqual({
      next: { url: 'http://h/x?page=2', rel: 'next' },
      last: { url: 'http://h/x?page=9', rel: 'last' },
    });
  });
});

describe('ast.literal_eval', () => {
  it('parses Python literals and leaves everything else alone', () => {
    expect(literalEval('90210')).toBe(90210);
    expect(literalEval('01234')).toBe(NOT_LITERAL);
    expect(literalEval('1e3')).toEqual(new PyFloat(1000));
    expect(literalEval("['a', 1, None, True]")).toEqual(['a', 1, null, true]);
    expect(literalEval("{'a': (1, 2)}")).toEqual({ a: [1, 2] });
    expect(literalEval('-5')).toBe(-5);
    expect(literalEval('2024-01-01')).toBe(NOT_LITERAL);
    expect(literalEval('1 + 2')).toBe(NOT_LITERAL);
    expect(literalEval('null')).toBe(NOT_LITERAL);
    expect(literalEval("'it''s'")).toBe('its');
  });
});
