import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConnector } from '@conveyor/connector';
import { stage } from '../src/stage';
import { parseCatConfig } from '../src/config/load';
import { selectRunner } from '../src/runner-select';
import { parseYaml } from '@conveyor/connector';
import { connectorFiles, makeConnector, startMockApi } from './support';

let api: Awaited<ReturnType<typeof startMockApi>>;
beforeAll(async () => {
  api = await startMockApi();
});
afterAll(() => api.close());

const config = (level: string) => `connector_image: airbyte/source-fake:dev
test_strictness_level: ${level}
custom_environment_variables:
  FAKE_MODE: ok
acceptance_tests:
  spec:
    tests:
      - spec_path: integration_tests/spec.json
  connection:
    tests:
      - config_path: secrets/config.json
  incremental:
    bypass_reason: the sandbox account has no cursor field
`;

async function statuses(level: string) {
  const fx = makeConnector('source-fake', { ...connectorFiles(api.url), 'acceptance-test-config.yml': config(level) });
  try {
    const { report } = await stage.runOne(fx.root, { command: [process.execPath, 'source.mjs'] }, fx.workspace);
    return Object.fromEntries((report.tests as { suite: string; name: string; status: string; message: string }[]).filter((t) => t.suite === t.name).map((t) => [t.suite, `${t.status}: ${t.message}`]));
  } finally {
    fx.cleanup();
  }
}

describe('test_strictness_level', () => {
  it('high: a missing mandatory suite fails; a bypassed one is skipped with its reason', async () => {
    expect(await statuses('high')).toEqual({
      discovery: 'failed: `acceptance_tests.discovery` is required at test_strictness_level high (add tests, or a bypass_reason)',
      basic_read: 'failed: `acceptance_tests.basic_read` is required at test_strictness_level high (add tests, or a bypass_reason)',
      full_refresh: 'failed: `acceptance_tests.full_refresh` is required at test_strictness_level high (add tests, or a bypass_reason)',
      incremental: 'skipped: bypassed: the sandbox account has no cursor field',
    });
  });

  it('low: missing suites are skipped', async () => {
    expect(await statuses('low')).toEqual({
      discovery: 'skipped: not configured in acceptance-test-config.yml',
      basic_read: 'skipped: not configured in acceptance-test-config.yml',
      full_refresh: 'skipped: not configured in acceptance-test-config.yml',
      incremental: 'skipped: bypassed: the sandbox account has no cursor field',
    });
  });
});

describe('runner selection', () => {
  const fx = makeConnector('source-pyconn', { 'acceptance-test-config.yml': 'acceptance_tests: {}\n' });
  afterAll(() => fx.cleanup());
  const cfg = (text: string) => parseCatConfig(parseYaml(text, 'acceptance-test-config.yml')).config!;

  it('docker by default: connector_image, else <dockerRepository>:dev', () => {
    const c = readConnector(fx.root);
    expect((selectRunner(c, cfg('connector_image: airbyte/source-pyconn:1.2.3\n'), {}, fx.workspace) as { description: string }).description).toBe('docker: airbyte/source-pyconn:1.2.3');
    expect((selectRunner(c, cfg('acceptance_tests: {}\n'), {}, fx.workspace) as { description: string }).description).toBe('docker: airbyte/source-pyconn:dev');
  });

  it('command when a command is given (an argv list or a string), and a clear error without one', () => {
    const c = readConnector(fx.root);
    const runner = selectRunner(c, cfg('acceptance_tests: {}\n'), { command: 'python main.py' }, fx.workspace);
    expect(runner).toMatchObject({ kind: 'command', cwd: fx.root });
    expect((runner as { argv: (c: string, i: object) => string[] }).argv('spec', { dir: '/x' })).toEqual(['python', 'main.py', 'spec']);
    expect(selectRunner(c, cfg('acceptance_tests: {}\n'), { runner: 'command' }, fx.workspace)).toEqual(new Error('runner `command` needs the `command` option, an argv such as ["python", "main.py"]'));
    expect((selectRunner(c, cfg('acceptance_tests: {}\n'), { runner: 'manifest' }, fx.workspace) as Error).message).toMatch(/runner `manifest` needs a manifest.yaml/);
  });
});

describe('missing acceptance-test-config.yml', () => {
  it('fails a source, naming the file, and skips a destination', async () => {
    const src = makeConnector('source-bare', {});
    const dst = makeConnector('destination-bare', { 'metadata.yaml': 'data:\n  connectorType: destination\n  name: Bare\n  dockerRepository: airbyte/destination-bare\n  dockerImageTag: 0.1.0\n' });
    try {
      const s = await stage.runOne(src.root, {}, src.workspace);
      expect(s.report.ok).toBe(false);
      expect(s.report.summary).toBe('acceptance-test-config.yml: acceptance-test-config.yml not found: CAT needs it to know which suites to run');
      const d = await stage.runOne(dst.root, {}, dst.workspace);
      expect(d.report).toMatchObject({ ok: true, summary: 'skipped: destination without acceptance-test-config.yml' });
    } finally {
      src.cleanup();
      dst.cleanup();
    }
  });
});
