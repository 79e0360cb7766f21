import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempWorkspace, type TempDir } from '../../../test/support';
import { stageGenerator } from '../src/generators/stage';
import { runGenerator } from './generator-harness';

let ws: TempDir | undefined;
afterEach(() => ws?.cleanup());

/** A workspace shaped like this one: import-check as a workspace plugin, the stage kit as a workspace package. */
function workspace(): TempDir {
  const pkg = (dir: string) => readFileSync(join(REPO_ROOT, dir, 'package.json'), 'utf8');
  return tempWorkspace(
    {
      'plugins/import-check/package.json': pkg('plugins/import-check'),
      'packages/stage-kit/package.json': pkg('packages/stage-kit'),
      'packages/connector/package.json': pkg('packages/connector'),
      'tsconfig.build.json': { files: [], references: [{ path: 'plugins/import-check' }] },
    },
    { plugins: ['@conveyor/import-check'] },
  );
}

const read = (root: string, path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));

describe('nx g @conveyor/workspace:stage', () => {
  it('scaffolds a plugin laid out like import-check and registers it after the given stage', async () => {
    ws = workspace();
    const created = await runGenerator(ws.dir, stageGenerator, { name: 'check-docs', after: 'import-check', layouts: 'manifest-only,low-code', description: 'Check the docs page.' });
    expect(created).toEqual(
      [
        'nx.json',
        'plugins/check-docs/executors.json',
        'plugins/check-docs/package.json',
        'plugins/check-docs/schema.json',
        'plugins/check-docs/src/executor.ts',
        'plugins/check-docs/src/index.ts',
        'plugins/check-docs/src/stage.ts',
        'plugins/check-docs/test/check-docs.test.ts',
        'plugins/check-docs/tsconfig.json',
        'tsconfig.build.json',
      ].sort(),
    );
    const pkg = read(ws.dir, 'plugins/check-docs/package.json');
    expect(pkg.name).toBe('@conveyor/check-docs');
    expect(pkg.conveyor).toEqual({ stage: 'check-docs', description: 'Check the docs page.', after: ['import-check'], appliesTo: { layouts: ['manifest-only', 'low-code'] }, cache: false });
    expect(pkg.dependencies['@conveyor/stage-kit']).toBe(read(REPO_ROOT, 'packages/stage-kit/package.json').version);
    expect(read(ws.dir, 'plugins/check-docs/executors.json').executors.run).toMatchObject({ implementation: './dist/executor.js#executor', batchImplementation: './dist/executor.js#batchExecutor' });
    expect(read(ws.dir, 'plugins/check-docs/tsconfig.json').references).toEqual([{ path: '../../packages/connector' }, { path: '../../packages/stage-kit' }]);
    expect(read(ws.dir, 'nx.json').plugins).toEqual(['@conveyor/import-check', '@conveyor/check-docs']);
    expect(read(ws.dir, 'tsconfig.build.json').references).toEqual([{ path: 'plugins/import-check' }, { path: 'plugins/check-docs' }]);
  });

  it('refuses unknown predecessors, taken names and non-kebab names, writing nothing', async () => {
    ws = workspace();
    await expect(runGenerator(ws.dir, stageGenerator, { name: 'lint', after: 'migrate' })).rejects.toThrow('--after: no stage "migrate" is registered in nx.json; known stages: import-check');
    await expect(runGenerator(ws.dir, stageGenerator, { name: 'import-check' })).rejects.toThrow('plugins/import-check already exists');
    await expect(runGenerator(ws.dir, stageGenerator, { name: 'checkDocs' })).rejects.toThrow('"checkDocs" is not kebab-case');
    await expect(runGenerator(ws.dir, stageGenerator, { name: 'lint', layouts: 'rust' })).rejects.toThrow('--layouts: "rust" is not a layout');
    expect(existsSync(join(ws.dir, 'plugins/lint'))).toBe(false);
    expect(read(ws.dir, 'nx.json').plugins).toEqual(['@conveyor/import-check']);
  });
});
