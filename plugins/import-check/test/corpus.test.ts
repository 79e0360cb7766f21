/**
 * Every connector of the corpus goes through the check without crashing, with the verdict found by
 * reading each manifest against the Builder's rules (airbyte-process.md §1). The custom-component and
 * nested-config cases are checked finding by finding.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stage } from '../src/stage';
import type { ImportFinding } from '../src/findings';
import { CORPUS, copyConnector, tempDir } from '../../../test/support';

const ws = tempDir('import-check-corpus-');
afterAll(() => ws.cleanup());

interface ImportReport {
  ok: boolean;
  summary: string;
  verdict: string;
  findings: ImportFinding[];
  fix?: { applied: boolean };
}

async function check(rel: string): Promise<ImportReport> {
  const { report } = await stage.runOne(join(CORPUS, rel), {}, ws.dir);
  return report as unknown as ImportReport;
}

const EXPECTED: Record<string, string> = {
  // Python and Java connectors have no manifest: the stage does not apply.
  'fleet-2024-06/destination-amazon-sqs': 'not-applicable',
  'fleet-2024-06/destination-azure-blob-storage': 'not-applicable',
  'fleet-2024-06/destination-redis': 'not-applicable',
  'fleet-2024-06/destination-xata': 'not-applicable',
  'fleet-2024-06/source-github': 'not-applicable',
  'fleet-2024-06/source-paystack': 'not-applicable',
  'inline-schemas/source-amazon-seller-partner/before': 'not-applicable',
  'inline-schemas/source-amazon-seller-partner/after': 'not-applicable',
  // CustomIncrementalSync is gone from the CDK 7 schema; paypal's $parameters.field_path lands on RequestOptions.
  'fleet-2024-06/source-braze': 'invalid',
  'fleet-2024-06/source-posthog': 'invalid',
  'fleet-2024-06/source-quickbooks': 'invalid',
  'fleet-2024-06/source-paypal-transaction': 'invalid',
  // Nothing the Builder UI cannot show.
  'fleet-2024-06/source-flexport': 'ui',
  'fleet-2024-06/source-k6-cloud': 'ui',
  'fleet-2024-06/source-newsdata': 'ui',
  // persistiq's CursorPagination carries `extractorPath`, a field the converter's CursorPagination form does not
  // have (filterKnownFields), so the paginator stays YAML.
  'fleet-2024-06/source-persistiq': 'yaml-only',
  'fleet-2024-06/source-smartengage': 'ui',
  'fleet-2024-06/source-tyntec-sms': 'ui',
};
// lemlist's ApiKeyAuthenticator carries a mis-indented `request_parameters`, rocket-chat's page_size_option a
// `page_size`: fields the converter does not accept there (filterKnownFields), so those components stay YAML.
const UI_MIGRATIONS = ['activecampaign', 'confluence', 'glassfrog', 'nytimes', 'pendo'];
// source-timely's bearer_token input is not marked airbyte_secret: the Builder's token input is a secret.
const UI_AFTER_ONLY = ['aircall', 'configcat', 'getlago', 'lokalise']; // auth secrets read a spec that only `after` has inline

function expectedVerdict(rel: string): string {
  if (EXPECTED[rel]) return EXPECTED[rel];
  const m = /^migrations\/source-([a-z-]+)\/(before|after)$/.exec(rel);
  if (m && UI_MIGRATIONS.includes(m[1])) return 'ui';
  if (m && UI_AFTER_ONLY.includes(m[1])) return m[2] === 'after' ? 'ui' : 'yaml-only';
  return 'yaml-only';
}

it('flags a token input that is not marked secret (source-timely)', async () => {
  const report = await check('migrations/source-timely/after');
  expect(report.findings.filter((f) => f.rule === 'auth-secret').map((f) => f.message)).toEqual([
    expect.stringMatching(/BearerAuthenticator\.api_token reads config\['bearer_token'\], whose spec property is not marked airbyte_secret: true/),
  ]);
});

const cases = [
  ...readdirSync(join(CORPUS, 'fleet-2024-06')).filter((d) => !d.startsWith('_')).map((d) => `fleet-2024-06/${d}`),
  ...['migrations', 'inline-schemas'].flatMap((set) => readdirSync(join(CORPUS, set)).flatMap((d) => [`${set}/${d}/before`, `${set}/${d}/after`])),
];

describe('import-check over the corpus', () => {
  it.each(cases)('%s', async (rel) => {
    const report = await check(rel);
    expect(report.findings.filter((f) => f.rule === 'internal')).toEqual([]);
    expect(report.verdict).toBe(expectedVerdict(rel));
    expect(report.ok).toBe(report.verdict !== 'invalid');
    // Every finding points at a line (file-level ones at line 1).
    for (const f of report.findings) expect(f.line, `${f.rule}: ${f.message}`).toBeGreaterThan(0);
  });
});

/** Line of the first manifest line matching `re`, to check findings point at what the author wrote. */
function lineOf(rel: string, re: RegExp, nth = 0): number {
  const dir = join(CORPUS, rel);
  const pkg = readdirSync(dir).find((d) => /^source_/.test(d));
  const text = readFileSync(pkg ? join(dir, pkg, 'manifest.yaml') : join(dir, 'manifest.yaml'), 'utf8').split('\n');
  const hits = text.flatMap((l, i) => (re.test(l) ? [i + 1] : []));
  return hits[nth];
}

