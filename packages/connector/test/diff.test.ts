import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { unifiedDiff } from '@conveyor/connector';
import { CORPUS, tempDir, type TempDir } from '../../../test/support';

let t: TempDir | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

/** Apply `diff` to `before` with GNU patch, as a reviewer of a dry run would, and return the result. */
function patched(before: string, diff: string): string {
  t ??= tempDir();
  writeFileSync(join(t.dir, 'f'), before);
  writeFileSync(join(t.dir, 'f.diff'), diff);
  const r = spawnSync('patch', ['--silent', '--force', '-p1', '-d', t.dir, '-i', join(t.dir, 'f.diff')], { encoding: 'utf8' });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  return readFileSync(join(t.dir, 'f'), 'utf8');
}

describe('unifiedDiff', () => {
  it('marks a missing final newline like diff -u, so the patch restores it exactly', () => {
    const d = unifiedDiff('a\nb', 'a\nb\n', 'f');
    expect(d).toBe('--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n');
    expect(patched('a\nb', d)).toBe('a\nb\n');
    expect(patched('x\ny\n', unifiedDiff('x\ny\n', 'x\nz', 'f'))).toBe('x\nz');
  });

  it('shows removals before additions in a changed block', () => {
    expect(unifiedDiff('k: 1\nv: old\n', 'k: 1\nv: new\nw: added\n', 'f')).toContain(' k: 1\n-v: old\n+v: new\n+w: added\n');
  });

  it('turns every real migration commit of the corpus into a patch that reproduces it', () => {
    const root = join(CORPUS, 'migrations');
    let checked = 0;
    for (const c of readdirSync(root)) {
      const pkg = c.replace(/-/g, '_');
      const pairs: [string, string][] = [['README.md', 'README.md'], ['metadata.yaml', 'metadata.yaml'], [`${pkg}/manifest.yaml`, 'manifest.yaml']];
      for (const [from, to] of pairs) {
        const a = join(root, c, 'before', from);
        const b = join(root, c, 'after', to);
        if (!existsSync(a) || !existsSync(b)) continue;
        const before = readFileSync(a, 'utf8');
        const after = readFileSync(b, 'utf8');
        expect(patched(before, unifiedDiff(before, after, 'f')), `${c}/${from}`).toBe(after);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('is as small as diff -u on the corpus: never more changed lines', () => {
    const c = join(CORPUS, 'migrations', 'source-pendo');
    const before = readFileSync(join(c, 'before/source_pendo/manifest.yaml'), 'utf8');
    const after = readFileSync(join(c, 'after/manifest.yaml'), 'utf8');
    const gnu = spawnSync('diff', ['-u', join(c, 'before/source_pendo/manifest.yaml'), join(c, 'after/manifest.yaml')], { encoding: 'utf8' }).stdout;
    const changed = (d: string) => d.split('\n').filter((l) => /^[-+](?!-- |\+\+ )/.test(l)).length;
    expect(changed(unifiedDiff(before, after, 'f'))).toBeLessThanOrEqual(changed(gnu));
  });

  it('copes with a large file rewritten from top to bottom', () => {
    const before = Array.from({ length: 20_000 }, (_, i) => `old ${i}`).join('\n') + '\n';
    const after = Array.from({ length: 20_000 }, (_, i) => (i % 3 ? `new ${i}` : `old ${i}`)).join('\n') + '\n';
    expect(patched(before, unifiedDiff(before, after, 'f'))).toBe(after);
  });
});
