import { describe, expect, it } from 'vitest';
import { collectConfigRefs, configKeys, findConfigRefs, isNested } from '../src/config-refs';

const paths = (t: string) => findConfigRefs(t).map((r) => r.path);

describe('findConfigRefs', () => {
  it('reads every spelling of a nested config path', () => {
    expect(paths('{{ config.a.b }}')).toEqual([['a', 'b']]);
    expect(paths(`{{ config['a']["b"] }}`)).toEqual([['a', 'b']]);
    expect(paths("{{ config.get('a', {}).get('b') }}")).toEqual([['a', 'b']]);
    expect(paths("{{ config.get('a', {})['b'].c }}")).toEqual([['a', 'b', 'c']]);
    expect(paths("{% if config.a.b %}yes{% endif %}")).toEqual([['a', 'b']]);
  });

  it('keeps the default of a final get() and the quote style', () => {
    const [r] = findConfigRefs(`{{ config.get("a", {}).get("b", 'x,y') }}`);
    expect(r.lastStyle).toBe('get');
    expect(r.quote).toBe('"');
    expect(r.lastDefault).toBe("'x,y'");
    expect(r.text).toBe(`config.get("a", {}).get("b", 'x,y')`);
  });

  it('ignores look-alikes and text outside Jinja blocks', () => {
    expect(paths('{{ stream_config.x }} {{ parent.config.y }}')).toEqual([]);
    expect(paths("{{ 'config.a.b' }}")).toEqual([]);
    expect(paths('config.a.b written outside braces')).toEqual([]);
  });

  it('stops at method calls on the value and marks dynamic keys', () => {
    expect(paths("{{ config['ids'].split(',') }}")).toEqual([['ids']]);
    const [dyn] = findConfigRefs('{{ config[stream_name] }}');
    expect(dyn.dynamic).toBe(true);
    expect(isNested(dyn)).toBe(false);
  });

  it('treats indexing a top-level list as a top-level read, and a field below an index as nested', () => {
    const [first] = findConfigRefs("{{ config['country'][0] }}");
    expect(first.indexed).toBe(true);
    expect(isNested(first)).toBe(false);
    const [deep] = findConfigRefs("{{ config['applications'][0]['app_id'] }}");
    expect(configKeys(deep)).toEqual(['applications', 'app_id']);
    expect(isNested(deep)).toBe(true);
  });

  it('finds several reads in one template, with offsets that slice back to the text', () => {
    const t = "{{ config.get('credentials', {}).get('access_token') or config['api_key'] }}";
    const refs = findConfigRefs(t);
    expect(refs.map((r) => r.path)).toEqual([['credentials', 'access_token'], ['api_key']]);
    for (const r of refs) expect(t.slice(r.start, r.end)).toBe(r.text);
  });
});

describe('collectConfigRefs', () => {
  it('walks a manifest value and skips the spec', () => {
    const refs = collectConfigRefs({
      definitions: { requester: { url_base: 'https://{{ config.account.region }}.x' } },
      spec: { connection_specification: { description: '{{ config.not.this }}' } },
    });
    expect(refs.map((r) => [r.at, r.path])).toEqual([[['definitions', 'requester', 'url_base'], ['account', 'region']]]);
  });
});
