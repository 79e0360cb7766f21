import { describe, expect, it } from 'vitest';
import { pullRequestTitle, renderPullRequest, type ReleaseChange } from '../src';

const breaking: ReleaseChange = { kind: 'stream-removed', breaking: true, stream: 'orders', message: 'stream orders removed; connections syncing it lose it' };
const oauth: ReleaseChange = { kind: 'oauth-flow-changed', breaking: false, needsPlatformChange: true, message: 'spec: advanced_auth (OAuth flow) added' };
const base = { connectorTitle: 'Shop', project: 'source-shop', from: '1.2.0', to: '2.0.0', message: 'Drop orders', notCompared: [], docsPath: 'docs/integrations/sources/shop.md', migrationGuidePath: 'docs/integrations/sources/shop-migrations.md' };

describe('pull-request body', () => {
  it('fills the seed\'s release checklist from what the run did', () => {
    const body = renderPullRequest({ ...base, touched: ['a/source-shop/metadata.yaml', 'docs/integrations/sources/shop.md', 'docs/integrations/sources/shop-migrations.md'], changes: [breaking, oauth], catPassed: true });
    expect(body.split('\n')[0]).toBe('# 🚨 Source Shop: Drop orders');
    expect(body).toContain('- [x] Version bumped to 2.0.0 (metadata.yaml)');
    expect(body).toContain('- [x] Changelog updated in `docs/integrations/sources/shop.md`');
    expect(body).toContain('- [x] Acceptance tests (cat) passed');
    expect(body).toContain('- [x] Breaking changes (1): releases.breakingChanges entry and migration guide `docs/integrations/sources/shop-migrations.md`');
    expect(body).toContain('- [ ] OAuth platform changes done (1 OAuth change above)');
    expect(body).toContain('- **breaking** stream orders removed');
  });

  it('leaves unchecked what did not happen: failed or missing cat, no docs page', () => {
    const failed = renderPullRequest({ ...base, to: '1.2.1', docsPath: undefined, touched: ['a/metadata.yaml'], changes: [], catPassed: false });
    expect(failed).toContain('- [ ] Acceptance tests (cat) FAILED');
    expect(failed).toContain('- [ ] Changelog updated (no docs page found)');
    expect(failed).toContain('- [x] No breaking changes');
    expect(renderPullRequest({ ...base, touched: [], changes: [] })).toContain('- [ ] Acceptance tests (cat): no report found, run `nx run source-shop:cat`');
    // A pass whose live suites were skipped says so next to the tick.
    const skipped = renderPullRequest({ ...base, touched: [], changes: [], catPassed: true, catSummary: '9 passed, 0 failed, 16 skipped (16: config secrets/config.json is missing)' });
    expect(skipped).toContain('- [x] Acceptance tests (cat) passed: 9 passed, 0 failed, 16 skipped (16: config secrets/config.json is missing)');
  });

  it('titles follow Airbyte\'s emoji convention and never double the kind', () => {
    expect(pullRequestTitle({ ...base, to: '1.3.0', changes: [] })).toBe('✨ Source Shop: Drop orders');
    expect(pullRequestTitle({ ...base, to: '1.2.1', changes: [] })).toBe('🐛 Source Shop: Drop orders');
    expect(pullRequestTitle({ ...base, connectorTitle: 'Destination Xata', project: 'destination-xata', to: '1.2.1', changes: [] })).toBe('🐛 Destination Xata: Drop orders');
  });
});
