import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import semver from 'semver';
import type { ConnectorFacts } from './facts';

/**
 * Something many connectors build on, living in the fleet's repository: a folder under
 * `airbyte-integrations/bases/` (a base image's Dockerfile and pins, base-java, the acceptance-test image …)
 * or an in-repo CDK. A change inside it affects exactly the connectors that use it.
 */
export interface SharedComponent {
  project: string;
  root: string;
  kind: 'base' | 'python-cdk' | 'java-cdk';
  /** For a base: the names it answers to (folder name, docker repositories it builds). */
  keys: string[];
  /** For a CDK: its version, when the folder says. */
  version?: string;
}

export const BASES_DIR = 'airbyte-integrations/bases';
export const PYTHON_CDK_ROOT = 'airbyte-cdk/python';
export const JAVA_CDK_ROOT = 'airbyte-cdk/java/airbyte-cdk';
/** createNodes glob: the top-level files of every candidate folder (not their whole trees). */
export const SHARED_GLOB = `{${BASES_DIR}/*/*,${PYTHON_CDK_ROOT}/*,${JAVA_CDK_ROOT}/*}`;

/** The kind of shared component a project root is, or undefined when it is none. */
export function sharedKind(root: string): SharedComponent['kind'] | undefined {
  if (root === PYTHON_CDK_ROOT) return 'python-cdk';
  if (root === JAVA_CDK_ROOT) return 'java-cdk';
  if (root.startsWith(`${BASES_DIR}/`) && !root.slice(BASES_DIR.length + 1).includes('/')) return 'base';
  return undefined;
}

/** The project name given to a shared folder nobody else made a project of. */
export function sharedProjectName(root: string): string {
  if (root === PYTHON_CDK_ROOT) return 'airbyte-cdk-python';
  if (root === JAVA_CDK_ROOT) return 'airbyte-cdk-java';
  return root.split('/').pop()!;
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Read what a shared folder provides: its names, or its CDK version. */
export function readSharedComponent(workspaceRoot: string, root: string, project: string): SharedComponent | undefined {
  const kind = sharedKind(root);
  if (!kind) return undefined;
  const dir = join(workspaceRoot, root);
  if (kind === 'python-cdk') {
    const m = /^version\s*=\s*["']([^"']+)["']/m.exec(read(join(dir, 'pyproject.toml')) ?? '');
    return { project, root, kind, keys: [], version: m?.[1] };
  }
  if (kind === 'java-cdk') {
    const m = /^version\s*=\s*(\S+)/m.exec(read(join(dir, 'core/src/main/resources/version.properties')) ?? '');
    return { project, root, kind, keys: [], version: m?.[1] };
  }
  const name = root.split('/').pop()!;
  const keys = new Set([name, `airbyte/${name}`]);
  try {
    const repo = (parse(read(join(dir, 'metadata.yaml')) ?? '') as { data?: { dockerRepository?: unknown } } | null)?.data?.dockerRepository;
    if (typeof repo === 'string') keys.add(repo);
  } catch {
    // a base without readable metadata still answers to its folder name
  }
  return { project, root, kind, keys: [...keys] };
}

/**
 * Python requirement notations (Poetry `^0.80`, PEP 440 `~=0.2`, `>=0.50,<1`, `==1.2.3`) as a semver range.
 * Undefined when the text is not understood: callers then assume the connector may use any version.
 */
export function toSemverRange(declared: string): string | undefined {
  const parts = declared.split(',').map((p) => p.trim()).filter(Boolean);
  const out: string[] = [];
  for (const p of parts) {
    const m = /^(\^|~=|~|==|>=|<=|>|<|!=)?\s*v?([0-9][0-9A-Za-z.*+-]*)$/.exec(p);
    if (!m) return undefined;
    const [, op = '', v] = m;
    if (op === '!=') continue; // an exclusion never decides whether a release is used
    if (op === '~=') {
      const nums = v.split('.');
      // PEP 440: ~=X.Y means >=X.Y,<X+1; ~=X.Y.Z means >=X.Y.Z,<X.Y+1.
      const c = semver.coerce(v)?.version;
      if (!c) return undefined;
      out.push(nums.length <= 2 ? `>=${c} <${Number(nums[0]) + 1}.0.0` : `>=${c} <${nums[0]}.${Number(nums[1]) + 1}.0`);
    } else if (op === '==' || op === '') out.push(v.includes('*') ? v : (semver.coerce(v)?.version ?? v));
    else out.push(`${op}${op === '^' || op === '~' ? v : (semver.coerce(v)?.version ?? v)}`);
  }
  const range = out.join(' ');
  return semver.validRange(range) ? range : undefined;
}

/** Does this connector build on this shared component? Unknown versions count as "yes": a missed run is worse. */
export function uses(facts: ConnectorFacts, shared: SharedComponent): boolean {
  if (shared.kind === 'base') {
    if (facts.baseRefs.includes(shared.root.split('/').pop()!)) return true;
    const repo = facts.baseImage?.repository;
    return Boolean(repo && (shared.keys.includes(repo) || shared.keys.includes(repo.split('/').pop()!)));
  }
  const family = shared.kind === 'python-cdk' ? 'python' : 'java';
  if (facts.cdk?.family !== family) return false;
  if (family === 'python' && facts.localPythonCdk) return true;
  if (family === 'java' && facts.cdk.local) return true;
  if (!shared.version || !facts.cdk.declared) return true;
  const range = toSemverRange(facts.cdk.declared);
  const version = semver.coerce(shared.version)?.version;
  if (!range || !version) return true;
  return semver.satisfies(version, range, { includePrerelease: true });
}
