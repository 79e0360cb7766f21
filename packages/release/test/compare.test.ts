import { describe, expect, it } from 'vitest';
import { allowsBreakingChanges, compareRecordSchemas, compareSnapshots, compareSpecs, interpolateParameters, nextVersion, type ConnectorSnapshot } from '../src';

const kinds = (cs: { kind: string; breaking: boolean }[]) => cs.map((c) => `${c.kind}${c.breaking ? '!' : ''}`).sort();

describe('record schemas', () => {
  it('classifies removed, added, narrowed, widened and re-formatted fields', () => {
    const before = { type: 'object', properties: { id: { type: 'integer' }, name: { type: ['null', 'string'] }, at: { type: 'string', format: 'date-time' }, tags: { type: 'array', items: { type: 'object', properties: { k: { type: 'string' } } } }, gone: { type: 'string' } } };
    const after = { type: 'object', properties: { id: { type: 'number' }, name: { type: 'string' }, at: { type: 'string' }, tags: { type: 'array', items: { type: 'object', properties: {} } }, extra: { type: 'boolean' } } };
    expect(kinds(compareRecordSchemas('s', before, after))).toEqual(['field-added', 'field-removed!', 'field-removed!', 'format-changed!', 'type-changed!', 'type-widened']);
  });
});

describe('spec', () => {
  it('new required, became required, oneOf, narrowed enum break; new optional does not', () => {
    const before = { type: 'object', required: ['a'], properties: { a: { type: 'string' }, b: { type: 'string' }, mode: { type: 'string', enum: ['x', 'y'] }, auth: { type: 'object', properties: { t: { type: 'string' } } } } };
    const after = { type: 'object', required: ['a', 'b', 'c'], properties: { a: { type: 'string' }, b: { type: 'string' }, c: { type: 'string' }, d: { type: 'integer' }, mode: { type: 'string', enum: ['x'] }, auth: { type: 'object', oneOf: [{ properties: { t: { type: 'string' } } }] } } };
    expect(kinds(compareSpecs(before, after))).toEqual(['spec-became-oneof!', 'spec-became-required!', 'spec-enum-narrowed!', 'spec-property-added', 'spec-required-added!']);
  });
  it('a removed property breaks only when the spec forbids unknown properties', () => {
    const before = { properties: { a: { type: 'string' }, b: { type: 'string' } } };
    expect(kinds(compareSpecs(before, { properties: { a: { type: 'string' } } }))).toEqual(['spec-property-removed']);
    expect(kinds(compareSpecs(before, { additionalProperties: false, properties: { a: { type: 'string' } } }))).toEqual(['spec-property-removed!']);
  });
});

describe('streams', () => {
  const snap = (streams: ConnectorSnapshot['streams'], extra: Partial<ConnectorSnapshot> = {}): ConnectorSnapshot => ({ sources: [], gaps: [], streams, ...extra });
  const schema = { type: 'object', properties: { id: { type: 'integer' } } };
  it('detects a rename as breaking and does not also report the new name as added', () => {
    const r = compareSnapshots(snap([{ name: 'users', schema, keysKnown: true }]), snap([{ name: 'members', schema, keysKnown: true }]));
    expect(kinds(r.changes)).toEqual(['stream-renamed!']);
  });
  it('skips keys it could not read on one side and says what it could not compare', () => {
    const r = compareSnapshots(snap([{ name: 'a', keysKnown: false, primaryKey: [['id']] }]), snap(undefined, { gaps: ['streams: nothing names them'] }));
    expect(r.changes).toEqual([]);
    expect(r.notCompared).toEqual(['streams: nothing names them', 'streams: not known for the release']);
  });
  it('an OAuth grant change needs the platform; adding OAuth is not breaking', () => {
    const r = compareSnapshots(snap([], { oauthAuthenticators: ['OAuthAuthenticator grant_type=refresh_token'] }), snap([], { oauthAuthenticators: ['OAuthAuthenticator grant_type=client_credentials'] }));
    expect(r.changes).toEqual([expect.objectContaining({ kind: 'authenticator-changed', breaking: true, needsPlatformChange: true })]);
    const added = compareSnapshots(snap([], { advancedAuth: undefined }), snap([], { advancedAuth: { auth_flow_type: 'oauth2.0' } }));
    expect(added.changes).toEqual([expect.objectContaining({ kind: 'oauth-flow-changed', breaking: false, needsPlatformChange: true })]);
  });
  it('gaining a cursor or a key is not breaking; changing or losing one is', () => {
    const s = (primaryKey?: string[][], cursorField?: string[]) => snap([{ name: 'a', keysKnown: true, primaryKey, cursorField }]);
    expect(kinds(compareSnapshots(s(undefined, undefined), s([['id']], ['updated'])).changes)).toEqual(['cursor-field-changed', 'primary-key-changed']);
    expect(kinds(compareSnapshots(s([['id']], ['updated']), s(undefined, undefined)).changes)).toEqual(['cursor-field-changed!', 'primary-key-changed!']);
    expect(kinds(compareSnapshots(s([['id']], ['updated']), s([['uuid']], ['created'])).changes)).toEqual(['cursor-field-changed!', 'primary-key-changed!']);
  });

  it('resolves {{ parameters.x }} in cursors and keys', () => {
    expect(interpolateParameters('{{ parameters.cursor }}', { cursor: 'sync_date' })).toBe('sync_date');
    expect(interpolateParameters(["{{ parameters['pk'] }}"], { pk: 'id' })).toEqual(['id']);
    expect(interpolateParameters('{{ config.x }}', {})).toBe('{{ config.x }}');
  });
});

describe('versions', () => {
  it('bumps like semver and allows breaking changes only on a major (or a minor below 1.0.0)', () => {
    expect(nextVersion('0.3.15', { bump: 'minor' })).toBe('0.4.0');
    expect(nextVersion('1.9.9', { bump: 'major' })).toBe('2.0.0');
    expect(() => nextVersion('1.0', { bump: 'patch' })).toThrow(/not a semantic version/);
    expect(allowsBreakingChanges('0.3.1', '0.4.0')).toBe(true);
    expect(allowsBreakingChanges('1.3.1', '1.4.0')).toBe(false);
    expect(allowsBreakingChanges('1.3.1', '2.0.0')).toBe(true);
    expect(allowsBreakingChanges('1.3.1', '2.0.1')).toBe(false);
  });
});
