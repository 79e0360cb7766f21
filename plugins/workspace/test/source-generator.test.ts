import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readConnector } from '@conveyor/connector';
import { stage as importCheck } from '@conveyor/import-check';
import { CORPUS, copyConnector, git, gitInit, tempWorkspace, writeTree, type TempDir } from '../../../test/support';
import { sourceGenerator } from '../src/generators/source';
import { hostOf, manifestFacts } from '../src/generators/source-manifest';
import { runGenerator } from './generator-harness';

const today = () => new Date().toISOString().slice(0, 10);
let ws: TempDir | undefined;
afterEach(() => ws?.cleanup());

describe('nx g @conveyor/workspace:source', () => {
  it('creates a manifest-only connector that import-check accepts into the Builder UI', async () => {
    ws = tempWorkspace({ 'connectors/.keep': '' }, { plugins: ['@conveyor/import-check'] });
    const created = await runGenerator(ws.dir, sourceGenerator, { name: 'pokeapi', urlBase: 'https://pokeapi.co/api/v2', stream: 'pokemon', auth: 'none' });
    const root = join(ws.dir, 'connectors/source-pokeapi');
    expect(created).toEqual(
      expect.arrayContaining([
        'connectors/source-pokeapi/manifest.yaml',
        'connectors/source-pokeapi/metadata.yaml',
        'connectors/source-pokeapi/acceptance-test-config.yml',
        'connectors/source-pokeapi/integration_tests/configured_catalog.json',
        'connectors/source-pokeapi/integration_tests/invalid_config.json',
        'connectors/source-pokeapi/integration_tests/sample_config.json',
        'docs/integrations/sources/pokeapi.md',
      ]),
    );
    const c = readConnector(root);
    expect(c.layout).toBe('manifest-only');
    expect(c.metadataErrors).toEqual([]);
    expect(c.docsPath).toBe(join(ws.dir, 'docs/integrations/sources/pokeapi.md'));
    const { report } = await importCheck.runOne(root, {}, ws.dir);
    expect(report.verdict).toBe('ui');
    expect(report.ok).toBe(true);

    const data = parse(readFileSync(join(root, 'metadata.yaml'), 'utf8')).data;
    expect(data.definitionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(data).toMatchObject({
      dockerRepository: 'airbyte/source-pokeapi',
      dockerImageTag: '0.1.0',
      releaseDate: today(),
      allowedHosts: { hosts: ['pokeapi.co'] },
      registryOverrides: { oss: { enabled: true }, cloud: { enabled: true } },
      documentationUrl: 'https://docs.airbyte.com/integrations/sources/pokeapi',
      remoteRegistries: { pypi: { enabled: false } },
    });
    expect(data.tags).toEqual(expect.arrayContaining(['language:manifest-only', 'cdk:low-code']));
    const cat = parse(readFileSync(join(root, 'acceptance-test-config.yml'), 'utf8'));
    expect(Object.keys(cat.acceptance_tests)).toEqual(['spec', 'connection', 'discovery', 'basic_read', 'incremental', 'full_refresh']);
    expect(cat.acceptance_tests.spec.tests[0].spec_path).toBe('manifest.yaml');
    const catalog = JSON.parse(readFileSync(join(root, 'integration_tests/configured_catalog.json'), 'utf8'));
    expect(catalog.streams.map((s: { stream: { name: string } }) => s.stream.name)).toEqual(['pokemon']);
    // The docs page's changelog is in the shape airbyte-ci parses (header, delimiter, one row for 0.1.0).
    const docs = readFileSync(c.docsPath!, 'utf8');
    expect(docs).toMatch(/\n\n\| Version \| Date +\| Pull Request \| Subject +\|\n\|[- :|]+\|\n\| 0\.1\.0 \| \d{4}-\d{2}-\d{2} \| .+ \| New source: Pokeapi \|\n/);
  });

  it('keeps secrets/ out of git and out of the --branch commit', async () => {
    ws = tempWorkspace({ 'connectors/.keep': '' }, { plugins: [] });
    gitInit(ws.dir);
    await runGenerator(ws.dir, sourceGenerator, { name: 'source-acme', branch: true, auth: 'bearer' });
    expect(git(ws.dir, 'branch', '--show-current').trim()).toBe('source-acme-creation');
    const committed = git(ws.dir, 'show', '--name-only', '--format=', 'HEAD').trim().split('\n');
    expect(committed).toContain('connectors/source-acme/manifest.yaml');
    expect(committed).toContain('docs/integrations/sources/acme.md');
    expect(committed.some((f) => f.includes('secrets'))).toBe(false);
    expect(existsSync(join(ws.dir, 'connectors/source-acme/secrets/config.json'))).toBe(true);
    expect(git(ws.dir, 'check-ignore', 'connectors/source-acme/secrets/config.json').trim()).toBe('connectors/source-acme/secrets/config.json');
    expect(git(ws.dir, 'status', '--porcelain').trim()).toBe('');
    // The bearer token is a secret in the spec; the invalid config replaces it.
    expect(JSON.parse(readFileSync(join(ws.dir, 'connectors/source-acme/integration_tests/invalid_config.json'), 'utf8'))).toEqual({ api_key: 'invalid-api_key' });
    // An existing creation branch is refused before anything is written.
    git(ws.dir, 'branch', 'source-zed-creation');
    await expect(runGenerator(ws.dir, sourceGenerator, { name: 'zed', branch: true })).rejects.toThrow('--branch: branch source-zed-creation already exists');
    expect(existsSync(join(ws.dir, 'connectors/source-zed'))).toBe(false);
  });

  it('starts from a Connector Builder export: metadata dropped, streams, hosts and spec taken from it', async () => {
    ws = tempWorkspace({ 'connectors/.keep': '' }, { plugins: [] });
    // Airbyte's manifest-only activecampaign is a Connector Builder export as committed (with its `metadata`).
    const exported = join(CORPUS, 'migrations/source-activecampaign/after/manifest.yaml');
    const original = parse(readFileSync(exported, 'utf8'));
    expect(original.metadata).toBeDefined();
    await runGenerator(ws.dir, sourceGenerator, { name: 'active-campaign-copy', from: exported });
    const root = join(ws.dir, 'connectors/source-active-campaign-copy');
    const manifest = parse(readFileSync(join(root, 'manifest.yaml'), 'utf8'));
    expect(manifest.metadata).toBeUndefined();
    delete original.metadata;
    expect(manifest).toEqual(original);
    const data = parse(readFileSync(join(root, 'metadata.yaml'), 'utf8')).data;
    expect(data.allowedHosts.hosts).toEqual(['*.api-us1.com']);
    const catalog = JSON.parse(readFileSync(join(root, 'integration_tests/configured_catalog.json'), 'utf8'));
    expect(catalog.streams.length).toBe(manifest.streams.length);
    const sample = JSON.parse(readFileSync(join(root, 'integration_tests/sample_config.json'), 'utf8'));
    expect(Object.keys(sample).sort()).toEqual(Object.keys(manifest.spec.connection_specification.properties).sort());
    const { report } = await importCheck.runOne(root, {}, ws.dir);
    expect(report.verdict).not.toBe('invalid');
  });

  it('derives incremental tests from the export and copies an SVG icon', async () => {
    ws = tempWorkspace({ 'connectors/.keep': '', 'icon.svg': '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>', 'icon.png': 'PNG' }, { plugins: [] });
    const exported = join(CORPUS, 'migrations/source-aircall/after/manifest.yaml');
    await runGenerator(ws.dir, sourceGenerator, { name: 'calls', from: exported, icon: join(ws.dir, 'icon.svg') });
    const root = join(ws.dir, 'connectors/source-calls');
    const streams = (parse(readFileSync(exported, 'utf8')).streams as unknown[]).length;
    const cat = parse(readFileSync(join(root, 'acceptance-test-config.yml'), 'utf8'));
    expect(cat.acceptance_tests.incremental.tests[0].future_state.future_state_path).toBe('integration_tests/abnormal_state.json');
    const states = JSON.parse(readFileSync(join(root, 'integration_tests/abnormal_state.json'), 'utf8'));
    expect(states.length).toBeGreaterThan(0);
    expect(states.length).toBeLessThanOrEqual(streams);
    for (const st of states) expect(Object.keys(st.stream.stream_state)[0]).not.toContain('{{');
    expect(states[0]).toMatchObject({ type: 'STREAM', stream: { stream_descriptor: { name: expect.any(String) } } });
    expect(readFileSync(join(root, 'icon.svg'), 'utf8')).toContain('<svg');
    expect(parse(readFileSync(join(root, 'metadata.yaml'), 'utf8')).data.icon).toBe('icon.svg');
    await expect(runGenerator(ws.dir, sourceGenerator, { name: 'calls2', icon: join(ws.dir, 'icon.png') })).rejects.toThrow('is not an SVG file');
  });

  it('follows the workspace layout setting and neighbours\u2019 base image', async () => {
    ws = tempWorkspace({}, { plugins: [], nx: { conveyor: { defaultLayout: 'low-code' } } });
    for (const name of ['source-smartengage', 'source-gnews']) copyConnector(join(CORPUS, 'fleet-2024-06', name), ws.dir, `airbyte-integrations/connectors/${name}`);
    await runGenerator(ws.dir, sourceGenerator, { name: 'acme' });
    const root = join(ws.dir, 'airbyte-integrations/connectors/source-acme');
    const c = readConnector(root);
    expect(c.layout).toBe('low-code');
    expect(c.manifestPath).toBe('source_acme/manifest.yaml');
    const images = ['source-smartengage', 'source-gnews'].map((n) => parse(readFileSync(join(ws!.dir, 'airbyte-integrations/connectors', n, 'metadata.yaml'), 'utf8')).data.connectorBuildOptions.baseImage as string);
    const newest = images.sort((a, b) => a.split(':')[1].localeCompare(b.split(':')[1], undefined, { numeric: true })).pop();
    expect(c.metadata?.connectorBuildOptions?.baseImage).toBe(newest);
    expect(c.metadata?.tags).toEqual(expect.arrayContaining(['language:python', 'cdk:low-code']));
    const { report } = await importCheck.runOne(root, {}, ws.dir);
    expect(report.verdict).not.toBe('invalid');
  });

  it('rejects bad and clashing names with a message saying what is expected', async () => {
    ws = tempWorkspace({ 'docs/integrations/sources/taken.md': '# Taken\n' }, { plugins: [] });
    copyConnector(join(CORPUS, 'fleet-2024-06/source-gnews'), ws.dir, 'connectors/source-gnews');
    await expect(runGenerator(ws.dir, sourceGenerator, { name: 'My_Source' })).rejects.toThrow(/"My_Source" is not kebab-case: expected lowercase letters/);
    await expect(runGenerator(ws.dir, sourceGenerator, { name: 'gnews' })).rejects.toThrow('connectors/source-gnews already exists');
    await expect(runGenerator(ws.dir, sourceGenerator, { name: 'taken' })).rejects.toThrow('docs/integrations/sources/taken.md already exists');
    await expect(runGenerator(ws.dir, sourceGenerator, { name: 'x', from: 'missing.yaml' })).rejects.toThrow(/--from: cannot read .*missing\.yaml: ENOENT/);
    writeTree(ws.dir, { 'broken.yaml': 'streams: [\n' });
    await expect(runGenerator(ws.dir, sourceGenerator, { name: 'x', from: join(ws.dir, 'broken.yaml') })).rejects.toThrow(/broken\.yaml:\d+:\d+: not valid YAML/);
    expect(existsSync(join(ws.dir, 'connectors/source-x'))).toBe(false);
  });

  it('writes nothing in a dry run', async () => {
    ws = tempWorkspace({ 'connectors/.keep': '' }, { plugins: [] });
    const planned = await runGenerator(ws.dir, sourceGenerator, { name: 'dry' }, { dryRun: true });
    expect(planned).toContain('connectors/source-dry/manifest.yaml');
    expect(existsSync(join(ws.dir, 'connectors/source-dry'))).toBe(false);
    expect(existsSync(join(ws.dir, 'docs'))).toBe(false);
  });
});

describe('allowed hosts from url_base', () => {
  it('reads host names, wildcards config-made subdomains and keeps whole-host config values as placeholders', () => {
    expect(hostOf('https://api.aircall.io/v1')).toBe('api.aircall.io');
    expect(hostOf("https://{{ config['account_username'] }}.api-us1.com/api/3")).toBe('*.api-us1.com');
    expect(hostOf("{{ config['base_url'] }}/api/v2")).toBe('${base_url}');
    expect(hostOf('https://{{ config.host }}/x')).toBe('${host}');
  });
});

describe('stream facts', () => {
  it('reads a cursor named through $parameters (Mailchimp) as the real field name', () => {
    const file = join(CORPUS, 'fleet-2024-06/source-mailchimp/source_mailchimp/manifest.yaml');
    const value = { ...parse(readFileSync(file, 'utf8')), spec: { type: 'Spec', connection_specification: { type: 'object', properties: {} } } };
    const incremental = manifestFacts(value, file).streams.filter((s) => s.incremental);
    expect(incremental.length).toBeGreaterThan(0);
    expect(readFileSync(file, 'utf8')).toContain("cursor_field: \"{{ parameters['cursor_field'] }}\"");
    for (const s of incremental) if (s.cursorField) expect(s.cursorField, s.name).toMatch(/^[A-Za-z_][\w.]*$/);
    expect(incremental.filter((s) => s.cursorField).length).toBe(incremental.length);
  });
});
