import { describe, expect, it } from 'vitest';
import { evalBoolean, evalString, interpolate } from '../src/jinja/interpolation';
import { toPlain } from '../src/jinja/values';

const config = { start_date: '2024-01-01T00:00:00Z', floor: 7, account: { id: 'acc-42', region: 'eu' }, filters: { tags: ['a', 'b'] } };
const s = (t: string, ctx: Record<string, unknown> = {}): unknown => toPlain(evalString(t, config, ctx));

describe('interpolation (CDK semantics)', () => {
  it('re-parses rendered strings as Python literals', () => {
    expect(s('{{ 90210 }}')).toBe(90210);
    expect(s('01234')).toBe('01234');
    expect(s("{{ 'True' }}")).toBe(true);
    expect(s('{{ config.filters.tags }}')).toEqual(['a', 'b']);
    expect(s('null')).toBe('null');
    expect(s("{{ record.get('nope') }}", { record: {} })).toBe(null);
  });
  it('renders Python str() of floats, datetimes and booleans', () => {
    expect(interpolate("{{ timestamp(config['start_date']) }}", config, {}, null, ['str'])).toBe('1704067200.0');
    expect(s("{{ str_to_datetime('2024-03-01T14:30:00Z') }}")).toBe('2024-03-01 14:30:00+00:00');
    expect(interpolate('{{ 1 < 2 }}', config, {}, null, ['str'])).toBe('True');
    expect(s("{{ (str_to_datetime(config['start_date']) + duration('P7D')).strftime('%Y-%m-%d') }}")).toBe('2024-01-08');
  });
  it('supports macros, filters and Python methods', () => {
    expect(s("{{ format_datetime(config['start_date'], '%Y/%m/%d') }}")).toBe('2024/01/01');
    expect(s("{{ format_datetime(1700003600, '%Y-%m-%d %H:%M') }}")).toBe('2023-11-14 23:13');
    expect(s("{{ max(config['floor'], 3) }}")).toBe(7);
    expect(s("{{ sanitize_url('a b/c?d=e') }}")).toBe('a+b%2Fc%3Fd%3De');
    expect(s("{{ camel_case_to_snake_case('HTTPRequest') }}")).toBe('h_t_t_p_request');
    expect(s("{{ config.get('credentials', {}).get('api_key', 'x') }}")).toBe('x');
    expect(s("{{ config['account'].get('region') | upper }}")).toBe('EU');
    expect(s("{{ config['filters']['tags'] | join(',') }}")).toBe('a,b');
    expect(s("{{ 'abc' | base64encode }}")).toBe('YWJj');
    expect(s("{{ 'a-1-b' | regex_replace('-\\\\d-', '+') }}")).toBe('a+b');
    expect(s("{{ (2.5 * 100) | int }}")).toBe(250);
    expect(s('{% if config.floor > 5 %}big{% else %}small{% endif %}')).toBe('big');
  });
  it('falls back to the default on undefined values and rejects undeclared variables', () => {
    expect(s("{{ config['missing'] }}")).toBe('');
    expect(() => s('{{ record.id }}')).toThrow(/undeclared variables/);
  });
  it('is sandboxed: no access to JS prototypes or globals', () => {
    expect(s('{{ config.constructor }}')).toBe('');
    expect(s("{{ config['__proto__'] }}")).toBe('');
    expect(() => s("{{ ''.constructor.constructor('return process')() }}")).toThrow();
    expect(() => s('{{ process.exit(1) }}')).toThrow(/undeclared/);
    expect(() => s("{{ 'a' * 100000000000 }}")).toThrow(/too large/);
  });
  it('evaluates booleans like InterpolatedBoolean', () => {
    expect(evalBoolean("{{ record['active'] and record['price'] >= 5 }}", config, { record: { active: true, price: 6 } })).toBe(true);
    expect(evalBoolean("{{ 'next' not in headers['link'] }}", config, { headers: { link: {} } })).toBe(true);
    expect(evalBoolean('{{ response.next is none }}', config, { response: { next: 'c3' } })).toBe(false);
  });
});

describe('Jinja built-ins', () => {
  it('tojson sorts keys and uses Python separators', () => {
    expect(s("{{ {'b': 1, 'a': [True, None]} | tojson }}")).toBe('{"a": [true, null], "b": 1}');
  });
  it('keeps integer and float arithmetic apart like Python', () => {
    expect(interpolate('{{ 7 / 2 }}', {}, {}, null, ['str'])).toBe('3.5');
    expect(interpolate('{{ 6 / 2 }}', {}, {}, null, ['str'])).toBe('3.0');
    expect(interpolate('{{ 7 // 2 }}', {}, {}, null, ['str'])).toBe('3');
    expect(interpolate('{{ -7 % 3 }}', {}, {}, null, ['str'])).toBe('2');
  });
});
