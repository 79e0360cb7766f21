import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { listFiles } from '@conveyor/connector';

const inputsCache = new Map<string, { inputs: string[]; fingerprint?: string }>();

/**
 * The plugin's own code as Nx inputs, so cached results are invalidated by a change to it: source folders
 * when the plugin (and the Conveyor packages it uses) live in this workspace, else the installed package version.
 */
export function pluginInputs(pluginDir: string, workspaceRoot: string): { inputs: string[]; fingerprint?: string } {
  const key = `${pluginDir}\0${workspaceRoot}`;
  const hit = inputsCache.get(key);
  if (hit) return hit;
  const dirs = new Map<string, string>();
  const published = new Map<string, string[] | undefined>();
  const visit = (dir: string) => {
    let pkg: { name: string; dependencies?: Record<string, string>; files?: string[] };
    try {
      pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    } catch {
      return;
    }
    if (dirs.has(pkg.name)) return;
    dirs.set(pkg.name, dir);
    published.set(pkg.name, pkg.files);
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      if (!dep.startsWith('@conveyor/')) continue;
      try {
        visit(dirname(require.resolve(`${dep}/package.json`, { paths: [dir] })));
      } catch {
        // not installed: nothing to hash
      }
    }
  };
  visit(pluginDir);
  const files: string[] = [];
  const fingerprint = createHash('sha256');
  for (const [name, dir] of dirs) {
    const real = realpath(dir);
    const rel = relative(workspaceRoot, real).split('\\').join('/');
    if (!rel.startsWith('..') && !isAbsolute(rel) && !rel.includes('node_modules')) {
      files.push(`{workspaceRoot}/${rel}/src/**/*`, `{workspaceRoot}/${rel}/package.json`);
    } else {
      // Installed outside the workspace (npm tarball, registry): Nx cannot hash those files, and an
      // `externalDependencies` input fails when the package is not in the lockfile, so hash them here.
      fingerprint.update(name);
      for (const f of publishedFiles(real, published.get(name))) fingerprint.update(f).update(readFileSync(join(real, f)));
    }
  }
  const result = { inputs: files, fingerprint: files.length === dirs.size * 2 ? undefined : fingerprint.digest('hex').slice(0, 16) };
  inputsCache.set(key, result);
  return result;
}

/**
 * The files npm would publish (package.json `files`, plus package.json itself): what a user's install holds.
 * Tests, sources beside dist/ and build info in a linked checkout must not change the fingerprint.
 */
export function publishedFiles(dir: string, files: string[] | undefined): string[] {
  const all = listFiles(dir).filter((f) => !f.startsWith('node_modules/') && !f.endsWith('.tsbuildinfo'));
  if (!files?.length) return all;
  const include = files.filter((f) => !f.startsWith('!')).map((f) => f.replace(/^\.\//, '').replace(/\/$/, ''));
  return all.filter((f) => f === 'package.json' || include.some((i) => f === i || f.startsWith(i + '/')));
}

function realpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}


