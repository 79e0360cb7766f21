import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_STAGES, REPO_ROOT, copyConnector, git, gitInit, runNx, tempWorkspace, type TempDir } from '../support';

// A real Nx workspace with two test stages (`first` applies to manifest connectors, `second` comes after it
// and applies to all) over the sample connectors plus a Python and a broken connector.
let ws: TempDir;
const log = () => (existsSync(join(ws.dir, 'dist/stamp.log')) ? readFileSync(join(ws.dir, 'dist/stamp.log'), 'utf8').trim().split('\n') : []);

beforeAll(() => {
  ws = tempWorkspace(
    {
      'airbyte-integrations/connectors/source-python-only/metadata.yaml':
        'data:\n  name: Py\n  connectorType: source\n  dockerRepository: airbyte/source-python-only\n  dockerImageTag: 1.0.0\n  tags: [language:python]\n',
      'airbyte-integrations/connectors/source-python-only/pyproject.toml': '[tool.poetry]\nversion = "1.0.0"\n',
      'connectors/source-broken/metadata.yaml': 'data:\n  name: [unclosed\n',
    },
    { plugins: ['@conveyor-test/first', '@conveyor-test/second'], packages: FIXTURE_STAGES },
  );
  for (const c of ['source-tasklist', 'source-weather-notes']) copyConnector(join(REPO_ROOT, 'connectors', c), ws.dir, `connectors/${c}`);
  gitInit(ws.dir);
});
afterAll(() => ws.cleanup());

describe('connectors as Nx projects', () => {
  it('makes every connector folder a project, tagged from its metadata, and keeps a broken one', () => {
    const r = runNx(ws.dir, ['show', 'projects', '--json']);
    expect(r.code, r.output).toBe(0);
    expect(JSON.parse(r.output.slice(r.output.indexOf('['))).sort()).toEqual(['source-broken', 'source-python-only', 'source-tasklist', 'source-weather-notes']);
    const p = JSON.parse(runNx(ws.dir, ['show', 'project', 'source-tasklist', '--json']).output);
    expect(p.tags).toEqual(['language:python', 'cdk:low-code', 'support:community', 'type:source', 'layout:low-code']);
    expect(p.targets.second.dependsOn).toEqual(['first']);
    // Each plugin adds to the same project: nothing in its metadata is repeated once per stage.
    const technologies: string[] = p.metadata.technologies ?? [];
    expect(new Set(technologies).size).toBe(technologies.length);
    expect(p.metadata.description).toBe('source connector (low-code)');
    const py = JSON.parse(runNx(ws.dir, ['show', 'project', 'source-python-only', '--json']).output);
    expect(Object.keys(py.targets)).toEqual(['second']);
    expect(py.targets.second.dependsOn).toEqual([]);
  });

  it('runs stages in order, fails only the broken connector, and names its file', () => {
    const r = runNx(ws.dir, ['run-many', '-t', 'second', '--output-style=stream']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('connectors/source-broken/metadata.yaml');
    const lines = log();
    for (const c of ['source-tasklist', 'source-weather-notes']) expect(lines.indexOf(`${c}:first`)).toBeLessThan(lines.indexOf(`${c}:second`));
    expect(lines).toContain('source-python-only:second');
    const report = JSON.parse(readFileSync(join(ws.dir, 'dist/conveyor/source-tasklist/second.json'), 'utf8'));
    expect(report).toMatchObject({ stage: 'second', project: 'source-tasklist', ok: true, layout: 'low-code', findings: [] });
  });

  it('in batch mode too: each task reports once, and only the broken connector fails', () => {
    const r = runNx(ws.dir, ['run-many', '-t', 'second', '--batch', '--skip-nx-cache', '--output-style=stream']);
    expect(r.code).not.toBe(0);
    // Named with the line the YAML breaks on, once per task that read it.
    expect(r.output).toMatch(/connectors\/source-broken\/metadata\.yaml:\d+:\d+: error \[yaml-syntax\]/);
    for (const line of ['source-tasklist:first ✔', 'source-tasklist:second ✔', 'source-weather-notes:second ✔', 'source-python-only:second ✔', 'source-broken:second ✖'])
      expect(r.output.split(line).length - 1, line).toBe(1);
    expect(r.output).toMatch(/Failed tasks:\s+- source-broken:second\s*\n(?!- )/);
  });

  it('answers a second run from the cache, in batch mode too', () => {
    writeFileSync(join(ws.dir, 'dist/stamp.log'), '');
    const r = runNx(ws.dir, ['run-many', '-t', 'second', '--batch', '--output-style=stream', '--exclude=source-broken']);
    expect(r.code, r.output).toBe(0);
    expect(log()).toEqual(['']);
    expect(r.output).toMatch(/Nx read the output from the cache instead of running the command for 5 out of 5 tasks/);
  });

  it('runs `nx affected` only for the connector a commit touched', () => {
    const manifest = join(ws.dir, 'connectors/source-weather-notes/manifest.yaml');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('Daily weather', 'Hourly weather'));
    git(ws.dir, 'commit', '-qam', 'touch weather-notes');
    writeFileSync(join(ws.dir, 'dist/stamp.log'), '');
    const r = runNx(ws.dir, ['affected', '-t', 'second', '--base=HEAD~1', '--head=HEAD', '--output-style=stream']);
    expect(r.code, r.output).toBe(0);
    expect(log().sort()).toEqual(['source-weather-notes:first', 'source-weather-notes:second']);
  });
});
