/**
 * After flattening config references, the connector's own test configs (`integration_tests/*config*.json`)
 * still have the nested shape and would fail acceptance tests; move their values to the flat keys too.
 * `secrets/` is never read or written: the user is told to update it the same way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listFiles, type Connector } from '@conveyor/connector';

type Obj = Record<string, unknown>;

export interface ConfigFileEdit {
  path: string;
  content: string;
}

export function flattenConfigFiles(connector: Connector, renamed: { from: string[]; to: string }[]): ConfigFileEdit[] {
  if (!renamed.length) return [];
  const out: ConfigFileEdit[] = [];
  for (const rel of listFiles(connector.root, 'integration_tests').filter((f) => /config[^/]*\.json$/.test(f))) {
    let text: string;
    let value: unknown;
    try {
      text = readFileSync(join(connector.root, rel), 'utf8');
      value = JSON.parse(text);
    } catch {
      continue; // not JSON we can read: left as it is
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
    const config = value as Obj;
    let changed = false;
    for (const { from, to } of renamed) {
      const leaf = take(config, from);
      if (leaf.found) {
        config[to] = leaf.value;
        changed = true;
      }
    }
    if (changed) out.push({ path: rel, content: JSON.stringify(config, null, indentOf(text)) + (text.endsWith('\n') ? '\n' : '') });
  }
  return out;
}

/** Remove the value at `path` (and objects it leaves empty); say whether it was there. */
function take(root: Obj, path: string[]): { found: boolean; value?: unknown } {
  const chain: Obj[] = [root];
  for (const key of path.slice(0, -1)) {
    const next = chain[chain.length - 1][key];
    if (!next || typeof next !== 'object' || Array.isArray(next)) return { found: false };
    chain.push(next as Obj);
  }
  const last = path[path.length - 1];
  const holder = chain[chain.length - 1];
  if (!(last in holder)) return { found: false };
  const value = holder[last];
  delete holder[last];
  for (let i = chain.length - 1; i > 0; i--) if (Object.keys(chain[i]).length === 0) delete chain[i - 1][path[i - 1]];
  return { found: true, value };
}

/** Keep a file's indentation (2 by default; 0 for one-line files). */
function indentOf(text: string): number {
  const m = /\n( +)"/.exec(text);
  return m ? m[1].length : text.trim().includes('\n') ? 2 : 0;
}
