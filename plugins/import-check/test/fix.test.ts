import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { stage } from '../src/stage';
import type { ImportFinding } from '../src/findings';
import { CORPUS, REPO_ROOT, copyConnector, tempDir, type TempDir } from '../../../test/support';

let t: TempDir;
afterEach(() => t?.cleanup());

async function run(dir: string, options: Record<string, unknown> = {}) {
  const { report, output } = await stage.runOne(dir, options, t.dir);
  return { report: report as unknown as { ok: boolean; summary: string; verdict: string; findings: ImportFinding[]; fix?: Record<string, unknown> }, output };
}

function nestedSample(): { dir: string; manifest: string } {
  t = tempDir('import-check-fix-');
  const dir = join(t.dir, 'source-nested-config');
  cpSync(join(REPO_ROOT, 'connectors/source-nested-config'), dir, { recursive: true });
  return { dir, manifest: join(dir, 'source_nested_config/manifest.yaml') };
}

describe('--fix', () => {
  it('--dry-run shows the flattening diff and writes nothing', async () => {
    const { dir, manifest } = nestedSample();
    const before = readFileSync(manifest, 'utf8');
    const { report, output } = await run(dir, { fix: true, dryRun: true });
    expect(readFileSync(manifest, 'utf8')).toBe(before);
    expect(report.fix).toMatchObject({ applied: false, dryRun: true });
    expect(output).toContain('-    url_base: "https://{{ config.account.region }}.nested.example/api"');
    expect(output).toContain('+    url_base: "https://{{ config.account_region }}.nested.example/api"');
    // The verdict is the one of the files as they are.
    expect(report.findings.filter((f) => f.rule === 'nested-config')).toHaveLength(4);
  });

  it('flattens nested config in place, keeps comments, and the connector then imports into the UI', async () => {
    const { dir, manifest } = nestedSample();
    const first = await run(dir);
    expect(first.report.verdict).toBe('yaml-only');
    const { report } = await run(dir, { fix: true });
    expect(report.fix).toMatchObject({ applied: true, touched: ['integration_tests/cassettes/configs/config.json', 'integration_tests/invalid_config.json', 'source_nested_config/manifest.yaml'] });
    // The connector's test config moves to the flat keys too (secrets/ is never touched).
    expect(JSON.parse(readFileSync(join(dir, 'integration_tests/invalid_config.json'), 'utf8'))).toEqual({ credentials_username: 'demo', credentials_password: 'wrong', account_region: 'eu', account_workspace_id: 'ws-1' });
    // So does the redacted config its recorded cassettes replay with.
    expect(JSON.parse(readFileSync(join(dir, 'integration_tests/cassettes/configs/config.json'), 'utf8'))).toMatchObject({ credentials_username: 'demo', account_region: 'eu' });
    const text = readFileSync(manifest, 'utf8');
    expect(text).toContain('# The region picks the data centre: eu or us.');
    expect(Object.keys(parse(text).spec.connection_specification.properties)).toContain('credentials_password');
    expect(report.findings.filter((f) => f.rule === 'nested-config' || f.rule === 'auth-secret')).toEqual([]);
    expect(report.verdict).toBe('ui');
    // A run that changed files fails, so Nx never caches (and later replays) it; the next run passes.
    expect(report.ok).toBe(false);
    expect(report.summary).toMatch(/^--fix changed 3 file\(s\): review and commit them, then run again\. Now ui/);
    const again = await run(dir, { fix: true });
    expect(again.report.fix).toMatchObject({ applied: false });
    expect(again.report.ok).toBe(true);
  });

  it('moves a separate spec and schemas/ into the manifest, as Airbyte did for source-aircall', async () => {
    t = tempDir('import-check-fix-');
    copyConnector(join(CORPUS, 'migrations/source-aircall/before'), t.dir, 'source-aircall');
    const dir = join(t.dir, 'source-aircall');
    const before = await run(dir);
    expect(before.report.verdict).toBe('yaml-only');
    expect(before.report.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['spec-separate', 'schema-file', 'auth-secret']));
    const { report } = await run(dir, { fix: true });
    expect(report.fix).toMatchObject({ applied: true });
    expect(existsSync(join(dir, 'source_aircall/spec.yaml'))).toBe(false);
    expect(existsSync(join(dir, 'source_aircall/schemas/calls.json'))).toBe(false);
    const manifest = parse(readFileSync(join(dir, 'source_aircall/manifest.yaml'), 'utf8'));
    expect(manifest.spec.connection_specification.properties).toHaveProperty('api_id');
    expect(readFileSync(join(dir, 'source_aircall/manifest.yaml'), 'utf8').match(/type: InlineSchemaLoader/g)).toHaveLength(8);
    expect(report.verdict).toBe('ui');
    // Airbyte's file is misspelt (user_availablity.json): that one schema is still not found, and said so.
    expect(existsSync(join(dir, 'source_aircall/schemas/user_availablity.json'))).toBe(true);
    const losses = report.findings.filter((f) => f.impact === 'loss');
    expect(losses.map((f) => f.message)).toEqual([expect.stringMatching(/stream user_availability has no schema_loader/)]);
  });
});

