import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gradleFacts, parseImage, planFleetEdges, pyprojectCdk, readConnectorFacts, setupPyCdk, toSemverRange, uses } from '../src/index';
import type { SharedComponent } from '../src/index';

const CORPUS = resolve(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'fleet-2024-06');

describe('what a connector declares', () => {
  it('reads base image references the way Docker spells them', () => {
    expect(parseImage('docker.io/airbyte/python-connector-base:1.2.2@sha256:57703de3b4c4')).toEqual({ repository: 'airbyte/python-connector-base', tag: '1.2.2' });
    expect(parseImage('localhost:5000/team/base')).toEqual({ repository: 'team/base', tag: undefined });
    expect(parseImage('airbyte/source-declarative-manifest:6.1.0')).toEqual({ repository: 'airbyte/source-declarative-manifest', tag: '6.1.0' });
  });

  it('reads the airbyte-cdk requirement from pyproject.toml, setup.py and build.gradle', () => {
    expect(pyprojectCdk('[tool.poetry.dependencies]\npython = "^3.9"\nairbyte-cdk = "^0.80"\n')).toEqual({ declared: '^0.80' });
    expect(pyprojectCdk('airbyte-cdk = { version = "0.59.1", extras = ["file-based"] }')).toEqual({ declared: '0.59.1', localPath: undefined });
    expect(pyprojectCdk('airbyte-cdk = { path = "../../../airbyte-cdk/python", develop = true }')).toEqual({ declared: undefined, localPath: '../../../airbyte-cdk/python' });
    expect(pyprojectCdk('dependencies = ["requests", "airbyte-cdk>=0.50,<1"]')).toEqual({ declared: '>=0.50,<1' });
    expect(pyprojectCdk('[tool.poetry.dependencies]\nrequests = "*"\n')).toBeUndefined();
    expect(setupPyCdk('MAIN_REQUIREMENTS = ["airbyte-cdk~=0.2", "pendulum"]')).toBe('~=0.2');
    expect(setupPyCdk('MAIN_REQUIREMENTS = ["requests"]')).toBeNull();
    const gradle = `airbyteJavaConnector {\n  cdkVersionRequired = '0.20.4'\n  features = ['db-destinations']\n  useLocalCdk = true\n}\ndependencies {\n  implementation project(':airbyte-integrations:bases:base-java')\n}`;
    expect(gradleFacts(gradle)).toEqual({ cdkVersion: '0.20.4', local: true, bases: ['base-java'] });
  });

  it('turns Python requirement notations into semver ranges', () => {
    expect(toSemverRange('^0.80')).toBe('^0.80');
    expect(toSemverRange('~=0.2')).toBe('>=0.2.0 <1.0.0');
    expect(toSemverRange('~=1.4.2')).toBe('>=1.4.2 <1.5.0');
    expect(toSemverRange('>=0.50,<1')).toBe('>=0.50.0 <1.0.0');
    expect(toSemverRange('==0.59.1')).toBe('0.59.1');
    expect(toSemverRange('0.59.1')).toBe('0.59.1');
    expect(toSemverRange('>=0.50,!=0.51.3')).toBe('>=0.50.0');
    expect(toSemverRange('latest please')).toBeUndefined();
  });

  it('reads every corpus connector: base image, CDK family, and the manifest version as a CDK floor', () => {
    const names = readdirSync(CORPUS).filter((n) => !n.startsWith('.') && !n.endsWith('.md'));
    const facts = Object.fromEntries(names.map((n) => [n, readConnectorFacts(join(CORPUS, n))]));
    expect(facts['source-clickup-api']).toMatchObject({ baseImage: { repository: 'airbyte/python-connector-base', tag: '1.2.2' }, cdk: { family: 'python', declared: '>=0.80.0,<1', from: 'manifest.yaml' } });
    expect(facts['destination-redis'].cdk).toMatchObject({ family: 'java' });
    expect(facts['source-github'].cdk?.family).toBe('python');
    expect(facts['source-github'].cdk?.declared).toBeUndefined();
    // source-braze has no baseImage (it still builds from its own Dockerfile).
    expect(facts['source-braze'].baseImage).toBeUndefined();
    const onPythonBase = names.filter((n) => facts[n].baseImage?.repository === 'airbyte/python-connector-base');
    expect(onPythonBase.length).toBe(32);
  });
});

