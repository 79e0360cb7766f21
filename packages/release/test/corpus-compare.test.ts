import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { compareSnapshots, snapshotConnector, type ConnectorFiles } from '../src';

const CORPUS = '/work/shared/corpus';

function folder(root: string, override: Record<string, string> = {}): ConnectorFiles {
  const walk = (d: string): string[] => readdirSync(join(root, d)).flatMap((e) => (statSync(join(root, d, e)).isDirectory() ? walk(`${d}/${e}`) : [`${d}/${e}`]));
  return {
    read: (p) => override[p] ?? (existsSync(join(root, p)) && statSync(join(root, p)).isFile() ? readFileSync(join(root, p), 'utf8') : undefined),
    list: (dir) => (existsSync(join(root, dir)) ? walk(dir) : []),
  };
}
const list = (set: string) => (existsSync(join(CORPUS, set)) ? readdirSync(join(CORPUS, set)) : []);

describe('corpus: Airbyte refactors that kept behaviour show no change', () => {
  for (const set of ['migrations', 'inline-schemas']) {
    for (const name of list(set)) {
      it(`${set}/${name}`, () => {
        const before = snapshotConnector(folder(join(CORPUS, set, name, 'before')), name);
        const after = snapshotConnector(folder(join(CORPUS, set, name, 'after')), name);
        expect(before.streams?.length).toBeGreaterThan(0);
        expect(after.streams?.map((s) => s.name).sort()).toEqual(before.streams?.map((s) => s.name).sort());
        expect(compareSnapshots(before, after).changes).toEqual([]);
      });
    }
  }
});

describe('corpus: every fleet connector snapshots, and a removed stream or field is caught', () => {
  for (const name of list('fleet-2024-06')) {
    it(name, () => {
      const root = join(CORPUS, 'fleet-2024-06', name);
      const snap = snapshotConnector(folder(root), name);
      expect(snap.spec, `${name}: ${snap.gaps.join('; ')}`).toBeDefined();
      expect(compareSnapshots(snap, snap).changes).toEqual([]);
      if (name.startsWith('destination-')) return;
      expect(snap.streams?.length).toBeGreaterThan(0);
      const manifestPath = snap.sources.find((s) => s.endsWith('manifest.yaml'));
      if (!manifestPath) return;
      // Drop the first stream of the real manifest: the comparison must name exactly that stream as removed.
      const m = parse(readFileSync(join(root, manifestPath), 'utf8')) as { streams: unknown[] };
      m.streams.shift();
      const edited = snapshotConnector(folder(root, { [manifestPath]: stringify(m) }), name);
      const removed = snap.streams!.find((s) => !edited.streams!.some((e) => e.name === s.name))!.name;
      const changes = compareSnapshots(snap, edited).changes.filter((c) => c.breaking);
      expect(changes.map((c) => c.kind)).toEqual(['stream-removed']);
      expect(changes[0].stream).toBe(removed);
    });
  }
});

describe('corpus: schema files that link shared schemas', () => {
  const root = join(CORPUS, 'fleet-2024-06', 'source-github');
  it.runIf(existsSync(root))('inlines $ref "user.json" from schemas/shared, so a field removed there is caught', () => {
    const snap = snapshotConnector(folder(root), 'source-github');
    const issues = snap.streams!.find((s) => s.name === 'issues')!;
    const user = (issues.schema!.properties as Record<string, { properties?: Record<string, unknown>; description?: string }>).user;
    expect(Object.keys(user.properties!)).toContain('login');
    expect(user.description).toBe('User who opened the issue.');
    expect(snap.gaps.filter((g) => g.includes('$ref'))).toEqual([]);
    const shared = JSON.parse(readFileSync(join(root, 'source_github/schemas/shared/user.json'), 'utf8'));
    delete shared.properties.login;
    const edited = snapshotConnector(folder(root, { 'source_github/schemas/shared/user.json': JSON.stringify(shared) }), 'source-github');
    const removed = compareSnapshots(snap, edited).changes.filter((c) => c.kind === 'field-removed' && c.stream === 'issues').map((c) => c.path);
    expect(removed).toEqual(expect.arrayContaining(['user.login', 'assignee.login']));
  });
});
