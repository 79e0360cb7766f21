import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFleet } from '../src/fleet/collect';
import { writeFleet } from '../src/fleet/write';
import type { Fleet } from '../src/fleet/types';
import { corpusFleet, MIGRATED, type CorpusFleet } from './fleet-corpus';

/** Debian's chromium (`apt-get install -y chromium`), or another Chromium build on PATH. */
const CHROMIUM = ['chromium', 'chromium-browser', 'google-chrome'].find((b) => spawnSync('which', [b]).status === 0);
if (!CHROMIUM) console.warn('fleet page browser test SKIPPED: no chromium on PATH (install it with: apt-get update && apt-get install -y chromium)');

let ws: CorpusFleet;
let fleet: Fleet;
let page: string;
beforeAll(async () => {
  if (!CHROMIUM) return;
  ws = await corpusFleet();
  fleet = collectFleet({ workspaceRoot: ws.dir, connectors: ws.projects });
  writeFleet(join(ws.dir, 'dist/conveyor/fleet'), fleet);
  page = join(ws.dir, 'dist/conveyor/fleet/index.html');
}, 120_000);
afterAll(() => ws?.cleanup());

/** Run headless Chromium with a fresh profile and no background network; returns stdout. */
function chromium(args: string[]): string {
  const profile = mkdtempSync(join(tmpdir(), 'conveyor-chromium-'));
  try {
    const r = spawnSync(CHROMIUM!, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', `--user-data-dir=${profile}`, ...args], { encoding: 'utf8', timeout: 60_000, maxBuffer: 32 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`chromium exited ${r.status}: ${r.stderr.slice(-2000)}`);
    return r.stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

const visibleRows = (dom: string) => (dom.match(/<tr data-project="[^"]*"[^>]*>/g) ?? []).filter((tr) => !/\shidden(=""|\s|>)/.test(tr));

describe.skipIf(!CHROMIUM)('fleet page in headless Chromium', () => {
  it('renders every connector row and both charts from real corpus data', () => {
    const dom = chromium(['--dump-dom', pathToFileURL(page).href]);
    expect(visibleRows(dom)).toHaveLength(fleet.connectors.length);
    expect(dom).toContain(`${fleet.connectors.length} of ${fleet.connectors.length}`);
    const migration = /<svg[^>]*data-chart="migration"[\s\S]*?<\/svg>/.exec(dom)?.[0] ?? '';
    for (const l of fleet.layouts) {
      const segments = [...migration.matchAll(new RegExp(`data-layout="${l.key}"[^>]*data-count="(\\d+)"`, 'g'))].map((m) => Number(m[1]));
      expect(segments.reduce((a, b) => a + b, 0), l.key).toBe(l.count);
    }
    const blocking = /<svg[^>]*data-chart="blocking"[\s\S]*?<\/svg>/.exec(dom)?.[0] ?? '';
    const bars = [...blocking.matchAll(/data-rule="([^"]+)" data-count="(\d+)"/g)].map((m) => [m[1], Number(m[2])]);
    expect(bars).toEqual(fleet.blockingFindings.slice(0, 10).map((b) => [b.key, b.count]));
  });

  it('filters the table by layout and by finding', () => {
    const byLayout = chromium(['--dump-dom', `${pathToFileURL(page).href}?layout=manifest-only`]);
    expect(visibleRows(byLayout).map((tr) => /data-project="([^"]+)"/.exec(tr)![1]).sort()).toEqual([...MIGRATED].sort());
    expect(byLayout).toContain(`${MIGRATED.length} of ${fleet.connectors.length}`);
    const rule = fleet.blockingFindings[0].key;
    const byRule = chromium(['--dump-dom', `${pathToFileURL(page).href}?q=${encodeURIComponent(rule)}`]);
    expect(visibleRows(byRule)).toHaveLength(fleet.blockingFindings[0].count);
  });

  it('takes a screenshot of the page', () => {
    const shot = join(ws.dir, 'fleet.png');
    chromium([`--screenshot=${shot}`, '--window-size=1400,2200', '--hide-scrollbars', pathToFileURL(page).href]);
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(shot).size).toBeGreaterThan(50_000);
    // For a person to look at: CONVEYOR_FLEET_SCREENSHOT=/tmp/fleet.png npx vitest run plugins/workspace
    if (process.env.CONVEYOR_FLEET_SCREENSHOT) copyFileSync(shot, process.env.CONVEYOR_FLEET_SCREENSHOT);
  });
});
