/**
 * The credential-free suites on real connectors from the corpus, run by the manifest engine: the SPEC a
 * manifest produces must match the connector's own spec file (spec.yaml before the manifest-only
 * migration, the manifest's spec after), and a real unmarked secret is caught.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAjv, schemaProblem } from '../src/run/schemas';
import { stage } from '../src/stage';

const CORPUS = join(__dirname, '../../../../shared/corpus');
const engineBuilt = existsSync(join(__dirname, '../../../packages/engine/dist/cli.js'));
const ws = mkdtempSync(join(tmpdir(), 'cat-corpus-'));
afterAll(() => rmSync(ws, { recursive: true, force: true }));

async function runStatic(rel: string) {
  const dest = join(ws, rel.replace(/\//g, '-'));
  cpSync(join(CORPUS, rel), dest, { recursive: true });
  const { report } = await stage.runOne(dest, { suites: 'static' }, ws);
  return report as unknown as { runner: string; tests: { suite: string; name: string; status: string; message: string }[] };
}

describe.skipIf(!engineBuilt || !existsSync(CORPUS))('static suites on the corpus', () => {
  it.each(['migrations/source-aircall/before', 'migrations/source-aircall/after', 'fleet-2024-06/source-alpha-vantage', 'inline-schemas/source-gong/after'])('%s: the SPEC matches its spec file', async (rel) => {
    const r = await runStatic(rel);
    expect(r.runner).toMatch(/^manifest: /);
    expect(r.tests.filter((t) => t.status === 'failed')).toEqual([]);
    expect(r.tests.find((t) => t.name === 'match_expected')).toMatchObject({ status: 'passed', message: expect.stringMatching(/^matches (source_\w+\/spec\.(yaml|json)|manifest\.yaml)$/) });
  });

  it('source-timely: its bearer_token is not marked airbyte_secret', async () => {
    const r = await runStatic('migrations/source-timely/after');
    expect(r.tests.filter((t) => t.status === 'failed')).toEqual([
      expect.objectContaining({ suite: 'spec', name: 'secret_is_properly_marked', message: '`bearer_token` can hold a secret but is not marked airbyte_secret: true' }),
    ]);
  });

  it('a Python connector without a Docker engine fails the spec suite with the docker error', async () => {
    const r = await runStatic('fleet-2024-06/source-paystack');
    expect(r.runner).toBe('docker: airbyte/source-paystack:dev');
    expect(r.tests.find((t) => t.name === 'spec_message')!.message).toMatch(/^spec: (spec exited with code \d+|could not start)/);
  });
});

describe.skipIf(!existsSync(CORPUS))('stream schemas of the corpus', () => {
  it('every schema file without shared $refs (which the CDK resolves before discover) is valid and compiles', () => {
    const files = execFileSync('find', [CORPUS, '-path', '*/schemas/*.json'], { encoding: 'utf8' }).trim().split('\n');
    const ajv = createAjv();
    const standalone = files.filter((f) => !readFileSync(f, 'utf8').includes('"$ref"'));
    expect(standalone.length).toBeGreaterThan(300);
    // Among them: notion's and github's misplaced `id` keys beside `properties`, which Python's jsonschema ignores.
    const bad = standalone.map((f) => [f, schemaProblem(ajv, JSON.parse(readFileSync(f, 'utf8')))]).filter(([, p]) => p);
    expect(bad).toEqual([]);
  });
});
