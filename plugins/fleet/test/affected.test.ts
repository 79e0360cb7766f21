import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtPlugins, fleetRepo, git, nx, type FleetRepo } from '../../../tools/ci/test/support';

const plugins = builtPlugins(['import-check', 'fleet']);

/** `nx affected` for the last commit of a clone, as a sorted list of project names. */
async function affectedByLastCommit(dir: string, extra: string[] = []): Promise<string[]> {
  const r = await nx(dir, ['show', 'projects', '--affected', '--base=HEAD~1', '--head=HEAD', '--json', ...extra]);
  expect(r.code, r.output).toBe(0);
  return (JSON.parse(r.output.trim().split('\n').reverse().find((l) => l.startsWith('['))!) as string[]).sort();
}

function commitAll(dir: string, message: string) {
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.email=ci@conveyor.test', '-c', 'user.name=CI', 'commit', '-q', '-m', message);
}

describe.skipIf(plugins.length < 2)('@conveyor/fleet makes `nx affected` right for a fleet', () => {
  let repo: FleetRepo;
  let dir: string;
  beforeAll(() => {
    repo = fleetRepo({
      connectors: ['source-auth0', 'source-clickup-api', 'source-github', 'destination-redis'],
      plugins,
      nx: { pluginsConfig: { '@nx/js': { projectsAffectedByDependencyUpdates: 'auto' } } },
      files: {
        'airbyte-integrations/bases/python-connector-base/Dockerfile': 'FROM python:3.10-slim\nRUN pip install poetry==1.6.1\n',
        'airbyte-cdk/python/pyproject.toml': '[tool.poetry]\nname = "airbyte-cdk"\nversion = "0.80.3"\n',
        // source-github pins an older CDK release than the one in the repository.
        'connectors/source-github/pyproject.toml': '[tool.poetry.dependencies]\npython = "^3.9"\nairbyte-cdk = "0.70.0"\n',
      },
    });
    dir = repo.clone('dev');
  });
  afterAll(() => repo?.cleanup());

  it('a change to a shared base image marks the connectors built on it, not the others', async () => {
    writeFileSync(join(dir, 'airbyte-integrations/bases/python-connector-base/Dockerfile'), 'FROM python:3.11-slim\nRUN pip install poetry==1.8.3\n');
    commitAll(dir, 'base image: python 3.11');
    expect(await affectedByLastCommit(dir)).toEqual(['python-connector-base', 'source-auth0', 'source-clickup-api', 'source-github']);
  });

  it('a change to the in-repo CDK marks the connectors whose declared CDK version admits it', { timeout: 120_000 }, async () => {
    writeFileSync(join(dir, 'airbyte-cdk/python/pyproject.toml'), '[tool.poetry]\nname = "airbyte-cdk"\nversion = "0.80.4"\n');
    commitAll(dir, 'cdk 0.80.4');
    // auth0 (manifest 0.29.0) and clickup (0.80.0) run on any 0.x from their version on; github pins 0.70.0.
    expect(await affectedByLastCommit(dir)).toEqual(['airbyte-cdk-python', 'source-auth0', 'source-clickup-api']);

    // The connector moves its declared CDK onto the in-repo line: it is affected now, and by the next CDK change.
    const py = join(dir, 'connectors/source-github/pyproject.toml');
    writeFileSync(py, readFileSync(py, 'utf8').replace('"0.70.0"', '"^0.80"'));
    commitAll(dir, 'source-github: cdk ^0.80');
    expect(await affectedByLastCommit(dir)).toEqual(['source-github']);
    writeFileSync(join(dir, 'airbyte-cdk/python/pyproject.toml'), '[tool.poetry]\nname = "airbyte-cdk"\nversion = "0.80.5"\n');
    commitAll(dir, 'cdk 0.80.5');
    expect(await affectedByLastCommit(dir)).toEqual(['airbyte-cdk-python', 'source-auth0', 'source-clickup-api', 'source-github']);
  });

  it('a patch release of a Conveyor stage plugin marks the connectors that stage runs on', async () => {
    // package.json allows ^0.1.0, so `npm update` changes only the lockfile. (A package.json change to a
    // plugin listed in nx.json marks every project affected: Nx's own rule, as a plugin may re-infer anything.)
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
    Object.assign(lock.packages['node_modules/@conveyor/import-check'], {
      version: '0.1.1',
      resolved: 'https://registry.npmjs.org/@conveyor/import-check/-/import-check-0.1.1.tgz',
      integrity: 'sha512-cGF0Y2ggcmVsZWFzZSAwLjEuMQ==',
    });
    writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock, null, 2));
    commitAll(dir, 'npm update @conveyor/import-check');
    // import-check applies to manifest connectors only: the Python and Java connectors are untouched.
    expect(await affectedByLastCommit(dir)).toEqual(['source-auth0', 'source-clickup-api']);
  });

  it('a changed base also changes the task hash: Nx does not replay a result computed against the old base', { timeout: 120_000 }, async () => {
    const show = await nx(dir, ['show', 'project', 'source-auth0', '--json']);
    const inputs: unknown[] = JSON.parse(show.output.slice(show.output.indexOf('{'))).targets['import-check'].inputs;
    // The stage plugin's own inputs stay; the shared folders the connector builds on are added.
    expect(inputs).toEqual(expect.arrayContaining(['{projectRoot}/**/*', '!{projectRoot}/secrets/**/*', '{workspaceRoot}/airbyte-integrations/bases/python-connector-base/**/*', '{workspaceRoot}/airbyte-cdk/python/**/*']));

    const runTwo = () => nx(dir, ['run-many', '-t', 'import-check', '--projects=source-auth0,source-clickup-api', '--output-style=stream']);
    const fromCache = (out: string) => [...out.matchAll(/^> nx run (\S+)\s+\[(?:local|remote) cache\]/gm)].map((m) => m[1]).sort();
    await runTwo();
    expect(fromCache((await runTwo()).output)).toEqual(['source-auth0:import-check', 'source-clickup-api:import-check']);
    writeFileSync(join(dir, 'airbyte-integrations/bases/python-connector-base/Dockerfile'), 'FROM python:3.12-slim\n');
    const after = await runTwo();
    expect(after.code, after.output).toBe(0);
    expect(fromCache(after.output)).toEqual([]);
  });

  it('adds a new base folder as a project the moment it appears', async () => {
    mkdirSync(join(dir, 'airbyte-integrations/bases/base-java'), { recursive: true });
    writeFileSync(join(dir, 'airbyte-integrations/bases/base-java/README.md'), '# base-java\n');
    commitAll(dir, 'add base-java');
    const r = await nx(dir, ['show', 'project', 'base-java', '--json']);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('fleet:shared');
  });
});
