import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fleet } from './types';
import { renderFleetHtml } from './html';
import { renderFleetMarkdown } from './markdown';

/** Write index.html, fleet.json and summary.md; each file is replaced whole (temp file + rename). */
export function writeFleet(outputDir: string, fleet: Fleet): string[] {
  mkdirSync(outputDir, { recursive: true });
  const files: [string, string][] = [
    ['fleet.json', JSON.stringify(fleet, null, 2) + '\n'],
    ['summary.md', renderFleetMarkdown(fleet)],
    ['index.html', renderFleetHtml(fleet)],
  ];
  return files.map(([name, text]) => {
    const file = join(outputDir, name);
    writeFileSync(file + '.tmp', text);
    renameSync(file + '.tmp', file);
    return file;
  });
}
