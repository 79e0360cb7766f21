#!/usr/bin/env node
// Streams N GB of RECORD messages from a generator connector through the real CAT read path (command
// runner → line splitter → parser → per-stream ajv validation, key checks, stream statuses) and prints
// throughput and this process's peak RSS as JSON. Run by cat-validate.mjs in a fresh process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(import.meta.url);
const { commandRunner, invokeConnector } = require(join(root, 'packages/protocol/dist/index.js'));
const { ReadCollector } = require(join(root, 'plugins/cat/dist/run/read-collector.js'));
const { streamValidators } = require(join(root, 'plugins/cat/dist/run/catalog.js'));
const { schema } = await import('./cat-records.mjs');

const gigabytes = Number(process.argv[2] ?? 1);
const dir = mkdtempSync(join(tmpdir(), 'cat-stream-'));
const generator = join(dir, 'generate.mjs');
writeFileSync(
  generator,
  `import { makeRecord } from ${JSON.stringify(join(here, 'cat-records.mjs'))};
const limit = ${Math.round(gigabytes * 1e9)};
let bytes = 0, i = 0;
const status = (s) => JSON.stringify({ type: 'TRACE', trace: { type: 'STREAM_STATUS', emitted_at: Date.now(), stream_status: { stream_descriptor: { name: 'customers' }, status: s } } }) + '\\n';
process.stdout.write(status('STARTED'));
function pump() {
  let ok = true;
  while (ok && bytes < limit) {
    let chunk = '';
    for (let k = 0; k < 200; k++) chunk += JSON.stringify({ type: 'RECORD', record: { stream: 'customers', data: makeRecord(i++), emitted_at: 1700000000000 } }) + '\\n';
    bytes += chunk.length;
    ok = process.stdout.write(chunk);
  }
  if (bytes < limit) return process.stdout.once('drain', pump);
  process.stdout.write(JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'customers' }, stream_state: { id: i } }, sourceStats: { recordCount: i } } }) + '\\n');
  process.stdout.write(status('COMPLETE'));
}
pump();
`,
);
try {
  const catalog = { streams: [{ stream: { name: 'customers', json_schema: schema, supported_sync_modes: ['full_refresh'], source_defined_primary_key: [['id']] }, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] };
  const collector = new ReadCollector(catalog, { validators: streamValidators(catalog, true) });
  let bytes = 0;
  let peak = 0;
  const rssBefore = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const t0 = Date.now();
  const result = await invokeConnector(commandRunner({ command: [process.execPath, generator], cwd: dir }), {
    command: 'read',
    config: {},
    catalog,
    timeoutMs: 3_600_000,
    maxLineBytes: 20e6,
    onMessage: (m, line, size) => {
      bytes += size + 1;
      collector.onMessage(m, line);
    },
  });
  clearInterval(sampler);
  const secs = (Date.now() - t0) / 1000;
  const s = collector.streams.get('customers');
  console.log(
    JSON.stringify({
      gigabytes,
      bytesRead: bytes,
      records: collector.records,
      exitCode: result.exitCode,
      schemaErrors: collector.schemaErrors.count,
      statuses: s.statuses,
      seconds: Math.round(secs * 10) / 10,
      megabytesPerSecond: Math.round(bytes / 1e6 / secs),
      recordsPerSecond: Math.round(collector.records / secs),
      rssBeforeMB: Math.round(rssBefore / 1e6),
      peakRssMB: Math.round(Math.max(peak, process.resourceUsage().maxRSS * 1024) / 1e6),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
