import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StageReport } from './types';

export function reportDir(workspaceRoot: string, project: string): string {
  return join(workspaceRoot, 'dist', 'conveyor', project);
}

/** Replace every registered secret (and its JSON-escaped form) with `**********`. */
export function maskSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  const all = [...secrets].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
  for (const s of all) {
    for (const form of new Set([s, JSON.stringify(s).slice(1, -1)])) out = out.split(form).join('**********');
  }
  return out;
}

export function writeReport(workspaceRoot: string, report: StageReport, secrets: Iterable<string>): string {
  const dir = reportDir(workspaceRoot, report.project);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${report.stage}.json`);
  // Through a rename: a run killed mid-write must not leave half a report for the fleet report to choke on.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, maskSecrets(JSON.stringify(report, null, 2), secrets) + '\n');
  renameSync(tmp, file);
  return file;
}
