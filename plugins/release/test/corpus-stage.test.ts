import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findChangelogTable, readDockerImageTag, splitCells } from '@conveyor/release-core';
import { stage } from '../src/stage';
import { gitRepo } from './git-repo';

const CORPUS = '/work/shared/corpus/migrations';
const cases = existsSync(CORPUS) ? readdirSync(CORPUS) : [];
/** Commits whose author re-padded the version column by hand while adding the row (see packages/release tests). */
const REALIGNED_BY_HAND = new Set(['source-activecampaign', 'source-timely']);

function tree(root: string, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of readdirSync(join(root, rel))) {
      const p = rel ? `${rel}/${e}` : e;
      if (!rel && ['_docs', 'FILES.txt', 'SOURCE.json'].includes(e)) continue;
      if (statSync(join(root, p)).isDirectory()) walk(p);
      else out[`${prefix}/${p}`] = readFileSync(join(root, p), 'utf8');
    }
  };
  walk('');
  return out;
}

const docsOf = (side: string) => readFileSync(join(side, '_docs', readdirSync(join(side, '_docs'))[0]), 'utf8');
const normalize = (page: string) => page.split('\n').map((l) => (l.startsWith('|') ? splitCells(l).join('|').replace(/:?-{3,}:?/g, '-') : l)).join('\n');

/**
 * The real migration commits, replayed through the stage in a git repo: main holds before/, the feature branch
 * holds after/ with the old dockerImageTag and docs page (the state just before Airbyte's bump). The release must
 * produce after/'s metadata and docs page, and find no breaking change in a faithful manifest-only migration.
 */
describe('release stage on the corpus migrations', () => {
  for (const name of cases) {
    it(name, async () => {
      const before = join(CORPUS, name, 'before');
      const after = join(CORPUS, name, 'after');
      const dir = `airbyte-integrations/connectors/${name}`;
      const docs = `docs/integrations/sources/${readdirSync(join(before, '_docs'))[0]}`;
      const afterMeta = readFileSync(join(after, 'metadata.yaml'), 'utf8');
      const from = readDockerImageTag(readFileSync(join(before, 'metadata.yaml'), 'utf8'))!;
      const to = readDockerImageTag(afterMeta)!;
      const repo = gitRepo({ '.gitignore': 'dist/\n', ...tree(before, dir), [docs]: docsOf(before) });
      try {
        repo.git('checkout', '--quiet', '-b', 'migrate');
        repo.git('rm', '-r', '--quiet', dir);
        repo.write({ ...tree(after, dir), [`${dir}/metadata.yaml`]: afterMeta.replace(`dockerImageTag: ${to}`, `dockerImageTag: ${from}`) });
        // The row Airbyte wrote gives the inputs it used.
        const table = findChangelogTable(docsOf(after).split('\n'))!;
        const row = table.rows.find((r) => r.version === to)!;
        const cell = (role: string) => row.cells[table.columns.indexOf(role as never)];
        const options = { version: to, date: cell('date'), pr: Number(/\d+/.exec(cell('pr'))![0]), message: cell('subject'), branch: true };
        const { report } = await stage.runOne(join(repo.dir, dir), options, repo.dir);
        expect(report.ok, report.summary).toBe(true);
        expect(report.from).toBe(from);
        expect(report.to).toBe(to);
        expect(report.breaking).toEqual([]);
        expect(readFileSync(join(repo.dir, dir, 'metadata.yaml'), 'utf8')).toBe(afterMeta);
        const page = readFileSync(join(repo.dir, docs), 'utf8');
        if (REALIGNED_BY_HAND.has(name)) expect(normalize(page)).toBe(normalize(docsOf(after)));
        else expect(page).toBe(docsOf(after));
        // The release commit holds exactly the two files it touched, on the branch Conveyor names.
        expect(repo.git('rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe(`${name}-release-${to}`);
        expect(repo.git('show', '--name-only', '--format=', 'HEAD').trim().split('\n').sort()).toEqual([docs, `${dir}/metadata.yaml`].sort());
      } finally {
        repo.cleanup();
      }
    });
  }
});
