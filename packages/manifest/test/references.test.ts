import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { ManifestReferenceError, preprocessManifest, resolveReferences, removeParameters, type ManifestPath } from '@conveyor/manifest';
import { CORPUS } from '../../../test/support';

describe('resolveReferences', () => {
  it('merges $ref objects with the object’s own keys winning, and replaces #/ strings', () => {
    const m = { definitions: { base: { a: 1, b: { c: 2 } }, name: 'users' }, s: { $ref: '#/definitions/base', a: 9 }, n: '#/definitions/name' };
    expect(resolveReferences(m)).toMatchObject({ s: { a: 9, b: { c: 2 } }, n: 'users' });
  });

  it('tries the whole remaining path as a key first, and indexes lists', () => {
    const m = { schemas: { 'a/b': 'slash-key', list: ['x', 'y'] }, r1: '#/schemas/a/b', r2: '#/schemas/list/1' };
    expect(resolveReferences(m)).toMatchObject({ r1: 'slash-key', r2: 'y' });
  });

  it('names circular and undefined references with where they were written', () => {
    expect(() => resolveReferences({ a: '#/b', b: '#/a' })).toThrow(ManifestReferenceError);
    try {
      resolveReferences({ streams: [{ retriever: { $ref: '#/definitions/missing' } }] });
    } catch (e) {
      expect(e).toMatchObject({ kind: 'undefined', ref: '#/definitions/missing', path: ['streams', 0, 'retriever', '$ref'] });
    }
  });

  it('records where each resolved object came from', () => {
    const origins = new WeakMap<object, ManifestPath>();
    const m = { definitions: { req: { url_base: 'x' } }, streams: [{ requester: { $ref: '#/definitions/req' } }] };
    const r = resolveReferences(m, origins) as { streams: { requester: object }[] };
    expect(origins.get(r.streams[0].requester)).toEqual(['streams', 0, 'requester']);
  });
});

describe('preprocessManifest ($parameters and default types, as the CDK)', () => {
  it('propagates parameters down, lets fields win, and fills default types', () => {
    const out = preprocessManifest({
      version: '6.0.0',
      check: { stream_names: ['users'] },
      streams: [{ $parameters: { name: 'users', path: '/users' }, retriever: { requester: { url_base: 'https://x', path: '/own' }, record_selector: { extractor: { field_path: [] } } } }],
    }) as any;
    const s = out.streams[0];
    expect(out.type).toBe('DeclarativeSource');
    expect(out.check.type).toBe('CheckStream');
    expect(s).toMatchObject({ type: 'DeclarativeStream', name: 'users', path: '/users' });
    expect(s.retriever.type).toBe('SimpleRetriever');
    expect(s.retriever.requester).toMatchObject({ type: 'HttpRequester', path: '/own', name: 'users' });
    expect(s.retriever.record_selector.extractor.type).toBe('DpathExtractor');
    expect(removeParameters(s).$parameters).toBeUndefined();
  });

  it('leaves JSON schemas alone and types custom components from class_name', () => {
    const out = preprocessManifest({
      streams: [{ $parameters: { name: 's' }, schema_loader: { type: 'InlineSchemaLoader', schema: { type: 'object', properties: { id: { type: 'string' } } } }, retriever: { paginator: { type: 'DefaultPaginator', pagination_strategy: { class_name: 'x.Y' } } } }],
    }) as any;
    expect(out.streams[0].schema_loader.schema).toEqual({ type: 'object', properties: { id: { type: 'string' } } });
    expect(out.streams[0].retriever.paginator.pagination_strategy.type).toBe('CustomPaginationStrategy');
  });

  it('drops the $parameters of an untyped object without passing them on, as the CDK pops them first', () => {
    const out = preprocessManifest({
      streams: [{ name: 's', retriever: { requester: { url_base: 'https://x', request_parameters: { $parameters: { per_page: 50 }, sort: 'asc' } } } }],
    }) as any;
    expect(out.streams[0].retriever.requester.request_parameters).toEqual({ sort: 'asc' });
  });

  it('resolves every manifest of the real corpus', () => {
    const dirs = ['fleet-2024-06', 'migrations', 'inline-schemas'];
    let count = 0;
    for (const d of dirs) {
      for (const name of readdirSync(join(CORPUS, d))) {
        for (const side of d === 'fleet-2024-06' ? [''] : ['before', 'after']) {
          const root = join(CORPUS, d, name, side);
          const candidates = [join(root, 'manifest.yaml'), join(root, name.replace(/-/g, '_'), 'manifest.yaml')];
          const file = candidates.find((f) => existsSync(f));
          if (!file) continue;
          const out = preprocessManifest(parse(readFileSync(file, 'utf8')));
          expect(Array.isArray(out.streams), file).toBe(true);
          count++;
        }
      }
    }
    expect(count).toBeGreaterThan(60);
  });
});
