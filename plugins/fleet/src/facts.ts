import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** Which CDK a connector builds on, and the version (or range) it declares. */
export interface DeclaredCdk {
  family: 'python' | 'java';
  /** An exact version or a range in the connector's own notation (`^0.80`, `>=0.50,<1`, `6.1.0`). */
  declared?: string;
  /** Where the declaration was read (`pyproject.toml`, `metadata.yaml`, …), for messages. */
  from: string;
  /** Java connectors may build against the CDK in this repository instead of a release. */
  local?: boolean;
}

/** What a connector shares with the rest of the fleet, read from its own files only. */
export interface ConnectorFacts {
  /** `connectorBuildOptions.baseImage` without registry, tag and digest: `airbyte/python-connector-base`. */
  baseImage?: { repository: string; tag?: string };
  cdk?: DeclaredCdk;
  /** Folders under `airbyte-integrations/bases/` the build names (`:airbyte-integrations:bases:base-java`, path deps). */
  baseRefs: string[];
  /** The connector points at the in-repo Python CDK (`path = "../../../airbyte-cdk/python"`). */
  localPythonCdk: boolean;
}

/** `docker.io/airbyte/python-connector-base:1.2.2@sha256:…` → repository `airbyte/python-connector-base`, tag `1.2.2`. */
export function parseImage(ref: string): { repository: string; tag?: string } {
  const noDigest = ref.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  const [name, tag] = colon > slash ? [noDigest.slice(0, colon), noDigest.slice(colon + 1)] : [noDigest, undefined];
  const parts = name.split('/');
  // A first segment with a dot or port is a registry host (docker.io, ghcr.io, localhost:5000).
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0])) parts.shift();
  return { repository: parts.join('/'), tag };
}

/** The `airbyte-cdk` requirement of a pyproject.toml (Poetry table or PEP 621 list). */
export function pyprojectCdk(text: string): { declared?: string; localPath?: string } | undefined {
  const poetry = /^\s*airbyte-cdk\s*=\s*(.+)$/m.exec(text);
  if (poetry) {
    const value = poetry[1].trim();
    const str = /^["']([^"']*)["']/.exec(value);
    if (str) return { declared: str[1] };
    const version = /version\s*=\s*["']([^"']+)["']/.exec(value);
    const path = /path\s*=\s*["']([^"']+)["']/.exec(value);
    return { declared: version?.[1], localPath: path?.[1] };
  }
  const pep = /["']airbyte-cdk(?:\[[^\]]*\])?\s*([<>=!~^][^"';]*)?["']/.exec(text);
  return pep ? { declared: pep[1]?.trim() || undefined } : undefined;
}

/** The `airbyte-cdk` requirement of a setup.py (`"airbyte-cdk~=0.2"`, `"airbyte-cdk>=0.51.0"`). */
export function setupPyCdk(text: string): string | undefined | null {
  const m = /["']airbyte-cdk(?:\[[^\]]*\])?\s*([<>=!~][^"']*)?["']/.exec(text);
  return m ? (m[1]?.trim() ?? undefined) : null;
}

/** Java connector build facts: the CDK version required, local CDK use, and bases it builds on. */
export function gradleFacts(text: string): { cdkVersion?: string; local: boolean; bases: string[] } {
  const cdk = /cdkVersionRequired\s*=?\s*['"]([^'"]+)['"]/.exec(text);
  const local = /useLocalCdk\s*=?\s*true/.test(text);
  const bases = [...text.matchAll(/project\(\s*['"]:airbyte-integrations:bases:([\w.-]+)['"]\s*\)/g)].map((m) => m[1]);
  return { cdkVersion: cdk?.[1], local, bases };
}

/** Base folders referenced by relative paths (`../../bases/connector-acceptance-test`). */
export function pathBaseRefs(text: string): string[] {
  return [...text.matchAll(/(?:\.\.\/)+(?:airbyte-integrations\/)?bases\/([\w.-]+)/g)].map((m) => m[1]);
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Read a connector folder's shared dependencies. Unreadable files only mean fewer facts, never an error. */
export function readConnectorFacts(dir: string): ConnectorFacts {
  const facts: ConnectorFacts = { baseRefs: [], localPythonCdk: false };
  let metadata: Record<string, unknown> | undefined;
  try {
    metadata = (parse(read(join(dir, 'metadata.yaml')) ?? '') as { data?: Record<string, unknown> } | null)?.data;
  } catch {
    metadata = undefined;
  }
  const baseImage = (metadata?.connectorBuildOptions as { baseImage?: unknown } | undefined)?.baseImage;
  if (typeof baseImage === 'string') facts.baseImage = parseImage(baseImage);
  const tags = Array.isArray(metadata?.tags) ? (metadata!.tags as unknown[]).map(String) : [];

  const pyproject = read(join(dir, 'pyproject.toml'));
  const setupPy = read(join(dir, 'setup.py'));
  const gradle = read(join(dir, 'build.gradle')) ?? read(join(dir, 'build.gradle.kts'));
  for (const text of [pyproject, setupPy, gradle]) if (text) facts.baseRefs.push(...pathBaseRefs(text));

  const py = pyproject ? pyprojectCdk(pyproject) : undefined;
  const setup = setupPy ? setupPyCdk(setupPy) : null;
  if (py) {
    facts.cdk = { family: 'python', declared: py.declared, from: 'pyproject.toml' };
    facts.localPythonCdk = Boolean(py.localPath && /airbyte-cdk\/python\/?$/.test(py.localPath));
  } else if (setup !== null) facts.cdk = { family: 'python', declared: setup, from: 'setup.py' };
  if (gradle) {
    const g = gradleFacts(gradle);
    facts.baseRefs.push(...g.bases);
    if (g.cdkVersion || g.local) facts.cdk = { family: 'java', declared: g.cdkVersion, local: g.local, from: 'build.gradle' };
  }
  // A manifest-only connector runs on the source-declarative-manifest image of exactly its CDK version; a
  // declarative manifest otherwise names the CDK it was written for in its `version`.
  if (!facts.cdk || !facts.cdk.declared) {
    const manifestVersion = declaredManifestVersion(dir);
    if (facts.baseImage?.repository.endsWith('/source-declarative-manifest') && facts.baseImage.tag)
      facts.cdk = { family: 'python', declared: facts.baseImage.tag, from: 'metadata.yaml' };
    // Any later CDK of the same major runs a manifest written for this version.
    else if (manifestVersion) facts.cdk = { family: 'python', declared: `>=${manifestVersion},<${Number(manifestVersion.split('.')[0]) + 1}`, from: 'manifest.yaml' };
  }
  if (!facts.cdk && tags.some((t) => t === 'cdk:python' || t === 'cdk:low-code' || t === 'language:python' || t === 'language:manifest-only'))
    facts.cdk = { family: 'python', from: 'metadata.yaml' };
  if (!facts.cdk && tags.includes('language:java')) facts.cdk = { family: 'java', from: 'metadata.yaml' };
  facts.baseRefs = [...new Set(facts.baseRefs)].sort();
  return facts;
}

function declaredManifestVersion(dir: string): string | undefined {
  const candidates = [join(dir, 'manifest.yaml')];
  try {
    for (const name of readdirSync(dir)) if (/^source_\w+$/.test(name)) candidates.push(join(dir, name, 'manifest.yaml'));
  } catch {
    return undefined;
  }
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    // Only the top-level `version:` line: parsing a whole manifest for one scalar is wasted work.
    const m = /^version:\s*["']?([\w.+-]+)["']?\s*$/m.exec(read(file) ?? '');
    if (m) return m[1];
  }
  return undefined;
}
