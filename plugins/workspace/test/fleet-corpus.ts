import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readConnector } from '@conveyor/connector';
import { stage as importCheck } from '@conveyor/import-check';
import { CORPUS, tempDir, writeTree, type TempDir } from '../../../test/support';

/** Connectors of fleet-2024-06 that Airbyte later migrated: the fleet gets their `after` folder instead. */
export const MIGRATED = ['source-activecampaign', 'source-auth0', 'source-getlago', 'source-lever-hiring', 'source-microsoft-teams'];

export interface CorpusFleet extends TempDir {
  projects: { project: string; root: string }[];
}

/**
 * A workspace holding the real 2024-06 fleet (five of them as migrated), docs pages where Airbyte keeps them,
 * import-check reports from the real stage, and hand-made cat reports (cat needs a live API).
 */
export async function corpusFleet(): Promise<CorpusFleet> {
  const t = tempDir('conveyor-fleet-');
  const projects: { project: string; root: string }[] = [];
  for (const name of readdirSync(join(CORPUS, 'fleet-2024-06'))) {
    const from = MIGRATED.includes(name) ? join(CORPUS, 'migrations', name, 'after') : join(CORPUS, 'fleet-2024-06', name);
    const root = `airbyte-integrations/connectors/${name}`;
    cpSync(from, join(t.dir, root), { recursive: true, filter: (s) => !s.endsWith('FILES.txt') });
    const docs = join(t.dir, root, '_docs');
    if (existsSync(docs)) {
      const kind = name.startsWith('destination-') ? 'destinations' : 'sources';
      mkdirSync(join(t.dir, 'docs/integrations', kind), { recursive: true });
      for (const f of readdirSync(docs)) renameSync(join(docs, f), join(t.dir, 'docs/integrations', kind, f));
      rmSync(docs, { recursive: true });
    }
    projects.push({ project: name, root });
  }
  // One connector whose metadata.yaml lacks required fields: it must show up with its problem, not break the page.
  writeTree(t.dir, { 'airbyte-integrations/connectors/source-broken-meta/metadata.yaml': 'data:\n  name: Broken\n  connectorType: source\n' });
  projects.push({ project: 'source-broken-meta', root: 'airbyte-integrations/connectors/source-broken-meta' });
  for (const p of projects) {
    const c = readConnector(join(t.dir, p.root));
    if (c.layout === 'low-code' || c.layout === 'manifest-only') await importCheck.runOne(c.root, {}, t.dir);
  }
  const cat = (project: string, ok: boolean, tests: unknown, summary: string) => ({
    [`dist/conveyor/${project}/cat.json`]: { stage: 'cat', project, ok, summary, findings: [], tests, startedAt: '2024-06-25T10:00:00.000Z', durationMs: 1000 },
  });
  writeTree(t.dir, {
    ...cat('source-smartengage', true, [{ name: 'test_spec', status: 'passed' }, { name: 'test_check', status: 'passed' }, { name: 'test_read', status: 'passed' }, { name: 'test_incremental', status: 'skipped' }], '3 passed, 1 skipped'),
    ...cat('source-gnews', false, [{ name: 'test_spec', status: 'passed' }, { name: 'test_read', status: 'failed' }], 'basic_read: no records'),
    ...cat('source-github', true, { passed: 12, failed: 0, skipped: 3 }, '12 passed'),
    'dist/conveyor/source-rss/cat.json': '{"stage": "cat", "ok": tru',
    'dist/conveyor/source-smartengage/release.json': { stage: 'release', project: 'source-smartengage', ok: true, summary: 'released 0.2.0', findings: [], from: '0.1.6', to: '0.2.0', breaking: [] },
    'dist/conveyor/source-smartengage/migrate.json': { stage: 'migrate', project: 'source-smartengage', ok: true, summary: 'dry run: would change 4 files', findings: [], dryRun: true, changes: [{}, {}, {}, {}] },
  });
  return { ...t, projects };
}