describe('--fix output in a repository', () => {
  it('names files from the workspace root, with the line of what --fix left alone', async () => {
    t = tempDir('import-check-fix-');
    copyConnector(join(CORPUS, 'fleet-2024-06/source-auth0'), t.dir, 'airbyte-integrations/connectors/source-auth0');
    const { output } = await run(join(t.dir, 'airbyte-integrations/connectors/source-auth0'), { fix: true, dryRun: true });
    // A diff a user can `git apply` from the repository root, like migrate's.
    expect(output).toContain('--- a/airbyte-integrations/connectors/source-auth0/source_auth0/manifest.yaml');
    expect(output).toContain('+++ /dev/null');
    expect(output).not.toContain('--- a/source_auth0/');
    // The credentials choice (a SelectiveAuthenticator path) is not flattened; say where it is read.
    const note = output.split('\n').find((l) => l.includes('[flatten-config]'));
    expect(note).toMatch(/--fix: airbyte-integrations\/connectors\/source-auth0\/source_auth0\/manifest\.yaml:\d+:\d+: warning \[flatten-config\]/);
    expect(note).not.toContain(t.dir);
  });
});

describe('--fix with a spec file beside the manifest spec', () => {
  it('deletes a spec file that repeats the manifest spec, and refuses one that differs', async () => {
    const { dir, manifest } = nestedSample();
    const inline = parse(readFileSync(manifest, 'utf8')).spec;
    const specFile = join(dir, 'source_nested_config/spec.json');
    writeFileSync(specFile, JSON.stringify({ documentationUrl: inline.documentation_url, connectionSpecification: inline.connection_specification }));
    const dup = await run(dir, { fix: true, dryRun: true });
    expect(dup.report.findings.map((f) => f.rule)).toContain('spec-duplicate');
    expect((dup.report.fix as { touched: string[] }).touched).toContain('source_nested_config/spec.json');

    writeFileSync(specFile, JSON.stringify({ connectionSpecification: { type: 'object', properties: {} } }));
    const differs = await run(dir, { fix: true });
    expect(existsSync(specFile)).toBe(true);
    const notes = (differs.report.fix as { notes: { rule: string; message: string }[] }).notes;
    expect(notes.find((n) => n.rule === 'inline-spec')!.message).toMatch(/differs from it/);
  });
});

