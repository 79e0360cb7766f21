import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { parse } from 'yaml';
import { detectLayout } from '@conveyor/connector';
import { matchesAny } from './glob';
import { DEFAULT_CONNECTOR_GLOBS, type InferredConnector } from './types';

interface MetadataFacts {
  kind: InferredConnector['kind'];
  tags: string[];
  /** What is wrong, without the file name: the same text can sit in many connectors' metadata.yaml. */
  metadataError?: string;
}

/** Bump when readFacts changes, so a cache written by an older Conveyor is not trusted. */
const CACHE_FORMAT = 2;

/**
 * Facts inference needs from a metadata.yaml, cached by the file's content hash (in memory and in
 * Nx's workspace data folder), so re-computing the graph for hundreds of connectors parses nothing new.
 * Only the entries used by the latest run are saved, so the file does not grow with every edit.
 */
export class InferenceCache {
  private entries: Record<string, MetadataFacts> = {};
  private readonly used = new Map<string, MetadataFacts>();
  private dirty = false;
  constructor(private readonly file?: string) {
    if (file && existsSync(file)) {
      try {
        const saved = JSON.parse(readFileSync(file, 'utf8')) as { format?: number; entries?: Record<string, MetadataFacts> };
        if (saved.format === CACHE_FORMAT && saved.entries && typeof saved.entries === 'object') this.entries = saved.entries;
      } catch {
        this.entries = {};
      }
    }
  }
  /** Facts of one metadata.yaml; `file` only names it in the error message. */
  facts(text: string, file: string): MetadataFacts {
    const hash = createHash('sha1').update(text).digest('hex');
    let facts = this.entries[hash];
    if (!facts) {
      facts = readFacts(text);
      this.entries[hash] = facts;
      this.dirty = true;
    }
    if (!this.used.has(hash)) {
      this.used.set(hash, facts);
      if (this.used.size !== Object.keys(this.entries).length) this.dirty = true;
    }
    return facts.metadataError ? { ...facts, metadataError: `${file}${facts.metadataError}` } : facts;
  }
  save(): void {
    if (!this.file || !this.dirty) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      // Atomic: several plugin workers may save their caches while another process reads one.
      writeFileSync(tmp, JSON.stringify({ format: CACHE_FORMAT, entries: Object.fromEntries(this.used) }));
      renameSync(tmp, this.file);
      this.dirty = false;
    } catch {
      // A read-only workspace data folder only costs speed.
    }
  }
}

/** `metadataError` starts with `:line:column: ` or `: ` so the file name can be put in front. */
function readFacts(text: string): MetadataFacts {
  let doc: unknown;
  try {
    doc = parse(text, { prettyErrors: true });
  } catch (e) {
    const pos = (e as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    const where = pos ? `:${pos.line}:${pos.col}` : '';
    return { kind: 'unknown', tags: [], metadataError: `${where}: not valid YAML: ${(e as Error).message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}` };
  }
  const data = (doc as { data?: unknown } | null)?.data;
  if (!data || typeof data !== 'object' || Array.isArray(data))
    return { kind: 'unknown', tags: [], metadataError: `: expected a top-level \`data:\` mapping (name, dockerRepository, dockerImageTag …)` };
  const d = data as Record<string, unknown>;
  const problems: string[] = [];
  let tags: string[] = [];
  if (d.tags !== undefined) {
    if (Array.isArray(d.tags) && d.tags.every((t) => typeof t === 'string')) tags = d.tags as string[];
    else problems.push(`\`data.tags\` must be a list of strings`);
  }
  let kind: MetadataFacts['kind'] = 'unknown';
  if (d.connectorType === 'source' || d.connectorType === 'destination') kind = d.connectorType;
  else problems.push(`\`data.connectorType\` must be source or destination, got ${JSON.stringify(d.connectorType ?? null)}`);
  const out: string[] = tags.filter((t) => /^(language|cdk):/.test(t));
  if (typeof d.supportLevel === 'string') out.push(`support:${d.supportLevel}`);
  if (kind !== 'unknown') out.push(`type:${kind}`);
  return { kind, tags: out, ...(problems.length ? { metadataError: `: ${problems.join('; ')}` } : {}) };
}

/** Connector folders among the files Nx matched, read into the facts inference needs. */
export function inferConnectors(files: readonly string[], workspaceRoot: string, globs: readonly string[] | undefined, cache: InferenceCache): InferredConnector[] {
  const patterns = globs?.length ? globs : DEFAULT_CONNECTOR_GLOBS;
  const out: InferredConnector[] = [];
  for (const file of files) {
    if (!matchesAny(file, patterns)) continue;
    const root = dirname(file);
    // A connector that is its own repository (`connectorGlobs: ["metadata.yaml"]`) is named after the workspace folder.
    const name = root === '.' ? basename(workspaceRoot) : root.split('/').pop()!;
    let facts: MetadataFacts;
    try {
      facts = cache.facts(readFileSync(join(workspaceRoot, file), 'utf8'), file);
    } catch (e) {
      // Unreadable (a folder, no permission): the project stays, and its stages say why.
      facts = { kind: 'unknown', tags: [], metadataError: `${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
    }
    const kind = facts.kind !== 'unknown' ? facts.kind : name.startsWith('destination-') ? 'destination' : name.startsWith('source-') ? 'source' : 'unknown';
    const { layout } = detectLayout(join(workspaceRoot, root), name, facts.tags);
    out.push({ name, root, layout, kind, tags: [...facts.tags, `layout:${layout}`], metadataError: facts.metadataError });
  }
  return renameDuplicates(out, patterns);
}

/**
 * Two connector folders with the same name (a copy under `connectors/` of one in `airbyte-integrations/`) would
 * make Nx refuse the whole graph. The one matched by the earliest glob (then the first path) keeps the name;
 * the others are named after their path (`connectors-source-foo`) and say so. Every plugin sees the same files,
 * so they all agree on the names.
 */
function renameDuplicates(connectors: InferredConnector[], patterns: readonly string[]): InferredConnector[] {
  const rank = (c: InferredConnector) => patterns.findIndex((g) => matchesAny(`${c.root}/metadata.yaml`, [g]));
  const byName = new Map<string, InferredConnector[]>();
  for (const c of connectors) byName.set(c.name, [...(byName.get(c.name) ?? []), c]);
  for (const [name, group] of byName) {
    if (group.length < 2) continue;
    const [keeper, ...others] = [...group].sort((a, b) => rank(a) - rank(b) || a.root.localeCompare(b.root));
    for (const c of others) {
      c.name = c.root.split('/').join('-');
      c.note = `named ${c.name} because ${keeper.root} is also called ${name}`;
    }
  }
  return connectors;
}

export function relativeToWorkspace(workspaceRoot: string, abs: string): string {
  return relative(workspaceRoot, abs).split('\\').join('/');
}