describe('planFleetEdges', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'conveyor-facts-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const connector = (name: string, files: Record<string, string>) => {
    const dir = join(tmp, name);
    mkdirSync(dir, { recursive: true });
    for (const [f, t] of Object.entries(files)) writeFileSync(join(dir, f), t);
    return readConnectorFacts(dir);
  };
  const pythonCdk: SharedComponent = { project: 'airbyte-cdk-python', root: 'airbyte-cdk/python', kind: 'python-cdk', keys: [], version: '0.80.3' };
  const javaCdk: SharedComponent = { project: 'airbyte-cdk-java', root: 'airbyte-cdk/java/airbyte-cdk', kind: 'java-cdk', keys: [], version: '0.21.0' };
  const pyBase: SharedComponent = { project: 'python-connector-base', root: 'airbyte-integrations/bases/python-connector-base', kind: 'base', keys: ['python-connector-base', 'airbyte/python-connector-base'] };
  const baseJava: SharedComponent = { project: 'base-java', root: 'airbyte-integrations/bases/base-java', kind: 'base', keys: ['base-java', 'airbyte/base-java'] };

  it('links a connector to the in-repo CDK only when the CDK version it declares admits that CDK', () => {
    const meta = 'data:\n  connectorBuildOptions:\n    baseImage: docker.io/airbyte/python-connector-base:1.2.2@sha256:abc\n';
    const onRange = connector('source-on-range', { 'metadata.yaml': meta, 'pyproject.toml': 'airbyte-cdk = "^0.80"\n' });
    const pinnedOld = connector('source-pinned-old', { 'metadata.yaml': meta, 'pyproject.toml': 'airbyte-cdk = "0.59.1"\n' });
    const local = connector('source-local', { 'metadata.yaml': meta, 'pyproject.toml': 'airbyte-cdk = { path = "../../../airbyte-cdk/python" }\n' });
    expect(uses(onRange, pythonCdk)).toBe(true);
    expect(uses(pinnedOld, pythonCdk)).toBe(false);
    expect(uses(local, pythonCdk)).toBe(true);
    // Bumping the declared version to one the in-repo CDK satisfies brings the connector in.
    const bumped = connector('source-pinned-old', { 'metadata.yaml': meta, 'pyproject.toml': 'airbyte-cdk = "0.80.3"\n' });
    expect(uses(bumped, pythonCdk)).toBe(true);
    expect([onRange, pinnedOld, local].every((f) => uses(f, pyBase) && !uses(f, javaCdk) && !uses(f, baseJava))).toBe(true);
  });

  it('takes a manifest-only connector\'s CDK from its source-declarative-manifest image, not the manifest floor', () => {
    const sdm = connector('source-sdm', {
      'metadata.yaml': 'data:\n  connectorBuildOptions:\n    baseImage: docker.io/airbyte/source-declarative-manifest:6.1.0@sha256:def\n',
      'manifest.yaml': 'version: 5.10.2\ntype: DeclarativeSource\n',
    });
    expect(sdm.cdk).toEqual({ family: 'python', declared: '6.1.0', from: 'metadata.yaml' });
    expect(uses(sdm, { ...pythonCdk, version: '6.1.0' })).toBe(true);
    expect(uses(sdm, { ...pythonCdk, version: '6.2.0' })).toBe(false);
  });

  it('links Java connectors to the bases their build names and to a local CDK', () => {
    const gradle = "airbyteJavaConnector {\n  cdkVersionRequired = '0.20.4'\n  useLocalCdk = false\n}\ndependencies { implementation project(':airbyte-integrations:bases:base-java') }\n";
    const java = connector('destination-j', { 'metadata.yaml': 'data:\n  tags: [language:java]\n', 'build.gradle': gradle });
    expect(uses(java, baseJava)).toBe(true);
    expect(uses(java, javaCdk)).toBe(false); // needs exactly 0.20.4, the repo has 0.21.0
    const localJava = connector('destination-k', { 'metadata.yaml': 'data: {}\n', 'build.gradle': gradle.replace('useLocalCdk = false', 'useLocalCdk = true') });
    expect(uses(localJava, javaCdk)).toBe(true);
    expect(uses(java, pyBase)).toBe(false);
  });

  it('links each connector to the stage plugins that apply to its layout', () => {
    const f = { baseRefs: [], localPythonCdk: false };
    const edges = planFleetEdges(
      [
        { name: 'source-low', layout: 'low-code', kind: 'source', facts: f },
        { name: 'source-py', layout: 'python', kind: 'source', facts: f },
      ],
      [],
      [
        { stage: 'import-check', packageName: '@conveyor/import-check', node: 'npm:@conveyor/import-check', appliesTo: { layouts: ['low-code', 'manifest-only'] } },
        { stage: 'cat', packageName: '@conveyor/cat', node: '@conveyor/cat' },
      ],
    );
    expect(edges.map((e) => `${e.source}->${e.target}`)).toEqual(['source-low->npm:@conveyor/import-check', 'source-low->@conveyor/cat', 'source-py->@conveyor/cat']);
  });

  it('copes with a connector whose files are unreadable or malformed', () => {
    const broken = connector('source-broken', { 'metadata.yaml': 'data: [unclosed\n' });
    expect(broken).toEqual({ baseRefs: [], localPythonCdk: false });
    cpSync(join(CORPUS, 'source-auth0'), join(tmp, 'source-auth0'), { recursive: true });
    expect(readConnectorFacts(join(tmp, 'source-auth0')).cdk?.declared).toBe('>=0.29.0,<1');
  });
});
