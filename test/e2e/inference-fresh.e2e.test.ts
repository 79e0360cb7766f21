import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_STAGES, gitInit, runNx, tempWorkspace, type TempDir } from '../support';

// Inference is cached (Nx's graph cache, Conveyor's metadata cache by content hash): an edit must still show.
let ws: TempDir;
const META = 'data:\n  name: A\n  connectorType: source\n  dockerRepository: airbyte/source-a\n  dockerImageTag: 1.0.0\n  tags: [language:python]\n';
const project = () => {
  const r = runNx(ws.dir, ['show', 'project', 'source-a', '--json']);
  expect(r.code, r.output).toBe(0);
  const p = JSON.parse(r.output);
  return { tags: p.tags as string[], targets: Object.keys(p.targets).sort() };
};

beforeAll(() => {
  ws = tempWorkspace({ 'connectors/source-a/metadata.yaml': META, 'connectors/source-a/pyproject.toml': '' }, { plugins: ['@conveyor-test/first', '@conveyor-test/second'], packages: FIXTURE_STAGES });
  gitInit(ws.dir);
});
afterAll(() => ws.cleanup());

describe('inference after edits', () => {
  it('follows a new manifest and an edited metadata.yaml on the next command', () => {
    expect(project()).toEqual({ tags: ['language:python', 'type:source', 'layout:python'], targets: ['second'] });
    mkdirSync(join(ws.dir, 'connectors/source-a/source_a'));
    writeFileSync(join(ws.dir, 'connectors/source-a/source_a/manifest.yaml'), 'version: 6.0.0\n');
    expect(project()).toEqual({ tags: ['language:python', 'type:source', 'layout:low-code'], targets: ['first', 'second'] });
    writeFileSync(join(ws.dir, 'connectors/source-a/metadata.yaml'), META.replace('language:python', 'language:low-code').replace('  tags', '  supportLevel: certified\n  tags'));
    expect(project().tags).toEqual(['language:low-code', 'support:certified', 'type:source', 'layout:low-code']);
  });
});
