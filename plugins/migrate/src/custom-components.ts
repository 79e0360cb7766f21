/**
 * Custom (Python) components of a manifest: where each is written, which module holds it, and how it
 * moves into a manifest-only connector (one root `components.py`, loaded by the declarative image as
 * `source_declarative_manifest.components`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { locate, type Connector, type Problem, type YamlFile } from '@conveyor/connector';
import { CUSTOM_COMPONENTS_MAPPING, readPythonClasses, suggestReplacement, type PythonClass } from '@conveyor/manifest';

export interface CustomComponent {
  className: string;
  /** Custom* type, written or implied by where it sits. */
  type: string;
  path: (string | number)[];
  line?: number;
  column?: number;
}

type Obj = Record<string, unknown>;

/** Every `class_name` written in the manifest, with the component type it stands for. */
export function findCustomComponents(manifest: YamlFile): CustomComponent[] {
  const out: CustomComponent[] = [];
  const walk = (node: unknown, path: (string | number)[], parentType: string, field: string) => {
    if (Array.isArray(node)) return node.forEach((v, i) => walk(v, [...path, i], parentType, field));
    if (!node || typeof node !== 'object') return;
    const obj = node as Obj;
    const type = typeof obj.type === 'string' ? obj.type : undefined;
    if (typeof obj.class_name === 'string') {
      const implied = type ?? CUSTOM_COMPONENTS_MAPPING[`${parentType}.${field}`] ?? 'custom component';
      out.push({ className: obj.class_name, type: implied, path, ...locate(manifest, [...path, 'class_name']) });
    }
    for (const [k, v] of Object.entries(obj)) walk(v, [...path, k], type ?? parentType, k);
  };
  walk(manifest.value, [], 'DeclarativeSource', '');
  return out;
}

/**
 * Findings refusing the package layout's migration: one per custom class, saying which CDK component
 * could replace it (import-check's suggestReplacement, reading the class's base classes and code where the
 * module is there to read).
 */
export function refuseCustomComponents(found: CustomComponent[], manifestFile: string, connector: Connector): Problem[] {
  const modules = new Map<string, Map<string, PythonClass> | undefined>();
  const classesOf = (className: string) => {
    const file = join(connector.root, `${className.split('.').slice(0, -1).join('/')}.py`);
    if (!modules.has(file)) modules.set(file, existsSync(file) ? readPythonClasses(readFileSync(file, 'utf8')) : undefined);
    return modules.get(file);
  };
  return found.map((c) => {
    const s = suggestReplacement(c.type, c.className, classesOf(c.className));
    const what = s.replaceWith ? `replace it with ${s.replaceWith.join(' or ')} (${s.confidence}: ${s.reason})` : `no CDK component is known to replace it: ${s.reason}`;
    return {
      rule: 'custom-component',
      severity: 'error' as const,
      message: `${c.type} ${c.className}: the seed's layout has no Python components; ${what}`,
      file: manifestFile,
      line: c.line,
      column: c.column,
      fix: 'replace it with a CDK component, or rerun with --custom-components=keep to keep the Python',
    };
  });
}

export interface ComponentsMove {
  /** Module file (relative to the connector root) that becomes the root components.py. */
  from?: string;
  /** Old class_name → new class_name. */
  rename: Map<string, string>;
  /** Module files the move makes obsolete (kept out of the deletion list's error findings). */
  modules: string[];
  problems: Problem[];
}

export const DECLARATIVE_MODULE = 'source_declarative_manifest.components';

/**
 * Plan moving the custom components into a root components.py, as Airbyte does for manifest-only
 * connectors today: `source_<pkg>.components.X` → `source_declarative_manifest.components.X`. Only one module
 * can move (the image loads one components.py), and it must not import from the package it leaves.
 */
export function planComponentsMove(connector: Connector, found: CustomComponent[], manifestFile: string): ComponentsMove {
  const rename = new Map<string, string>();
  const problems: Problem[] = [];
  const pkg = connector.packageDir;
  const modules = new Map<string, CustomComponent[]>();
  for (const c of found) {
    if (c.className.startsWith(`${DECLARATIVE_MODULE}.`)) continue;
    if (!pkg || !c.className.startsWith(`${pkg}.`)) {
      problems.push({ rule: 'custom-component', severity: 'error', message: `class_name ${c.className} is outside ${pkg ?? 'the connector package'}: cannot tell which file holds it`, file: manifestFile, line: c.line, column: c.column });
      continue;
    }
    const parts = c.className.split('.');
    if (parts.length < 3) {
      // `source_x.Cls` is re-exported through source_x/__init__.py: the defining module is unknown.
      problems.push({ rule: 'custom-component', severity: 'error', message: `class_name ${c.className} names the package, not the module that defines the class`, file: manifestFile, line: c.line, column: c.column, fix: `write it as ${pkg}.<module>.${parts[parts.length - 1]}` });
      continue;
    }
    const file = `${parts.slice(0, -1).join('/')}.py`;
    const list = modules.get(file) ?? [];
    list.push(c);
    modules.set(file, list);
    rename.set(c.className, `${DECLARATIVE_MODULE}.${parts[parts.length - 1]}`);
  }
  const files = [...modules.keys()];
  if (files.length > 1)
    problems.push({ rule: 'custom-component', severity: 'error', message: `custom components come from ${files.length} modules (${files.join(', ')}); a manifest-only connector has one components.py`, file: manifestFile, fix: 'merge them into one module first' });
  const from = files.length === 1 ? files[0] : undefined;
  if (from) {
    const abs = join(connector.root, from);
    if (!existsSync(abs)) problems.push({ rule: 'custom-component', severity: 'error', message: `the manifest names classes in ${from}, which does not exist`, file: manifestFile, line: modules.get(from)![0].line });
    else {
      const text = readFileSync(abs, 'utf8');
      const lines = text.split('\n');
      // A relative import, or one from the package itself, breaks once the package is deleted.
      const importsPackage = new RegExp(`^\\s*(from\\s+\\.|from\\s+${pkg}\\b|import\\s+${pkg}\\b)`);
      const bad = lines.findIndex((l) => importsPackage.test(l));
      if (bad >= 0)
        problems.push({ rule: 'custom-component', severity: 'error', message: `imports from the package that the migration deletes: ${lines[bad].trim()}`, file: abs, line: bad + 1, column: 1, fix: 'inline what it imports into this module first' });
      const root = join(connector.root, 'components.py');
      if (existsSync(root) && readFileSync(root, 'utf8') !== text)
        problems.push({ rule: 'custom-component', severity: 'error', message: `components.py already exists at the connector root and differs from ${from}`, file: root });
    }
  }
  return { from, rename, modules: files, problems };
}

/** Rewrite class names in a plain manifest value. */
export function renameClasses<T>(node: T, rename: Map<string, string>): T {
  if (!rename.size) return node;
  if (Array.isArray(node)) return node.map((v) => renameClasses(v, rename)) as T;
  if (node && typeof node === 'object') {
    const out: Obj = {};
    for (const [k, v] of Object.entries(node)) out[k] = k === 'class_name' && typeof v === 'string' && rename.has(v) ? rename.get(v) : renameClasses(v, rename);
    return out as T;
  }
  return node;
}
