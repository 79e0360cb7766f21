import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { flattenConfig, rewrite } from '../src/transforms/flatten-config';

const SAMPLE = join(__dirname, '../../../connectors/source-nested-config/source_nested_config/manifest.yaml');

describe('flattenConfig', () => {
  it('rewrites every nested read, keeps comments, and moves the spec properties to the top', () => {
    const text = readFileSync(SAMPLE, 'utf8');
    const r = flattenConfig({ doc: parseDocument(text) });
    expect(r.changed).toBe(true);
    expect(r.text).toContain('# The region picks the data centre: eu or us.');
    expect(r.text).toContain('url_base: "https://{{ config.account_region }}.nested.example/api"');
    expect(r.text).toContain(`username: "{{ config['credentials_username'] }}"`);
    expect(r.text).toContain(`workspace: "{{ config.get('account_workspace_id') }}"`);
    const spec = parse(r.text).spec.connection_specification;
    expect(Object.keys(spec.properties)).toEqual(['credentials_username', 'credentials_password', 'account_region', 'account_workspace_id']);
    expect(spec.properties.credentials_password).toMatchObject({ type: 'string', airbyte_secret: true });
    expect(spec.properties.account_region.enum).toEqual(['eu', 'us']);
    // Required only where every level was required: workspace_id was optional inside a required object.
    expect(spec.required.sort()).toEqual(['account_region', 'credentials_password', 'credentials_username']);
    expect(r.renamed.map((x) => x.to).sort()).toEqual(['account_region', 'account_workspace_id', 'credentials_password', 'credentials_username']);
    // Idempotent: a second pass has nothing left to do.
    expect(flattenConfig({ doc: parseDocument(r.text) }).changed).toBe(false);
  });

  it('leaves a oneOf choice and a key also read whole untouched, saying why', () => {
    const doc = parseDocument(`
definitions:
  a: "{{ config['credentials']['token'] }}"
  b: "{{ config.opts.x }} {{ config['opts'] | tojson }}"
spec:
  connection_specification:
    type: object
    properties:
      credentials:
        oneOf:
          - type: object
            properties: { token: { type: string } }
      opts:
        type: object
        properties: { x: { type: string } }
`);
    const r = flattenConfig({ doc });
    expect(r.changed).toBe(false);
    const messages = r.findings.map((f) => f.message).join('\n');
    expect(messages).toMatch(/credentials.*choice \(oneOf\)/);
    expect(messages).toMatch(/opts.*read as a whole/);
  });

  it('leaves config that OAuth (advanced_auth) addresses by path alone', () => {
    const doc = parseDocument(`
a: "{{ config.credentials.client_id }}"
spec:
  connection_specification:
    type: object
    properties:
      credentials: { type: object, properties: { client_id: { type: string } } }
  advanced_auth:
    auth_flow_type: oauth2.0
    oauth_config_specification:
      complete_oauth_server_output_specification:
        properties:
          client_id: { type: string, path_in_connector_config: [credentials, client_id] }
`);
    const r = flattenConfig({ doc });
    expect(r.changed).toBe(false);
    expect(r.findings[0].message).toMatch(/advanced_auth \(OAuth\) reads and writes config\.credentials/);
  });

  it('leaves config that a component addresses as a list path alone', () => {
    const doc = parseDocument(`
auth:
  type: OAuthAuthenticator
  refresh_token: "{{ config['credentials']['refresh_token'] }}"
  refresh_token_updater: { refresh_token_config_path: [credentials, refresh_token] }
spec:
  connection_specification:
    properties:
      credentials: { type: object, properties: { refresh_token: { type: string } } }
`);
    const r = flattenConfig({ doc });
    expect(r.changed).toBe(false);
    expect(r.findings[0].message).toMatch(/as a list path \(refresh_token_config_path\)/);
  });

  it('flattens a separate JSON spec when the manifest has none', () => {
    const doc = parseDocument(`streams:\n  - url: "{{ config.auth.key }}"\n`);
    const specDoc = parseDocument(JSON.stringify({ connectionSpecification: { type: 'object', required: ['auth'], properties: { auth: { type: 'object', required: ['key'], properties: { key: { type: 'string' } } } } } }));
    const r = flattenConfig({ doc, specDoc, specFile: 'source_x/spec.json' });
    expect(r.text).toContain('{{ config.auth_key }}');
    const spec = JSON.parse(r.specText!);
    expect(spec.connectionSpecification).toEqual({ type: 'object', required: ['auth_key'], properties: { auth_key: { type: 'string' } } });
  });

  it('refuses a flat name that is already taken', () => {
    const doc = parseDocument(`
x: "{{ config.a.b }}"
spec:
  connection_specification:
    properties:
      a_b: { type: string }
      a: { type: object, properties: { b: { type: string } } }
`);
    const r = flattenConfig({ doc });
    expect(r.changed).toBe(false);
    expect(r.findings[0].message).toMatch(/a_b is already a spec property/);
  });
});

describe('rewrite', () => {
  it('keeps the style of each access and the default of get()', () => {
    const all = () => true;
    expect(rewrite(`{{ config["a"]["b"] }}`, all)).toBe(`{{ config["a_b"] }}`);
    expect(rewrite(`{{ config.get('a', {}).get('b', 'z') | upper }}`, all)).toBe(`{{ config.get('a_b', 'z') | upper }}`);
    expect(rewrite(`{{ config.a.b ~ config.c.d }}`, all)).toBe(`{{ config.a_b ~ config.c_d }}`);
  });
});
