import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPluginOptions, defineStage } from '@conveyor/stage-kit';
import { tempDir, writeTree, type TempDir } from '../../../test/support';

let t: TempDir;
afterEach(() => t?.cleanup());

const define = (pkg: object) => {
  writeTree(t.dir, { 'plugin/package.json': pkg });
  return () => defineStage({ pluginDir: join(t.dir, 'plugin'), defaultOptions: {}, run: async () => ({ ok: true, summary: '' }) });
};

describe('stage descriptor', () => {
  it('names the package.json and what the conveyor field should hold', () => {
    t = tempDir();
    const file = join(t.dir, 'plugin/package.json');
    expect(define({ name: '@x/lint' })).toThrow(`${file}: expected a \`"conveyor": { "stage": "<target name>", "after": ["<stage>"] }\` field`);
    expect(define({ name: '@x/lint', conveyor: { stage: 'Lint Docs', after: 'cat', appliesTo: { layouts: ['lowcode'] } } })).toThrow(
      /package\.json: `conveyor\.stage` must be a kebab-case name such as "lint-docs", got "Lint Docs"; `conveyor\.after` must be a list of stage names, got "cat"; `conveyor\.appliesTo\.layouts` must list layouts among manifest-only, low-code, python, java, unknown, got \["lowcode"\]/,
    );
    expect(define({ name: '@x/lint', conveyor: { stage: 'lint-docs', after: ['import-check'], appliesTo: { kinds: ['source'] }, explicitOnly: false } })).not.toThrow();
  });

  it('names nx.json and the plugin when its options have the wrong shape', () => {
    expect(() => checkPluginOptions('@conveyor/cat', { connectorGlobs: 'connectors/*/metadata.yaml', after: 'migrate' }, '/repo')).toThrow(
      '/repo/nx.json: plugin @conveyor/cat: `after` must be a list of stage names, got "migrate"; `connectorGlobs` must be a non-empty list of globs such as "connectors/*/metadata.yaml", got "connectors/*/metadata.yaml"',
    );
    expect(checkPluginOptions('@conveyor/cat', undefined, '/repo')).toEqual({});
  });
});
