import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { stage } from '../src/stage';
import { gitRepo, type TestRepo } from './git-repo';
import { CONNECTOR_DIR, DOCS, GUIDE, manifest, metadata, shopFiles } from './fixtures';

let repo: TestRepo | undefined;
afterEach(() => repo?.cleanup());

const run = (options: Record<string, unknown>) => stage.runOne(join(repo!.dir, CONNECTOR_DIR), { date: '2024-09-02', ...options }, repo!.dir);
const read = (p: string) => readFileSync(join(repo!.dir, p), 'utf8');
const meta = () => (parse(read(`${CONNECTOR_DIR}/metadata.yaml`)) as { data: Record<string, any> }).data;

/** Base on main, then a feature branch whose working tree holds the change. */
function featureBranch(baseVersion: string, base: Parameters<typeof manifest>[0], head: Parameters<typeof manifest>[0]) {
  repo = gitRepo(shopFiles(baseVersion, base));
  repo.git('checkout', '--quiet', '-b', 'feature');
  repo.write({ [`${CONNECTOR_DIR}/manifest.yaml`]: manifest(head) });
}

describe('breaking changes against the merge-base with main', () => {
  it('a removed field before 1.0.0 needs only a minor bump, and gets a breakingChanges entry and a migration guide', async () => {
    featureBranch('0.3.1', {}, { userFields: { id: { type: 'integer' }, updated_at: { type: 'string', format: 'date-time' } } });
    const { report } = await run({ bump: 'minor', message: 'Drop users.name, removed by the API', pr: 41234 });
    expect(report.ok).toBe(true);
    expect(report.to).toBe('0.4.0');
    expect(report.breaking).toEqual([expect.stringContaining('users.name: field removed')]);
    const entry = meta().releases.breakingChanges['0.4.0'];
    expect(entry).toEqual({ message: 'Drop users.name, removed by the API', upgradeDeadline: '2024-09-16', scopedImpact: [{ scopeType: 'stream', impactedScopes: ['users'] }] });
    expect(read(`${CONNECTOR_DIR}/metadata.yaml`)).toContain('# keep: a comment the release must not lose');
    const guide = read(GUIDE);
    expect(guide.split('\n')[0]).toBe('# Shop Migration Guide');
    expect(guide).toContain('## Upgrading to 0.4.0');
    expect(guide).toContain('users.name: field removed');
  });

  it('refuses a minor bump after 1.0.0 when a change breaks, listing every breaking change, and touches nothing', async () => {
    featureBranch('1.2.0', {}, { usersPk: 'name', usersCursor: 'id', dropOrders: true });
    const before = repo!.git('status', '--porcelain');
    const { report } = await run({ bump: 'minor', message: 'Rework users' });
    expect(report.ok).toBe(false);
    expect(report.summary).toMatch(/3 breaking changes need a major release/);
    const listed = (report.breaking as string[]).join('\n');
    expect(listed).toMatch(/stream orders removed/);
    expect(listed).toMatch(/users: primary key \[\["id"\]\] → \[\["name"\]\]/);
    expect(listed).toMatch(/users: cursor field \["updated_at"\] → \["id"\]/);
    expect(repo!.git('status', '--porcelain')).toBe(before);
    expect(meta().dockerImageTag).toBe('1.2.0');
  });

  it('a major bump records X.0.0 and puts its guide section above older ones', async () => {
    featureBranch('1.2.0', {}, { required: ['api_key', 'shop_id'], specProps: { api_key: { type: 'string' }, start_date: { type: 'string' }, shop_id: { type: 'string' } } });
    repo!.write({ [GUIDE]: '# Shop Migration Guide\n\n## Upgrading to 1.0.0\n\nOld notes.\n' });
    const { report } = await run({ bump: 'major', message: 'Require shop_id', upgradeDeadline: '2024-10-01' });
    expect(report.ok).toBe(true);
    expect(report.to).toBe('2.0.0');
    expect(meta().releases.breakingChanges['2.0.0']).toEqual({ message: 'Require shop_id', upgradeDeadline: '2024-10-01' });
    const headings = read(GUIDE).split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toEqual(['## Upgrading to 2.0.0', '## Upgrading to 1.0.0']);
    expect(read(GUIDE)).toContain('Old notes.');
  });

  it('a major bump with no detected change still records X.0.0, which Airbyte\'s validator requires', async () => {
    featureBranch('1.2.0', {}, {});
    const { report, output } = await run({ bump: 'major', message: 'Switch to API v2' });
    expect(report.ok, report.summary).toBe(true);
    expect(report.breaking).toEqual([]);
    expect(meta().releases.breakingChanges['2.0.0']).toEqual({ message: 'Switch to API v2', upgradeDeadline: '2024-09-16' });
    expect(read(GUIDE)).toContain('## Upgrading to 2.0.0');
    expect(output).toMatch(/no breaking change detected: recording breakingChanges\.2\.0\.0 anyway/);
  });

  it('refuses an upgrade deadline less than 7 days out', async () => {
    featureBranch('0.3.1', {}, { dropOrders: true });
    const { report } = await run({ bump: 'minor', message: 'Drop orders', upgradeDeadline: '2024-09-05' });
    expect(report.ok).toBe(false);
    expect(report.summary).toMatch(/less than 7 days/);
  });

  it('non-breaking changes (new stream, new field, widened type) allow a patch and are all reported', async () => {
    featureBranch('0.3.1', {}, { extraStream: true, userFields: { id: { type: 'number' }, name: { type: ['null', 'string'] }, updated_at: { type: 'string', format: 'date-time' }, email: { type: 'string' } } });
    const { report } = await run({ bump: 'patch', message: 'Add refunds' });
    expect(report.ok).toBe(true);
    expect(report.breaking).toEqual([]);
    const kinds = (report.changes as { kind: string; breaking: boolean }[]).map((c) => `${c.kind}:${c.breaking}`).sort();
    expect(kinds).toEqual(['field-added:false', 'stream-added:false', 'type-widened:false']);
    expect(meta().releases).toBeUndefined();
    expect(existsSync(join(repo!.dir, GUIDE))).toBe(false);
  });

  it('flags an OAuth flow change as needing platform changes', async () => {
    featureBranch('0.3.1', {}, { advancedAuth: true });
    const { report } = await run({ bump: 'minor', message: 'Support OAuth' });
    const oauth = (report.changes as { kind: string; needsPlatformChange?: boolean }[]).find((c) => c.kind === 'oauth-flow-changed');
    expect(oauth?.needsPlatformChange).toBe(true);
    expect(read(join('dist/conveyor/source-shop/pull-request.md'))).toMatch(/- \[ \] OAuth platform changes done/);
  });

  it('the version must go up against the base, and a second run does nothing', async () => {
    repo = gitRepo(shopFiles('0.3.1'));
    repo.git('checkout', '--quiet', '-b', 'feature');
    const low = await run({ version: '0.3.1', message: 'Same version' });
    expect(low.report.ok).toBe(false);
    expect(low.report.summary).toMatch(/must increase against the base: 0\.3\.1 is not greater than 0\.3\.1/);
    const first = await run({ bump: 'patch', message: 'Fix paging' });
    expect(first.report.to).toBe('0.3.2');
    const snapshot = [read(`${CONNECTOR_DIR}/metadata.yaml`), read(DOCS)];
    const second = await run({ bump: 'patch', message: 'Fix paging' });
    expect(second.report.ok).toBe(true);
    expect(second.report.to).toBe('0.3.2');
    expect(second.report.touched).toEqual([]);
    expect([read(`${CONNECTOR_DIR}/metadata.yaml`), read(DOCS)]).toEqual(snapshot);
  });

  it('a --base that does not resolve fails with the ref named, touching nothing', async () => {
    repo = gitRepo(shopFiles('0.3.1'));
    const { report } = await run({ bump: 'patch', message: 'x', base: 'origin/nowhere' });
    expect(report.ok).toBe(false);
    expect(report.summary).toMatch(/base ref "origin\/nowhere" does not resolve/);
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('a branch bumped as a patch that then gains a breaking change is re-bumped, keeping one changelog row', async () => {
    repo = gitRepo(shopFiles('0.3.1'));
    repo.git('checkout', '--quiet', '-b', 'feature');
    expect((await run({ bump: 'patch', message: 'Fix paging', pr: 1 })).report.to).toBe('0.3.2');
    repo.write({ [`${CONNECTOR_DIR}/manifest.yaml`]: manifest({ dropOrders: true }) });
    const refused = await run({ bump: 'patch', message: 'Drop orders', pr: 1 });
    expect(refused.report.summary).toMatch(/needs a minor release \(0\.3\.1 → 0\.3\.2 is not\); rerun with --bump minor/);
    const { report } = await run({ bump: 'minor', message: 'Drop orders', pr: 1 });
    expect(report.ok, report.summary).toBe(true);
    expect(report.to).toBe('0.4.0');
    const rows = read(DOCS).split('\n').filter((l) => /^\| 0\.(3\.2|4\.0) /.test(l));
    expect(rows).toEqual(['| 0.4.0 | 2024-09-02 | [1](https://github.com/airbytehq/airbyte/pull/1) | Drop orders |']);
    expect(Object.keys(meta().releases.breakingChanges)).toEqual(['0.4.0']);
    expect((await run({ bump: 'minor', message: 'Drop orders', pr: 1 })).report.touched).toEqual([]);
  });

  it('refuses a version main already released after the branch started', async () => {
    repo = gitRepo(shopFiles('0.3.1'));
    repo.git('checkout', '--quiet', '-b', 'feature');
    repo.git('checkout', '--quiet', 'main');
    repo.write({ [`${CONNECTOR_DIR}/metadata.yaml`]: metadata('0.3.2') });
    repo.commit('someone else releases 0.3.2');
    repo.git('checkout', '--quiet', 'feature');
    const { report } = await run({ bump: 'patch', message: 'Fix paging' });
    expect(report.ok).toBe(false);
    expect(report.summary).toMatch(/main already has 0\.3\.2, released after this branch started/);
    expect((await run({ version: '0.3.3', message: 'Fix paging' })).report.ok).toBe(true);
  });

  it('compares against --base when given', async () => {
    repo = gitRepo(shopFiles('0.3.1'));
    repo.write({ [`${CONNECTOR_DIR}/manifest.yaml`]: manifest({ dropOrders: true }) });
    repo.commit('drop orders on main');
    const { report } = await run({ bump: 'minor', message: 'Drop orders', base: 'HEAD~1', dryRun: true });
    expect(report.breaking).toEqual([expect.stringContaining('stream orders removed')]);
  });
});

