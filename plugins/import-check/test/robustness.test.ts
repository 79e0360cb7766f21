/**
 * No manifest may crash the check: real connectors with random damage (values replaced by null, lists,
 * numbers, unknown components or dangling references; keys turned into `type` / `$ref`), seeded so a
 * failure reproduces, checked and dry-run fixed.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument, visit, type Pair } from 'yaml';
import { readConnector } from '@conveyor/connector';
import { stage } from '../src/stage';
import { CORPUS, tempDir } from '../../../test/support';

const t = tempDir('import-check-robust-');
afterAll(() => t.cleanup());

function random(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe('damaged manifests', () => {
  it.each(['fleet-2024-06/source-braze', 'fleet-2024-06/source-onesignal', 'migrations/source-timely/after'])('%s never crashes the check or --fix --dry-run', async (rel) => {
    const dir = join(t.dir, rel.replace(/\//g, '_'), 'source-damaged');
    cpSync(join(CORPUS, rel), dir, { recursive: true });
    const manifest = join(dir, readConnector(dir).manifestPath!);
    const original = readFileSync(manifest, 'utf8');
    const rnd = random(rel.length);
    for (let i = 0; i < 12; i++) {
      const doc = parseDocument(original);
      const pairs: Pair[] = [];
      visit(doc, { Pair: (_, p) => void pairs.push(p as Pair) });
      for (let k = 0; k < 8; k++) {
        const p = pairs[Math.floor(rnd() * pairs.length)];
        const r = rnd();
        if (rnd() < 0.2) p.key = doc.createNode(rnd() < 0.5 ? '$ref' : 'type');
        p.value = r < 0.2 ? null : r < 0.4 ? doc.createNode([1, 'x']) : r < 0.6 ? doc.createNode(7) : r < 0.8 ? doc.createNode({ type: 'Bogus' }) : doc.createNode('#/definitions/nope');
      }
      writeFileSync(manifest, doc.toString());
      for (const options of [{}, { fix: true, dryRun: true }]) {
        const { report } = await stage.runOne(dir, options, t.dir);
        expect(report.findings.filter((f) => f.rule === 'internal'), `mutant ${i}: ${report.summary}`).toEqual([]);
        expect(['ui', 'yaml-only', 'invalid']).toContain(report.verdict);
      }
    }
  });
});
