/**
 * Checks that read the source manifest and the connector's files rather than the Builder's matrix:
 * nested config references, custom components the matrix did not reach, and what the import would lose.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSchemaFiles, loadSpecFile, locate, type Connector, type YamlFile } from '@conveyor/connector';
import {
  collectConfigRefs,
  isNested,
  hasRef,
  locateSpec,
  planFlatten,
  sourcePath,
  suggestReplacement,
  type Manifest,
  type ManifestPath,
  type PythonClass,
} from '@conveyor/manifest';
import type { Findings } from './findings';
import { writtenPlace } from './places';

type Obj = Record<string, unknown>;

export function checkConfigRefs(file: YamlFile<Record<string, unknown>>, findings: Findings, specDoc?: YamlFile): void {
  const refs = collectConfigRefs(file.value);
  const nested = refs.filter(isNested);
  if (!nested.length) return;
  const { blocked } = planFlatten(locateSpec(file.doc, specDoc?.doc), refs, file.value);
  for (const r of nested) {
    const flat = r.path.join('_');
    const reason = blocked.get(r.path[0]);
    findings.at(r.at, {
      rule: 'nested-config',
      impact: 'yaml-only',
      message: `\`${r.text}\` reads the nested config path ${r.path.join('.')}; the Builder's inputs are top-level spec properties`,
      fix: reason ? `flatten by hand to config['${flat}'] (not mechanical: ${reason})` : `import-check --fix rewrites it to config['${flat}'] and moves ${r.path.join('.')} to the top of the spec`,
    });
  }
}

/** Custom components outside the places the matrix inspects (state migrations, schema loaders, …). */
export function checkCustomLeftovers(manifest: Manifest, origins: WeakMap<object, ManifestPath>, raw: unknown, findings: Findings, classes: Map<string, PythonClass>): void {
  const reported = new Set(findings.items.filter((f) => f.rule === 'custom-component').map((f) => `${f.line}:${f.column}`));
  const path: ManifestPath = [];
  const visit = (o: Obj) => {
    const type = typeof o.type === 'string' ? o.type : undefined;
    if ((type?.startsWith('Custom') || typeof o.class_name === 'string') && path.length) {
      const src = writtenPlace(manifest, [...path], origins, raw);
      const where = findings.written(src) ? src : src.slice(0, -1);
      const pos = findings.position(where);
      if (!reported.has(pos)) {
        reported.add(pos);
        const r = suggestReplacement(type ?? 'custom component', o.class_name as string | undefined, classes);
        findings.at(where, {
          rule: 'custom-component',
          impact: 'yaml-only',
          message: `${String(path[path.length - 1])} is a ${type ?? 'custom component'}${o.class_name ? ` (${String(o.class_name)})` : ''}: Python code the Builder UI cannot show`,
          fix: r.replaceWith ? `replace it with ${r.replaceWith.join(' or ')} (${r.reason})` : `no known CDK replacement: ${r.reason}`,
          replaceWith: r.replaceWith,
          replaceConfidence: r.confidence,
          scope: type === 'CustomRetriever' || type === 'CustomRequester' ? 'manifest' : 'component',
        });
      }
    }
  };
  // One mutable path: this walks every node of manifests that run to thousands of lines.
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        walk(v[i]);
        path.pop();
      }
      return;
    }
    if (!v || typeof v !== 'object') return;
    const o = v as Obj;
    visit(o);
    for (const k in o) {
      if (path.length === 0 && (k === 'definitions' || k === 'schemas' || k === 'spec' || k === 'metadata')) continue;
      const x = o[k];
      if (!x || typeof x !== 'object') continue;
      path.push(k);
      walk(x);
      path.pop();
    }
  };
  walk(manifest);
}