describe('custom components', () => {
  // class → [where its class_name is written, expected CDK replacement or undefined when unknown]
  const CASES: [string, string, string[] | undefined][] = [
    ['fleet-2024-06/source-alpha-vantage', 'ObjectDpathExtractor', ['DpathExtractor']],
    ['fleet-2024-06/source-avni', 'CustomAuthenticator', undefined],
    ['fleet-2024-06/source-braze', 'EventsRecordExtractor', ['DpathExtractor']],
    ['fleet-2024-06/source-braze', 'DatetimeIncrementalSyncComponent', ['DatetimeBasedCursor']],
    ['fleet-2024-06/source-facebook-pages', 'AuthenticatorFacebookPageAccessToken', ['BearerAuthenticator']],
    ['fleet-2024-06/source-facebook-pages', 'CustomFieldTransformation', ['AddFields']],
    ['fleet-2024-06/source-gnews', 'WaitUntilMidnightBackoffStrategy', ['WaitUntilTimeFromHeader']],
    ['fleet-2024-06/source-iterable', 'XJsonRecordExtractor', ['DpathExtractor']],
    ['fleet-2024-06/source-mailchimp', 'MailChimpRecordExtractorEmailActivity', ['DpathExtractor']],
    ['fleet-2024-06/source-notion', 'NotionDataFeedFilter', ['RecordFilter (condition)', 'DatetimeBasedCursor with is_client_side_incremental']],
    ['fleet-2024-06/source-notion', 'NotionUserTransformation', undefined],
    ['fleet-2024-06/source-paypal-transaction', 'PayPalOauth2Authenticator', ['OAuthAuthenticator']],
    ['fleet-2024-06/source-posthog', 'EventsSimpleRetriever', undefined],
    ['fleet-2024-06/source-quickbooks', 'CustomDatetimeBasedCursor', ['DatetimeBasedCursor']],
    ['fleet-2024-06/source-rss', 'CustomExtractor', ['DpathExtractor']],
    ['inline-schemas/source-pocket/before', 'PocketExtractor', ['DpathExtractor']],
  ];
  it.each(CASES)('%s: %s', async (rel, cls, replaceWith) => {
    const report = await check(rel);
    const f = report.findings.find((x) => x.rule === 'custom-component' && x.message.includes(`.${cls})`));
    expect(f, `no finding for ${cls}`).toBeDefined();
    expect(f!.severity).toBe('warning');
    // The finding sits on the component that names the class (its type or class_name line, or the key above).
    const classLine = lineOf(rel, new RegExp(`class_name:.*\\.${cls}\\b`));
    expect(Math.abs(f!.line! - classLine)).toBeLessThanOrEqual(2);
    expect(f!.replaceWith).toEqual(replaceWith);
    // posthog's EventsSimpleRetriever sits in a `transformations` list the CDK ignores: not a retriever at all.
    expect(f!.scope).toBe('component');
    expect(f!.fix).toMatch(replaceWith ? /^replace it with/ : /^no known CDK replacement/);
  });
});

describe('nested config references', () => {
  const CASES: [string, string[], boolean][] = [
    // connector, nested paths read, whether --fix can flatten them (false: the spec makes it a oneOf choice or a list)
    ['fleet-2024-06/source-auth0', ['credentials.access_token', 'credentials.client_id', 'credentials.client_secret'], false],
    ['fleet-2024-06/source-drift', ['credentials.access_token'], false],
    ['fleet-2024-06/source-harvest', ['credentials.api_token', 'credentials.client_id', 'credentials.client_secret', 'credentials.refresh_token'], false],
    ['fleet-2024-06/source-lever-hiring', ['credentials.api_key', 'credentials.client_id', 'credentials.client_secret', 'credentials.refresh_token'], false],
    ['fleet-2024-06/source-linkedin-pages', ['credentials.access_token', 'credentials.client_id', 'credentials.client_secret', 'credentials.refresh_token'], false],
    ['fleet-2024-06/source-mailchimp', ['credentials.access_token', 'credentials.apikey'], false],
    ['fleet-2024-06/source-notion', ['credentials.access_token', 'credentials.auth_type', 'credentials.token'], false],
    ['fleet-2024-06/source-onesignal', ['applications.0.app_api_key', 'applications.0.app_id'], false],
    ['fleet-2024-06/source-quickbooks', ['credentials.client_id', 'credentials.client_secret', 'credentials.realm_id', 'credentials.refresh_token'], false],
    ['fleet-2024-06/source-microsoft-teams', ['credentials.client_id', 'credentials.client_secret', 'credentials.tenant_id'], false],
  ];
  it.each(CASES)('%s', async (rel, paths, mechanical) => {
    const report = await check(rel);
    const nested = report.findings.filter((f) => f.rule === 'nested-config');
    const read = [...new Set(nested.map((f) => /nested config path (\S+);/.exec(f.message)![1]))].sort();
    expect(read).toEqual(paths);
    for (const f of nested) {
      expect(f.severity).toBe('warning');
      expect(f.fix).toMatch(mechanical ? /^import-check --fix/ : /^flatten by hand/);
    }
  });

  it('does not count indexing a top-level list input as nested (newsdata reads config["country"][0])', async () => {
    const report = await check('fleet-2024-06/source-newsdata');
    expect(report.findings.filter((f) => f.rule === 'nested-config')).toEqual([]);
  });
});

