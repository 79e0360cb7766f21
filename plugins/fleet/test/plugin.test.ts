import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDependencies, createNodes } from '../src/index';

const REPO = resolve(__dirname, '..', '..', '..');

describe('@conveyor/fleet plugin entry points', () => {
  let ws: string;
  const write = (rel: string, text: string) => {
    mkdirSync(join(ws, rel, '..'), { recursive: true });
    writeFileSync(join(ws, rel), text);
  };
  beforeAll(() => {
    ws = mkdtempSync(join(tmpdir(), 'conveyor-fleet-plugin-'));
    write('airbyte-integrations/bases/python-connector-base/Dockerfile', 'FROM python:3.10\n');
    write('airbyte-integrations/bases/python-connector-base/README.md', '# base\n');
    write('airbyte-integrations/bases/connector-acceptance-test/metadata.yaml', 'data:\n  dockerRepository: airbyte/connector-acceptance-test\n');
    write('airbyte-integrations/bases/base-js/package.json', '{"name":"base-js"}\n');
    write('airbyte-integrations/bases/nested/deeper/Dockerfile', 'FROM scratch\n');
    write('airbyte-cdk/python/pyproject.toml', '[tool.poetry]\nname = "airbyte-cdk"\nversion = "0.80.3"\n');
    write('connectors/source-low/metadata.yaml', 'data:\n  connectorBuildOptions:\n    baseImage: docker.io/airbyte/python-connector-base:1.2.2@sha256:abc\n');
    write('connectors/source-low/source_low/manifest.yaml', 'version: 0.79.1\ntype: DeclarativeSource\n');
    write('connectors/source-py/metadata.yaml', 'data:\n  connectorBuildOptions:\n    baseImage: docker.io/airbyte/python-connector-base:1.2.2\n');
    write('connectors/source-py/pyproject.toml', 'airbyte-cdk = "0.50.0"\n');
    // Conveyor installed the way a fleet has it: in node_modules, outside the workspace's own folders.
    symlinkSync(join(REPO, 'node_modules'), join(ws, 'node_modules'), 'dir');
  });
  afterAll(() => rmSync(ws, { recursive: true, force: true }));

  it('makes one project per shared folder, leaving folders another plugin owns alone', async () => {
    const [glob, infer] = createNodes;
    expect(glob).toContain('airbyte-integrations/bases/*/*');
    const files = [
      'airbyte-integrations/bases/python-connector-base/Dockerfile',
      'airbyte-integrations/bases/python-connector-base/README.md',
      'airbyte-integrations/bases/connector-acceptance-test/metadata.yaml',
      'airbyte-integrations/bases/base-js/package.json',
      'airbyte-cdk/python/pyproject.toml',
    ];
    const results = (await infer(files, undefined, { workspaceRoot: ws })) as unknown as [string, { projects: Record<string, { name: string; tags: string[] }> }][];
    const projects = Object.fromEntries(results.flatMap(([, r]) => Object.entries(r.projects)).map(([root, p]) => [root, p.name]));
    expect(projects).toEqual({
      'airbyte-integrations/bases/python-connector-base': 'python-connector-base',
      'airbyte-integrations/bases/connector-acceptance-test': 'connector-acceptance-test',
      'airbyte-cdk/python': 'airbyte-cdk-python',
    });
    expect(results.every(([, r]) => Object.values(r.projects).every((p) => p.tags.includes('fleet:shared')))).toBe(true);
  });

  it('adds implicit edges to bases, the in-repo CDK and the stage plugins, whether in the workspace or installed', () => {
    const projects = {
      'source-low': { root: 'connectors/source-low', tags: ['layout:low-code', 'type:source'] },
      'source-py': { root: 'connectors/source-py', tags: ['layout:python', 'type:source'] },
      'python-connector-base': { root: 'airbyte-integrations/bases/python-connector-base', tags: ['fleet:shared'] },
      'airbyte-cdk-python': { root: 'airbyte-cdk/python', tags: ['fleet:shared'] },
      'base-js': { root: 'airbyte-integrations/bases/base-js' },
    };
    const fileMap = {
      projectFileMap: {
        'source-low': [
          { file: 'connectors/source-low/metadata.yaml', hash: '1' },
          { file: 'connectors/source-low/source_low/manifest.yaml', hash: '2' },
        ],
        'source-py': [
          { file: 'connectors/source-py/metadata.yaml', hash: '3' },
          { file: 'connectors/source-py/pyproject.toml', hash: '4' },
        ],
      },
    };
    // import-check as an installed npm package; the workspace plugin's own package.json resolves from this checkout.
    const externalNodes = { 'npm:@conveyor/import-check': { data: { packageName: '@conveyor/import-check' } } };
    const edges = createDependencies(undefined, {
      workspaceRoot: ws,
      projects,
      nxJsonConfiguration: { plugins: ['@conveyor/import-check', '@conveyor/not-installed', { plugin: '@conveyor/fleet' }] },
      externalNodes,
      fileMap,
    });
    const pairs = edges.map((e) => `${e.source} -> ${e.target}`).sort();
    // Not installed and not a stage (fleet itself) add nothing; import-check applies to manifests only.
    expect(pairs).toEqual([
      'source-low -> airbyte-cdk-python',
      'source-low -> npm:@conveyor/import-check',
      'source-low -> python-connector-base',
      'source-py -> python-connector-base',
    ]);
    // source-py pins 0.50.0, the repository's CDK is 0.80.3.
    expect(pairs).not.toContain('source-py -> airbyte-cdk-python');
    expect(edges.every((e) => e.type === 'implicit')).toBe(true);
  });

  it('links connectors to the stage plugin project when its sources are in the workspace', () => {
    // This checkout is such a workspace: plugins/import-check is the project @conveyor/import-check.
    const edges = createDependencies(undefined, {
      workspaceRoot: REPO,
      projects: {
        'source-low': { root: 'connectors/source-low-x', tags: ['layout:low-code', 'type:source'] },
        'source-py': { root: 'connectors/source-py-x', tags: ['layout:python', 'type:source'] },
        '@conveyor/import-check': { root: 'plugins/import-check' },
      },
      nxJsonConfiguration: { plugins: ['@conveyor/import-check'] },
      fileMap: {
        projectFileMap: {
          'source-low': [{ file: 'connectors/source-low-x/metadata.yaml', hash: 'a' }],
          'source-py': [{ file: 'connectors/source-py-x/metadata.yaml', hash: 'b' }],
        },
      },
    });
    expect(edges.map((e) => `${e.source} -> ${e.target}`)).toEqual(['source-low -> @conveyor/import-check']);
  });
});