/** What importing only the manifest would leave behind: schema files, shared schema refs, a separate spec. */
export function checkLosses(connector: Connector, raw: Obj, manifest: Manifest | undefined, origins: WeakMap<object, ManifestPath>, findings: Findings): void {
  const specFile = connector.specPath ? join(connector.root, connector.specPath) : undefined;
  if (raw.spec === undefined) {
    if (specFile)
      findings.add({ rule: 'spec-separate', impact: 'loss', file: specFile, line: 1, column: 1, message: `the spec lives in ${connector.specPath}; importing the manifest would bring no inputs`, fix: 'import-check --fix moves it into the manifest' });
    else findings.at([], { rule: 'spec-missing', impact: 'loss', message: 'the manifest has no spec and there is no spec file: the Builder would have no inputs', fix: 'add a `spec:` with connection_specification (a JSON schema of the config)' });
  } else if (specFile) findings.add({ rule: 'spec-duplicate', impact: 'info', file: specFile, line: 1, column: 1, message: `${connector.specPath} exists beside the manifest's own spec; the manifest's wins` });

  if (connector.layout === 'low-code')
    findings.add({
      rule: 'builder-fork',
      impact: 'info',
      file: connector.metadataFile,
      ...(connector.metadataYaml ? locate(connector.metadataYaml, ['data', 'tags']) : {}),
      message: 'a low-code package: the Builder lists only manifest-only connectors (language:manifest-only) for forking from the catalog',
      fix: 'nx run <connector>:migrate moves it to the manifest-only layout',
    });

  const sourcePy = connector.packageDir ? join(connector.root, connector.packageDir, 'source.py') : undefined;
  const python = sourcePy ? readIfExists(sourcePy) : undefined;
  if (python !== undefined && (/\bdef\s+streams\s*\(/.test(python) || !python.includes('YamlDeclarativeSource')))
    findings.add({
      rule: 'python-streams',
      impact: 'loss',
      file: sourcePy,
      ...(/\bdef\s+streams\s*\(/.test(python) ? lineOfMatch(python, /\bdef\s+streams\s*\(/) : lineOfMatch(python, /^class\s/m)),
      message: /\bdef\s+streams\s*\(/.test(python) ? 'source.py adds streams in Python; the import would bring only the manifest\'s streams' : 'source.py is not a plain YamlDeclarativeSource; whatever it adds in Python, the import would not bring',
      fix: 'port the Python streams to the manifest (or keep the connector out of the Builder)',
    });

  if (connector.componentsFiles.length) {
    const used = JSON.stringify(raw).includes('class_name');
    for (const f of connector.componentsFiles)
      findings.add({
        rule: 'components-file',
        impact: used ? 'yaml-only' : 'info',
        file: join(connector.root, f),
        line: 1,
        column: 1,
        message: used ? `${f} holds the custom components' Python; the Builder runs it only with AIRBYTE_ENABLE_UNSAFE_CODE and cannot edit it in the UI` : `${f} is not referenced by any class_name in the manifest`,
        fix: used ? 'replace the custom components with CDK components (see the custom-component findings)' : 'delete it if nothing else imports it',
      });
  }

  if (!connector.schemasDir) return;
  const streams = Array.isArray(manifest?.streams) ? (manifest!.streams as unknown[]) : [];
  streams.forEach((s, i) => {
    const stream = s as Obj;
    if (!stream || typeof stream !== 'object' || stream.schema_loader !== undefined) return;
    const name = typeof stream.name === 'string' ? stream.name : `#${i + 1}`;
    findings.at(sourcePath(manifest!, ['streams', i], origins, raw), {
      rule: 'schema-file',
      impact: 'loss',
      message: `stream ${name} has no schema_loader, so the CDK reads ${connector.schemasDir}/${name}.json; the import would lose that schema`,
      fix: 'import-check --fix inlines it as an InlineSchemaLoader',
    });
  });
  for (const f of loadSchemaFiles(connector)) {
    if (f.error) findings.add({ ...f.error, rule: 'schema-file', impact: 'loss' });
    else if (!f.path.includes('/shared/') && hasRef(f.value))
      findings.add({ rule: 'schema-shared-ref', impact: 'loss', file: join(connector.root, f.path), ...firstRef(join(connector.root, f.path)), message: `${f.path} uses $ref to shared schema files, which an imported manifest cannot reach`, fix: 'import-check --fix inlines the schema with its references expanded' });
  }
}

function readIfExists(abs: string): string | undefined {
  try {
    return readFileSync(abs, 'utf8');
  } catch {
    return undefined;
  }
}

function lineOfMatch(text: string, re: RegExp): { line?: number; column?: number } {
  const at = text.search(re);
  if (at < 0) return {};
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** Line and column of the first `"$ref"` in a schema file. */
function firstRef(abs: string): { line?: number; column?: number } {
  try {
    return lineOfMatch(readFileSync(abs, 'utf8'), /["']?\$ref["']?\s*:/);
  } catch {
    return {};
  }
}

/** The separate spec file, parsed, when the manifest has none of its own. */
export function separateSpec(connector: Connector, raw: Obj): YamlFile | undefined {
  if (raw.spec !== undefined || !connector.specPath) return undefined;
  try {
    return loadSpecFile(connector);
  } catch {
    return undefined;
  }
}
