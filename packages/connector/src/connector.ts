import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { detectLayout, type Layout } from './layout';
import { validateMetadata, type ConnectorMetadata } from './metadata';
import { readYamlFile, type YamlFile } from './yaml-file';
import type { Problem } from './problem';

/** Everything Conveyor knows about one connector folder. Files are read lazily through the loaders below. */
export interface Connector {
  /** Absolute path of the connector folder. */
  root: string;
  /** Folder name, e.g. `source-foo`; also the Nx project name. */
  name: string;
  kind: 'source' | 'destination' | 'unknown';
  layout: Layout;
  /** `source_<pkg>` folder, relative to root, when there is one. */
  packageDir?: string;
  metadataFile: string;
  metadata?: ConnectorMetadata;
  metadataYaml?: YamlFile;
  metadataErrors: Problem[];
  metadataWarnings: Problem[];
  /** Relative to root. */
  manifestPath?: string;
  /** Separate spec file (`spec.yaml` / `spec.json`), relative to root. */
  specPath?: string;
  /** `schemas/` folder relative to root, when it exists. */
  schemasDir?: string;
  /** `components.py` files relative to root. */
  componentsFiles: string[];
  /** Absolute path of `docs/integrations/<kind>s/<short>.md` when it exists. */
  docsPath?: string;
  /** Absolute path of the repository root the docs were looked up from. */
  repoRoot?: string;
}

export interface ReadConnectorOptions {
  /** Where `docs/integrations` lives; default: the nearest ancestor that has it. */
  docsRoot?: string;
}

export function readConnector(dir: string, options: ReadConnectorOptions = {}): Connector {
  const root = resolve(dir);
  const name = basename(root);
  const metadataFile = join(root, 'metadata.yaml');
  let metadataYaml: YamlFile | undefined;
  let metadata: ConnectorMetadata | undefined;
  let metadataErrors: Problem[] = [];
  let metadataWarnings: Problem[] = [];
  if (!existsSync(metadataFile)) {
    metadataErrors = [{ rule: 'metadata', severity: 'error', message: 'metadata.yaml not found: every connector folder needs one', file: metadataFile }];
  } else {
    try {
      metadataYaml = readYamlFile(metadataFile, metadataFile);
    } catch (e) {
      metadataErrors = [{ rule: 'metadata', severity: 'error', message: `cannot read metadata.yaml (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): expected a readable YAML file`, file: metadataFile }];
    }
    if (metadataYaml) {
      const result = validateMetadata(metadataYaml);
      metadata = result.value;
      metadataErrors = result.errors;
      metadataWarnings = result.warnings;
    }
  }
  const rawTags = (metadataYaml?.value as { data?: { tags?: unknown } } | undefined)?.data?.tags;
  const tags = Array.isArray(rawTags) ? rawTags.filter((t): t is string => typeof t === 'string') : [];
  const info = detectLayout(root, name, tags);
  const kind = metadata?.connectorType ?? (name.startsWith('source-') ? 'source' : name.startsWith('destination-') ? 'destination' : 'unknown');
  const pkg = info.packageDir;
  const specPath = firstExisting(root, pkg ? [`${pkg}/spec.yaml`, `${pkg}/spec.json`] : []);
  const schemasDir = firstExisting(root, pkg ? [`${pkg}/schemas`] : []);
  const componentsFiles = [
    ...(existsSync(join(root, 'components.py')) ? ['components.py'] : []),
    ...(pkg && existsSync(join(root, pkg, 'components.py')) ? [`${pkg}/components.py`] : []),
    ...(pkg && isDir(join(root, pkg, 'components')) ? listFiles(root, `${pkg}/components`).filter((f) => f.endsWith('.py')) : []),
  ];
  const docs = findDocs(root, name, kind, metadata?.documentationUrl, options.docsRoot);
  return {
    root,
    name,
    kind,
    layout: info.layout,
    packageDir: pkg,
    metadataFile,
    metadata,
    metadataYaml,
    metadataErrors,
    metadataWarnings,
    manifestPath: info.manifest,
    specPath,
    schemasDir,
    componentsFiles,
    docsPath: docs?.path,
    repoRoot: docs?.repoRoot,
  };
}

/** Docs page per Airbyte's convention: documentationUrl minus the docs host, else `<kind>s/<name without prefix>.md`. */
function findDocs(root: string, name: string, kind: string, url: string | undefined, docsRoot?: string) {
  const candidates: string[] = [];
  if (url) {
    // A link to a section (`#changelog`) or with a query still names the page.
    const m = /^https?:\/\/[^/]+\/(integrations\/.+?)\/?(?:[?#].*)?$/.exec(url);
    if (m) candidates.push(`docs/${m[1]}.md`);
  }
  const short = name.replace(/^(source|destination)-/, '');
  if (kind !== 'unknown') candidates.push(`docs/integrations/${kind}s/${short}.md`);
  const roots = docsRoot ? [resolve(docsRoot)] : ancestors(root);
  for (const r of roots) {
    if (!existsSync(join(r, 'docs', 'integrations'))) continue;
    for (const c of candidates) if (existsSync(join(r, c))) return { path: join(r, c), repoRoot: r };
    return { path: undefined, repoRoot: r };
  }
  return undefined;
}

export function expectedDocsPath(connector: Connector, repoRoot: string): string {
  const short = connector.name.replace(/^(source|destination)-/, '');
  return join(repoRoot, 'docs', 'integrations', `${connector.kind === 'destination' ? 'destination' : 'source'}s`, `${short}.md`);
}

function ancestors(dir: string): string[] {
  const out: string[] = [];
  let cur = dir;
  for (;;) {
    out.push(cur);
    const parent = dirname(cur);
    if (parent === cur) return out;
    cur = parent;
  }
}

function firstExisting(root: string, rels: string[]): string | undefined {
  return rels.find((r) => existsSync(join(root, r)));
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Every file under `rel` (recursively), as paths relative to `root`, sorted. */
export function listFiles(root: string, rel = ''): string[] {
  const out: string[] = [];
  const walk = (r: string) => {
    const abs = join(root, r);
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      const child = r ? `${r}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  if (isDir(join(root, rel))) walk(rel);
  return out.sort();
}

export function readText(connector: Connector, rel: string): string {
  return readFileSync(join(connector.root, rel), 'utf8');
}

export function relativeTo(connector: Connector, abs: string): string {
  return relative(connector.root, abs).split('\\').join('/');
}
