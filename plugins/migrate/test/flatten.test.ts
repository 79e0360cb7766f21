import { describe, expect, it } from 'vitest';
import { flattenManifest, higherVersion } from '../src/flatten';
import { editAcceptanceConfig, editMetadataForManifestOnly } from '../src/yaml-edits';

const manifest = {
  version: '0.29.0',
  definitions: {
    selector: { extractor: { field_path: ["{{ parameters['name'] }}"] } },
    base: {
      retriever: {
        record_selector: { $ref: '#/definitions/selector' },
        requester: {
          url_base: 'https://api.example.com',
          path: '{{ parameters.path }}',
          request_parameters: { kind: "{{ parameters.get('kind', 'all') }}", fields: '{{ parameters.fields | join(",") }}' },
        },
      },
    },
    users: { $ref: '#/definitions/base', $parameters: { name: 'users', path: '/users', primary_key: 'id', fields: ['a', 'b'] } },
  },
  streams: ['#/definitions/users'],
  check: { stream_names: ['users'] },
};

describe('flattenManifest', () => {
  it('resolves references, copies parameters onto declared fields only, substitutes parameter reads and drops $parameters', () => {
    const { manifest: out, unresolved } = flattenManifest(manifest, '4.3.2');
    expect(unresolved).toEqual([]);
    expect(out.version).toBe('4.3.2');
    expect(out.type).toBe('DeclarativeSource');
    const stream = (out.streams as Record<string, any>[])[0];
    expect(stream).toMatchObject({ type: 'DeclarativeStream', name: 'users', primary_key: 'id' });
    expect(stream.path).toBeUndefined(); // DeclarativeStream has no `path`
    expect(stream.retriever.requester).toMatchObject({ type: 'HttpRequester', path: '/users' });
    expect(stream.retriever.requester.name).toBeUndefined();
    expect(stream.retriever.record_selector.extractor).toEqual({ type: 'DpathExtractor', field_path: ['users'] });
    expect(stream.retriever.requester.request_parameters).toEqual({ kind: 'all', fields: '{{ ["a","b"] | join(",") }}' });
    expect(JSON.stringify(out)).not.toContain('$parameters');
    // definitions stay, as in Airbyte's output
    expect(Object.keys(out.definitions as object)).toEqual(['selector', 'base', 'users']);
  });

  it('reports a parameter read that nothing sets', () => {
    const { unresolved } = flattenManifest({ ...manifest, streams: [{ type: 'DeclarativeStream', name: 's', retriever: { requester: { url_base: 'u', path: '{{ parameters.nope }}' }, record_selector: { extractor: { field_path: [] } } } }] }, '4.3.2');
    expect(unresolved).toEqual([{ path: ['streams', 0, 'retriever', 'requester', 'path'], text: '{{ parameters.nope }}' }]);
  });

  it('never lowers a newer manifest version', () => {
    expect(higherVersion('6.7.0', '4.3.2')).toBe('6.7.0');
    expect(higherVersion('0.78.5', '4.3.2')).toBe('4.3.2');
    expect(higherVersion(undefined, '4.3.2')).toBe('4.3.2');
  });
});

describe('YAML edits keep what they do not change', () => {
  it('metadata.yaml: language tag swapped, PyPI off, base image set, comments kept', () => {
    const text = 'data:\n  # where it runs\n  remoteRegistries:\n    pypi:\n      enabled: true # publish\n      packageName: airbyte-source-x\n  tags:\n    - language:python\n    - cdk:low-code\n  connectorBuildOptions:\n    baseImage: docker.io/airbyte/python-connector-base:2.0.0@sha256:abc\n';
    const { text: out, problems } = editMetadataForManifestOnly(text, 'metadata.yaml', 'img:1@sha256:def');
    expect(problems).toEqual([]);
    expect(out).toBe('data:\n  # where it runs\n  remoteRegistries:\n    pypi:\n      enabled: false # publish\n      packageName: airbyte-source-x\n  tags:\n    - cdk:low-code\n    - language:manifest-only\n  connectorBuildOptions:\n    baseImage: img:1@sha256:def\n');
  });

  it('acceptance-test-config.yml: spec_path points at manifest.yaml, quoting kept', () => {
    const text = 'connector_image: airbyte/source-x:dev\nacceptance_tests:\n  spec:\n    tests:\n      - spec_path: "source_x/spec.yaml" # the spec\n';
    expect(editAcceptanceConfig(text, 'a.yml', 'manifest.yaml').text).toBe('connector_image: airbyte/source-x:dev\nacceptance_tests:\n  spec:\n    tests:\n      - spec_path: "manifest.yaml" # the spec\n');
  });
});
