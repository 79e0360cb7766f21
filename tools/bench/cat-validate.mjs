#!/usr/bin/env node
// CAT record validation benchmark (run `npm run build` first):
//  1. ajv validators as cat compiles them, on a realistic 20-field stream schema: records/s, against
//     Python's jsonschema (Draft7Validator + FormatChecker, the library Airbyte's CAT uses) on the same records.
//  2. a 1 GB `read` streamed through the real worker path (process runner → line splitter → parser →
//     per-stream validation and checks) in a fresh process: throughput and peak RSS.
// Writes tools/bench/results/cat-validate.json. The machine is shared: numbers may be pessimistic.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(import.meta.url);
const cat = require(join(root, 'plugins/cat/dist/run/schemas.js'));
const { schema, makeRecord } = await import('./cat-records.mjs');

function benchAjv(records) {
  const validate = cat.compileRecordValidator(cat.createAjv(), schema, true);
  let best = 0;
  for (let run = 0; run < 5; run++) {
    const t0 = process.hrtime.bigint();
    let bad = 0;
    for (const r of records) if (validate(r)) bad++;
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    if (bad) throw new Error(`${bad} records unexpectedly invalid`);
    best = Math.max(best, records.length / secs);
  }
  // The path a read really takes: parse the stdout line, then validate.
  const lines = records.map((r) => JSON.stringify({ type: 'RECORD', record: { stream: 's', data: r, emitted_at: 1 } }));
  let parsed = 0;
  for (let run = 0; run < 3; run++) {
    const t0 = process.hrtime.bigint();
    for (const l of lines) validate(JSON.parse(l).record.data);
    parsed = Math.max(parsed, lines.length / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  return { recordsPerSecond: Math.round(best), parseAndValidatePerSecond: Math.round(parsed) };
}

function benchPython(records, dir) {
  const file = join(dir, 'records.jsonl');
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileSync(join(dir, 'schema.json'), JSON.stringify(schema));
  const py = `
import json, sys, time, importlib.metadata as md
from jsonschema import Draft7Validator, FormatChecker
schema = json.load(open(sys.argv[1]))
records = [json.loads(l) for l in open(sys.argv[2])]
v = Draft7Validator(schema, format_checker=FormatChecker())
best = 0
for _ in range(3):
    t0 = time.perf_counter()
    bad = sum(1 for r in records if not v.is_valid(r))
    best = max(best, len(records) / (time.perf_counter() - t0))
print(json.dumps({"recordsPerSecond": round(best), "invalid": bad, "jsonschema": md.version("jsonschema"), "python": sys.version.split()[0]}))
`;
  const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import jsonschema']).status === 0);
  if (!python) return { error: 'python3 with jsonschema not found (apt-get install -y python3-jsonschema)' };
  return { interpreter: python, ...JSON.parse(execFileSync(python, ['-c', py, join(dir, 'schema.json'), file], { encoding: 'utf8' })) };
}

function benchStream(gigabytes) {
  const out = spawnSync(process.execPath, [join(here, 'cat-stream-1gb.mjs'), String(gigabytes)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (out.status !== 0) throw new Error(`stream benchmark failed: ${out.stderr}`);
  return JSON.parse(out.stdout);
}

const dir = mkdtempSync(join(tmpdir(), 'cat-bench-'));
try {
  const n = Number(process.env.BENCH_RECORDS ?? 200_000);
  const records = Array.from({ length: n }, (_, i) => makeRecord(i));
  const ajv = benchAjv(records);
  const python = benchPython(records.slice(0, Math.min(n, 50_000)), dir);
  const stream = benchStream(Number(process.env.BENCH_GB ?? 1));
  const result = {
    date: new Date().toISOString(),
    machine: 'shared 2-core CI-class VM (other engineers were running builds and tests: numbers may be pessimistic)',
    node: process.version,
    schemaFields: Object.keys(schema.properties).length,
    records: n,
    ajv,
    python,
    ratio: python.recordsPerSecond ? Math.round((ajv.recordsPerSecond / python.recordsPerSecond) * 10) / 10 : null,
    target: { recordsPerSecond: 200_000, met: ajv.recordsPerSecond >= 200_000 },
    stream,
  };
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'cat-validate.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