describe('verdicts and failure modes', () => {
  it('fails the task on yaml-only only with failOn: yaml-only', async () => {
    const { dir } = nestedSample();
    expect((await run(dir)).report.ok).toBe(true);
    const strict = await run(dir, { failOn: 'yaml-only' });
    expect(strict.report.ok).toBe(false);
    expect(strict.report.summary).toMatch(/^yaml-only/);
  });

  it('reports a YAML syntax error as invalid with its line', async () => {
    const { dir, manifest } = nestedSample();
    writeFileSync(manifest, 'version: 4.6.2\nstreams:\n  - name: [unclosed\n');
    const { report } = await run(dir);
    expect(report.verdict).toBe('invalid');
    expect(report.ok).toBe(false);
    expect(report.findings[0]).toMatchObject({ rule: 'yaml-syntax', severity: 'error', file: manifest });
    expect(report.findings[0].line).toBeGreaterThan(0);
  });

  it('reports a missing manifest where the layout expects one as invalid, not a crash', async () => {
    const { dir, manifest } = nestedSample();
    const meta = join(dir, 'metadata.yaml');
    writeFileSync(meta, readFileSync(meta, 'utf8').replace('language:python', 'language:manifest-only'));
    // A manifest-only connector whose manifest.yaml went missing (no Python package left to fall back to).
    for (const f of ['source_nested_config', 'pyproject.toml', 'main.py']) rmSync(join(dir, f), { recursive: true, force: true });
    expect(existsSync(manifest)).toBe(false);
    const { report } = await run(dir);
    expect(report.verdict).toBe('invalid');
    expect(report.findings[0]).toMatchObject({ rule: 'manifest-missing', severity: 'error' });
    expect(report.findings[0].message).toMatch(/cannot read the manifest/);
  });

  it('reports a version outside the range the Builder imports, and an undefined reference where it is written', async () => {
    const { dir, manifest } = nestedSample();
    const text = readFileSync(manifest, 'utf8');
    writeFileSync(manifest, text.replace('version: 4.6.2', 'version: 0.28.0').replace('$ref: "#/definitions/requester"', '$ref: "#/definitions/requestr"'));
    const { report } = await run(dir);
    expect(report.verdict).toBe('invalid');
    const byRule = Object.fromEntries(report.findings.map((f) => [f.rule, f]));
    expect(byRule.version.message).toMatch(/0\.28\.0 is outside the range .*0\.29\.0 to 7\.28\.2/);
    expect(byRule.version.line).toBe(1);
    expect(byRule['undefined-reference'].message).toContain('#/definitions/requestr');
    expect(byRule['undefined-reference'].line).toBe(text.split('\n').findIndex((l) => l.includes('$ref: "#/definitions/requester"')) + 1);
  });

  it('a custom retriever keeps the whole manifest out of the UI', async () => {
    const { dir, manifest } = nestedSample();
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('type: SimpleRetriever', 'type: CustomRetriever\n      class_name: source_nested_config.components.PagedRetriever'));
    const { report } = await run(dir);
    expect(report.verdict).toBe('yaml-only');
    const f = report.findings.find((x) => x.rule === 'custom-component')!;
    expect(f).toMatchObject({ scope: 'manifest', severity: 'warning' });
    expect(f.fix).toMatch(/^no known CDK replacement: a CustomRetriever replaces a whole CDK mechanism/);
  });

  it('rejects a cdkVersion that is not a version', async () => {
    const { dir } = nestedSample();
    const { report } = await run(dir, { cdkVersion: 'latest' });
    expect(report.ok).toBe(false);
    expect(report.summary).toMatch(/cdkVersion must be a version like 7\.28\.2, got "latest"/);
  });

  it('--dry-run alone shows what --fix would do', async () => {
    const { dir, manifest } = nestedSample();
    const before = readFileSync(manifest, 'utf8');
    const { report } = await run(dir, { dryRun: true });
    expect(report.fix).toMatchObject({ applied: false, dryRun: true });
    expect(readFileSync(manifest, 'utf8')).toBe(before);
  });

  it('says clearly when the schemaPath cannot be used', async () => {
    const { dir } = nestedSample();
    const { report } = await run(dir, { schemaPath: join(t.dir, 'nope.yaml') });
    expect(report.ok).toBe(false);
    expect(report.summary).toMatch(/cannot use the component schema .*nope\.yaml: ENOENT/);
  });

  it('uses the schema bundled with the plugin by default, the same as the CDK reference copy', () => {
    const bundled = readFileSync(join(__dirname, '../schemas/declarative_component_schema.yaml'), 'utf8');
    expect(bundled).toBe(readFileSync(join(REPO_ROOT, '../shared/reference/declarative_component_schema.yaml'), 'utf8'));
  });
});

describe('more ways a manifest can be unusable', () => {
  it.each([
    ['an empty file', '', /expected a mapping at the top of the manifest/],
    ['a list', '- a\n- b\n', /expected a mapping at the top of the manifest/],
  ])('reports %s as invalid', async (_what, content, message) => {
    const { dir, manifest } = nestedSample();
    writeFileSync(manifest, content);
    const { report } = await run(dir);
    expect(report.verdict).toBe('invalid');
    expect(report.findings[0].message).toMatch(message);
  });

  it('reports a circular reference where it is written', async () => {
    const { dir, manifest } = nestedSample();
    const text = readFileSync(manifest, 'utf8').replace('definitions:\n', 'definitions:\n  loop_a: "#/definitions/loop_b"\n  loop_b: "#/definitions/loop_a"\n  uses_loop:\n    x: "#/definitions/loop_a"\n');
    writeFileSync(manifest, text);
    const { report } = await run(dir);
    expect(report.verdict).toBe('invalid');
    const f = report.findings.find((x) => x.rule === 'circular-reference')!;
    expect(f.message).toMatch(/circular reference/);
    expect(f.line).toBeGreaterThan(0);
  });

  it('says what the import would lose when source.py adds Python streams', async () => {
    const { dir } = nestedSample();
    const py = join(dir, 'source_nested_config/source.py');
    writeFileSync(py, readFileSync(py, 'utf8') + '\n    def streams(self, config):\n        return super().streams(config) + [Extra()]\n');
    const { report } = await run(dir);
    const f = report.findings.find((x) => x.rule === 'python-streams')!;
    expect(f).toMatchObject({ impact: 'loss', severity: 'warning', file: py });
    expect(readFileSync(py, 'utf8').split('\n')[f.line! - 1]).toContain('def streams');
  });
});
