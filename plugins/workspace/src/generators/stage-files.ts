/**
 * The files of a new stage plugin, laid out like plugins/import-check: package.json with the `conveyor`
 * descriptor, executors.json, schema.json, tsconfig.json, src/{stage,executor,index}.ts and a vitest test.
 * The starting stage does real work (it reports metadata.yaml problems) so the scaffold runs and its test
 * means something before the author replaces the body of `run`.
 */
export interface StageFileInput {
  name: string;
  packageName: string;
  description: string;
  after: string[];
  layouts: string[];
  cache: boolean;
  /** Versions of the Conveyor packages the plugin depends on. */
  versions: { connector: string; stageKit: string };
  /** tsconfig references to workspace packages (relative to the plugin folder); empty when installed. */
  references: string[];
}

export function stageFiles(i: StageFileInput): Record<string, string> {
  return {
    'package.json': json(packageJson(i)),
    'executors.json': json({
      executors: {
        run: {
          implementation: './dist/executor.js#executor',
          batchImplementation: './dist/executor.js#batchExecutor',
          schema: './schema.json',
          description: i.description,
        },
      },
    }),
    'schema.json': json({
      $schema: 'https://json-schema.org/schema',
      type: 'object',
      title: i.name,
      properties: {
        failOnWarnings: { type: 'boolean', default: false, description: 'Fail the task on metadata warnings too, not only on errors.' },
      },
      additionalProperties: true,
    }),
    'tsconfig.json': json({
      extends: '../../tsconfig.base.json',
      compilerOptions: { rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/.tsbuildinfo' },
      include: ['src'],
      references: i.references.map((path) => ({ path })),
    }),
    'src/stage.ts': stageTs(i),
    'src/executor.ts': executorTs(),
    'src/index.ts': indexTs(i),
    [`test/${i.name}.test.ts`]: testTs(i),
  };
}

function packageJson(i: StageFileInput) {
  return {
    name: i.packageName,
    version: '0.1.0',
    license: 'MIT',
    description: i.description,
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: {
      '.': { 'conveyor-source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
      './package.json': './package.json',
      './executors.json': './executors.json',
    },
    executors: './executors.json',
    files: ['dist', '!dist/*.tsbuildinfo', 'executors.json', 'schema.json'],
    conveyor: {
      stage: i.name,
      description: i.description,
      after: i.after,
      ...(i.layouts.length ? { appliesTo: { layouts: i.layouts } } : {}),
      cache: i.cache,
    },
    dependencies: { '@conveyor/connector': i.versions.connector, '@conveyor/stage-kit': i.versions.stageKit },
  };
}

function stageTs(i: StageFileInput): string {
  return `import { join } from 'node:path';
import { defineStage } from '@conveyor/stage-kit';

export interface ${optionsType(i)} {
  failOnWarnings: boolean;
}

/**
 * ${i.description}
 * Starts as a metadata.yaml check; replace the body of \`run\` with this stage's work. Return \`ok: false\`
 * when the connector fails the stage, and throw only on bugs.
 */
export const stage = defineStage<${optionsType(i)}>({
  pluginDir: join(__dirname, '..'),
  defaultOptions: { failOnWarnings: false },
  async run({ connector, options }) {
    const findings = [...connector.metadataErrors, ...connector.metadataWarnings];
    const failing = options.failOnWarnings ? findings : connector.metadataErrors;
    if (failing.length) return { ok: false, summary: \`\${failing.length} metadata problem(s): \${failing[0].message}\`, findings };
    return { ok: true, summary: \`metadata ok (\${connector.layout}, version \${connector.metadata?.dockerImageTag})\`, findings };
  },
});
`;
}

function executorTs(): string {
  return `import { stage } from './stage';

export const executor = stage.executor;
export const batchExecutor = stage.batchExecutor;
export default stage.executor;
`;
}

function indexTs(i: StageFileInput): string {
  return `import { stage } from './stage';

export const name = '${i.packageName}';
export const createNodes = stage.createNodes;
export { stage };
`;
}

function testTs(i: StageFileInput): string {
  return `import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stage } from '../src/stage';

const METADATA = \`data:
  name: Sample
  connectorType: source
  definitionId: 6f1a3c2e-0000-4000-8000-000000000001
  dockerRepository: airbyte/source-sample
  dockerImageTag: 1.2.3
  documentationUrl: https://docs.airbyte.com/integrations/sources/sample
  githubIssueLabel: source-sample
  license: MIT
  connectorSubtype: api
  releaseStage: alpha
  tags:
    - language:manifest-only
metadataSpecVersion: "1.0"
\`;

describe('${i.name} stage', () => {
  let ws: string;
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), '${i.name}-'));
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  const connector = (name: string, metadata: string) => {
    const root = join(ws, 'connectors', name);
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'metadata.yaml'), metadata);
    writeFileSync(join(root, 'manifest.yaml'), 'version: 6.51.0\\ntype: DeclarativeSource\\n');
    return root;
  };

  it('passes a connector with valid metadata and writes its report', async () => {
    const { report } = await stage.runOne(connector('source-sample', METADATA), {}, ws);
    expect(report.ok).toBe(true);
    expect(report.summary).toContain('1.2.3');
    const file = join(ws, 'dist', 'conveyor', 'source-sample', '${i.name}.json');
    expect(existsSync(file)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ stage: '${i.name}', project: 'source-sample', ok: true });
  });

  it('fails a connector whose metadata lacks a required field, naming the field', async () => {
    const { report } = await stage.runOne(connector('source-broken', METADATA.replace('  dockerImageTag: 1.2.3\\n', '')), {}, ws);
    expect(report.ok).toBe(false);
    expect(report.findings.map((f) => f.message).join('\\n')).toContain('dockerImageTag');
  });
});
`;
}

function optionsType(i: StageFileInput): string {
  return (
    i.name
      .split('-')
      .map((w) => w[0].toUpperCase() + w.slice(1))
      .join('') + 'Options'
  );
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}
