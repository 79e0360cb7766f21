import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { expectedDocsPath, listFiles, type Connector } from '@conveyor/connector';
import { defaultBranch, isRepo, listFilesAt, mergeBase, repoRoot, resolveRef, showFile } from '@conveyor/git';
import { compareSnapshots, isSnapshotInput, readDockerImageTag, snapshotConnector, type Comparison, type ConnectorFiles, type ReleaseInput, type ReleaseRequest } from '@conveyor/release-core';

export interface Gathered {
  /** Root every release path is relative to: the git repository, else the docs root. */
  root: string;
  git: boolean;
  baseRef?: string;
  input: ReleaseInput;
}

const rel = (root: string, abs: string) => relative(root, abs).split('\\').join('/');

function readIf(abs: string): string | undefined {
  return existsSync(abs) ? readFileSync(abs, 'utf8') : undefined;
}

/** The connector folder as it is on disk. */
function workingFiles(connector: Connector): ConnectorFiles {
  return {
    read: (p) => readIf(join(connector.root, p)),
    list: (dir) => listFiles(connector.root, dir),
  };
}

/** The connector folder at `ref`, reading only the files a snapshot uses. */
async function filesAt(cwd: string, ref: string, dirRel: string, name: string): Promise<ConnectorFiles> {
  const prefix = dirRel ? `${dirRel}/` : '';
  const paths = (await listFilesAt(cwd, ref, dirRel || '.')).map((p) => p.slice(prefix.length)).filter((p) => isSnapshotInput(p, name));
  const contents = new Map<string, string>();
  // The git wrapper caps concurrent processes, so this queues rather than forks one git per file at once.
  const texts = await Promise.all(paths.map((p) => showFile(cwd, ref, prefix + p)));
  paths.forEach((p, i) => texts[i] !== undefined && contents.set(p, texts[i]!));
  return { read: (p) => contents.get(p), list: (dir) => [...contents.keys()].filter((p) => p.startsWith(`${dir}/`)).sort() };
}

/** Everything the pure planner needs: current files, the base ref's version and the spec/stream comparison. */
export async function gather(connector: Connector, request: ReleaseRequest, baseOption?: string): Promise<Gathered> {
  const git = await isRepo(connector.root);
  const root = git ? await repoRoot(connector.root) : connector.repoRoot ?? dirname(connector.root);
  const dirRel = rel(root, connector.root);
  const short = connector.name.replace(/^(source|destination)-/, '');
  const docsRoot = connector.repoRoot ?? root;
  const docsAbs = connector.docsPath ?? expectedDocsPath(connector, docsRoot);
  const file = (abs: string) => ({ path: rel(root, abs), text: readIf(abs) });
  const head = snapshotConnector(workingFiles(connector), connector.name);

  let baseRef: string | undefined;
  let baseVersion: string | undefined;
  let latest: ReleaseInput['latest'];
  let comparison: Comparison = { changes: [], notCompared: [] };
  if (!git) comparison.notCompared.push('not a git repository: no base to compare against; the version is checked against 0.0.0');
  else {
    const wanted = baseOption ?? (await defaultBranch(root));
    if (!wanted) throw new Error('no --base given and no default branch (main/master/origin HEAD) to take the merge-base with');
    const resolved = await resolveRef(root, wanted);
    if (!resolved) throw new Error(`base ref "${wanted}" does not resolve (a shallow clone may need "git fetch --unshallow" or --base <ref>)`);
    const merged = baseOption ? resolved : await mergeBase(root, wanted);
    if (!merged) comparison.notCompared.push(`no merge-base with ${wanted} (a shallow clone?): compared with its tip instead`);
    baseRef = merged ?? resolved;
    if (!baseOption && merged && merged !== resolved) {
      const tip = readDockerImageTag((await showFile(root, resolved, `${dirRel}/metadata.yaml`)) ?? '');
      if (tip) latest = { ref: wanted, version: tip };
    }
    const baseMetadata = await showFile(root, baseRef, `${dirRel}/metadata.yaml`);
    if (baseMetadata === undefined) comparison.notCompared.push(`the connector does not exist at the base ${baseRef.slice(0, 12)}: new connector, nothing to compare`);
    else {
      baseVersion = readDockerImageTag(baseMetadata);
      const found = compareSnapshots(snapshotConnector(await filesAt(root, baseRef, dirRel, connector.name), connector.name), head);
      comparison = { changes: found.changes, notCompared: [...comparison.notCompared, ...found.notCompared] };
    }
  }
  const metadataText = readFileSync(connector.metadataFile, 'utf8');
  return {
    root,
    git,
    baseRef,
    input: {
      title: connector.metadata?.name ?? short,
      kind: connector.kind,
      metadata: { path: rel(root, connector.metadataFile), text: metadataText },
      dockerfile: file(join(connector.root, 'Dockerfile')),
      pyproject: file(join(connector.root, 'pyproject.toml')),
      docs: file(docsAbs),
      // Airbyte's default migrationDocumentationUrl is the docs URL plus `-migrations`.
      migrationGuide: file(docsAbs.replace(/\.md$/, '-migrations.md')),
      baseVersion,
      latest,
      comparison,
      request,
    },
  };
}
