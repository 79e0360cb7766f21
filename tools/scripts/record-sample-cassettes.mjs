#!/usr/bin/env node
// Maintainer script: (re)record the HTTP cassettes of the sample connectors, so their CATs run offline in the
// demo and in CI. A loopback mock of each sample's API answers a copy of the connector whose url_base points
// at it; the cat stage records every exchange with `record: true` (secrets scrubbed, a redacted config kept),
// and the cassettes are copied back into connectors/<name>/integration_tests/cassettes/. Replay matches on
// method, path, query and body, so the recorded host does not matter.
//   node tools/scripts/record-sample-cassettes.mjs
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { stage } = createRequire(import.meta.url)(join(root, 'plugins/cat/dist/index.js'));

const SECRETS = { tasklist: 'tl-secret-token', weather: 'wn-secret-key', nestedUser: 'demo', nestedPassword: 'nc-secret-pass' };
const projects = [1, 2, 3].map((id) => ({ id, name: `Project ${id}`, archived: id === 3, created_at: `2024-0${id}-01T09:00:00Z` }));
const tasks = [1, 2, 3, 4].map((id) => ({ id, project_id: 1 + (id % 2), title: `Task ${id}`, done: id < 3, updated_at: `2024-03-0${id}T10:00:00Z` }));
const stations = [
  { id: 'st-1', name: 'Harbour', elevation_m: 4.5 },
  { id: 'st-2', name: 'Hill', elevation_m: 212 },
  { id: 'st-3', name: 'Valley', elevation_m: null },
];
const observations = ['2024-01-03T06:00:00Z', '2024-01-17T06:00:00Z', '2024-01-29T06:00:00Z', '2024-02-02T06:00:00Z', '2024-02-14T06:00:00Z', '2024-02-27T06:00:00Z'].map((t, i) => ({
  id: `ob-${i + 1}`,
  station_id: stations[i % 3].id,
  observed_at: t,
  temperature_c: 3 + i * 1.5,
  note: i % 2 ? 'clear' : 'fog at dawn',
}));
const accounts = [
  { id: 'acc-1', display_name: 'Main account' },
  { id: 'acc-2', display_name: null },
];

function api(req, res) {
  if (process.env.RECORD_DEBUG) console.error("REQ", req.method, req.url);
  const url = new URL(req.url, 'http://x');
  const json = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const p = url.pathname;
  if (p.startsWith('/v2/')) {
    if (req.headers.authorization !== `Bearer ${SECRETS.tasklist}`) return json(401, { error: 'invalid token' });
    if (p === '/v2/projects') return json(200, { data: projects });
    if (p === '/v2/tasks') return json(200, { data: tasks });
  }
  if (p.startsWith('/v1/')) {
    if (req.headers['x-api-key'] !== SECRETS.weather) return json(401, { error: 'invalid api key' });
    if (p === '/v1/stations') return json(200, { stations });
    if (p === '/v1/observations') {
      const since = url.searchParams.get('since') ?? '0000';
      const until = url.searchParams.get('until') ?? '9999';
      const window = observations.filter((o) => o.observed_at >= since && o.observed_at <= until);
      const offset = Number(url.searchParams.get('cursor') ?? 0);
      const page = window.slice(offset, offset + 2);
      return json(200, { observations: page, next_cursor: offset + 2 < window.length ? String(offset + 2) : null });
    }
  }
  if (p === '/api/accounts') {
    const expected = 'Basic ' + Buffer.from(`${SECRETS.nestedUser}:${SECRETS.nestedPassword}`).toString('base64');
    if (req.headers.authorization !== expected) return json(401, { error: 'bad credentials' });
    return json(200, { items: accounts });
  }
  json(404, { error: `no route ${p}` });
}

const samples = [
  { name: 'source-tasklist', manifest: 'source_tasklist/manifest.yaml', from: 'https://api.tasklist.example/v2', to: '/v2', config: { api_token: SECRETS.tasklist } },
  {
    name: 'source-weather-notes',
    manifest: 'manifest.yaml',
    from: 'https://api.weathernotes.example/v1',
    to: '/v1',
    config: { api_key: SECRETS.weather, start_date: '2024-01-01T00:00:00Z', end_date: '2024-02-29T23:59:59Z' },
  },
  {
    name: 'source-nested-config',
    manifest: 'source_nested_config/manifest.yaml',
    from: '"https://{{ config.account.region }}.nested.example/api"',
    to: '/api',
    quote: true,
    config: { credentials: { username: SECRETS.nestedUser, password: SECRETS.nestedPassword }, account: { region: 'eu', workspace_id: 'ws-1' } },
  },
];

const server = createServer(api);
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const work = mkdtempSync(join(tmpdir(), 'conveyor-record-'));
let failed = 0;
try {
  for (const s of samples) {
    const src = join(root, 'connectors', s.name);
    const dir = join(work, s.name);
    cpSync(src, dir, { recursive: true, filter: (p) => !p.includes('/integration_tests/cassettes') });
    const manifestFile = join(dir, s.manifest);
    const text = readFileSync(manifestFile, 'utf8');
    if (!text.includes(s.from)) throw new Error(`${s.name}: url_base ${s.from} not found in ${s.manifest}`);
    writeFileSync(manifestFile, text.replaceAll(s.from, s.quote ? JSON.stringify(base + s.to) : base + s.to));
    mkdirSync(join(dir, 'secrets'), { recursive: true });
    writeFileSync(join(dir, 'secrets/config.json'), JSON.stringify(s.config, null, 2));
    const recorded = await stage.runOne(dir, { record: true, suites: 'all', maxTimeoutSeconds: Number(process.env.RECORD_TIMEOUT ?? 120) }, work);
    console.log(`${s.name} (recording): ${recorded.report.summary}`);
    if (!recorded.report.ok) for (const f of recorded.report.findings ?? []) console.log(`  ${f.message.slice(0, 600)}`);
    const target = join(src, 'integration_tests/cassettes');
    rmSync(target, { recursive: true, force: true });
    cpSync(join(dir, 'integration_tests/cassettes'), target, { recursive: true });
    // Replay from the real folder, without secrets/: what the demo and CI do.
    const replay = await stage.runOne(src, { suites: 'all', maxTimeoutSeconds: Number(process.env.RECORD_TIMEOUT ?? 120) }, work);
    console.log(`${s.name} (replay):    ${replay.report.summary}`);
    if (!recorded.report.ok || !replay.report.ok) {
      failed++;
      for (const f of replay.report.findings ?? []) console.log(`  ${f.message}`);
    }
  }
} finally {
  server.close();
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