describe('--fix over the fleet', () => {
  const RANK: Record<string, number> = { invalid: 0, 'yaml-only': 1, ui: 2, 'not-applicable': 3 };
  const fleet = cases.filter((c) => c.startsWith('fleet-2024-06/source-'));
  it.each(fleet)('%s: never crashes, never makes the verdict worse, and a second --fix changes nothing', async (rel) => {
    const t = tempDir('import-check-fleet-fix-');
    try {
      const name = rel.split('/')[1];
      copyConnector(join(CORPUS, rel), t.dir, name);
      const dir = join(t.dir, name);
      const before = (await stage.runOne(dir, {}, t.dir)).report as unknown as ImportReport;
      const fixed = (await stage.runOne(dir, { fix: true }, t.dir)).report as unknown as ImportReport;
      expect(fixed.findings.filter((f) => f.rule === 'internal')).toEqual([]);
      expect(RANK[fixed.verdict]).toBeGreaterThanOrEqual(RANK[before.verdict]);
      const again = (await stage.runOne(dir, { fix: true }, t.dir)).report as unknown as ImportReport;
      if (again.fix) expect(again.fix.applied).toBe(false);
    } finally {
      t.cleanup();
    }
  });
});

describe('fields the CDK silently ignores', () => {
  it.each([
    ['inline-schemas/source-pocket/before', 'DefaultErrorHandler has no field `error_handlers`', /error_handlers:/],
    ['fleet-2024-06/source-mailchimp', 'MinMaxDatetime has no field `lookback_window`', /lookback_window:/],
    ['fleet-2024-06/source-notion', 'BearerAuthenticator has no field `authenticator`', /^\s+authenticator:/],
  ])('%s: %s', async (rel, message, line) => {
    const report = await check(rel);
    const f = report.findings.find((x) => x.rule === 'unknown-field' && x.message.startsWith(message))!;
    expect(f).toMatchObject({ severity: 'warning', impact: 'info' });
    const dir = join(CORPUS, rel);
    const pkg = readdirSync(dir).find((d) => /^source_/.test(d))!;
    expect(readFileSync(join(dir, pkg, 'manifest.yaml'), 'utf8').split('\n')[f.line! - 1]).toMatch(line);
  });
});

describe('what the import would lose', () => {
  it('source-flexport: every stream reads schemas/<name>.json, and each file $refs schemas/shared', async () => {
    const report = await check('fleet-2024-06/source-flexport');
    expect(report.verdict).toBe('ui');
    const streams = report.findings.filter((f) => f.rule === 'schema-file').map((f) => /stream (\w+) has no schema_loader/.exec(f.message)![1]);
    expect(streams.sort()).toEqual(['companies', 'invoices', 'locations', 'products', 'shipments']);
    const refs = report.findings.filter((f) => f.rule === 'schema-shared-ref');
    expect(refs.map((f) => f.file!.split('/').pop()).sort()).toEqual(['companies.json', 'invoices.json', 'locations.json', 'products.json', 'shipments.json']);
    for (const f of refs) expect(readFileSync(f.file!, 'utf8').split('\n')[f.line! - 1]).toContain('$ref');
    expect(report.summary).toBe('ui: imports into the Builder UI; the import would lose: schema-file ×5, schema-shared-ref ×5');
  });

  it('source-nytimes before its migration: the spec lives in spec.yaml', async () => {
    const report = await check('migrations/source-nytimes/before');
    const spec = report.findings.find((f) => f.rule === 'spec-separate')!;
    expect(spec.file).toMatch(/source_nytimes\/spec\.yaml$/);
    expect(spec.fix).toMatch(/--fix moves it into the manifest/);
  });
});
