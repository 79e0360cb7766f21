/**
 * The manifest a migration starts from, with spec and schemas already inline: the connector's own, or a
 * Builder export given with `--from` (its `metadata` removed, as the seed says).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadManifest, loadSchemaFiles, loadSpecFile, parseYaml, type Connector, type Problem, type YamlFile } from '@conveyor/connector';
import { inlineSchemas, inlineSpec, type TransformFinding } from '@conveyor/manifest';
import { removeBuilderMetadata } from './yaml-edits';

export interface StartingManifest {
  /** The manifest with spec and schemas inline (a parsed copy; the files are not touched). */
  file: YamlFile<Record<string, unknown>>;
  /** Files that inlining made obsolete (schemas/, spec.yaml), relative to the connector root. */
  deletes: string[];
  findings: Problem[];
  /** True when something blocks the migration (findings say what). */
  blocked: boolean;
}

export interface ReadOptions {
  from?: string;
  /** Drop the Builder's `metadata` field even without --from (the seed's package layout). */
  dropMetadata: boolean;
  workspaceRoot: string;
}

export function readStartingManifest(connector: Connector, o: ReadOptions): StartingManifest {
  const findings: Problem[] = [];
  const blocked = (f: Problem[]): StartingManifest => ({ file: undefined as never, deletes: [], findings: [...findings, ...f], blocked: true });
  const manifestFile = join(connector.root, connector.manifestPath ?? 'manifest.yaml');
  let source: YamlFile<Record<string, unknown>>;
  if (o.from) {
    const abs = resolve(o.workspaceRoot, o.from);
    if (!existsSync(abs)) return blocked([{ rule: 'from', severity: 'error', message: `--from ${o.from}: no such file (expected a manifest exported from the Connector Builder)`, file: abs }]);
    source = parseYaml(readFileSync(abs, 'utf8'), abs);
    if (!source.errors.length && (!source.value || typeof source.value !== 'object' || Array.isArray(source.value)))
      source.errors.push({ rule: 'from', severity: 'error', message: 'expected a manifest (a mapping with streams, check, spec …)', file: abs, line: 1, column: 1 });
    if (source.errors.length) return blocked(source.errors);
  } else {
    const loaded = loadManifest(connector);
    if (loaded.errors.length) return blocked(loaded.errors);
    source = loaded as YamlFile<Record<string, unknown>>;
  }
  // Edited in place: `source` is this function's own parse, and is returned as it is only when nothing was edited.
  const doc = source.doc;
  const droppedMetadata = (!!o.from || o.dropMetadata) && removeBuilderMetadata(doc);
  if (droppedMetadata)
    findings.push({ rule: 'builder-metadata', severity: 'info', message: 'removed the Connector Builder’s `metadata` field', file: source.file });

  const toProblem = (f: TransformFinding): Problem => ({ ...f, file: f.file && !f.file.startsWith('/') ? join(connector.root, f.file) : f.file });
  const specFile = loadSpecFile(connector);
  const spec = inlineSpec({
    doc,
    inPlace: true,
    manifestFile,
    lines: o.from ? undefined : source.lines,
    spec: specFile && connector.specPath ? { path: connector.specPath, value: specFile.errors.length ? undefined : specFile.value, error: specFile.errors[0] } : undefined,
  });
  findings.push(...spec.findings.map(toProblem));
  const sourcePy = connector.packageDir && existsSync(join(connector.root, connector.packageDir, 'source.py')) ? readFileSync(join(connector.root, connector.packageDir, 'source.py'), 'utf8') : undefined;
  const schemas = inlineSchemas({
    doc,
    inPlace: true,
    schemaFiles: loadSchemaFiles(connector),
    schemasDir: connector.schemasDir,
    manifestFile,
    deleteUnused: true,
    sourcePy,
  });
  findings.push(...schemas.findings.map(toProblem));
  if (findings.some((f) => f.severity === 'error')) return blocked([]);
  // Untouched, the file keeps its exact bytes (a YAML round trip may still reformat a line or two).
  const edited = !!o.from || droppedMetadata || spec.changed || schemas.changed;
  // The edited document keeps the source's node ranges, so with the source's line counter findings
  // still point at the lines the user wrote (no second parse of a large manifest).
  // Its text is printed only when read (the manifest-only layout regenerates the file from the value).
  const file: YamlFile<Record<string, unknown>> = edited
    ? {
        file: source.file,
        get text() {
          return schemas.text;
        },
        doc: doc as YamlFile['doc'],
        value: doc.toJS({ maxAliasCount: 1000 }),
        errors: [],
        lines: source.lines,
      }
    : source;
  return { file, deletes: [...spec.deletes, ...schemas.deletes], findings, blocked: false };
}

/** `source.py` that declares Python streams or is not a YamlDeclarativeSource: the migration would lose code. */
export function checkSourcePy(connector: Connector): Problem[] {
  if (!connector.packageDir) return [];
  const abs = join(connector.root, connector.packageDir, 'source.py');
  if (!existsSync(abs)) return [];
  const text = readFileSync(abs, 'utf8');
  const lines = text.split('\n');
  const streams = lines.findIndex((l) => /\bdef\s+streams\s*\(/.test(l));
  if (streams >= 0)
    return [{ rule: 'python-streams', severity: 'error', message: 'source.py overrides streams(): Python streams would be lost', file: abs, line: streams + 1, column: 1, fix: 'port those streams to the manifest first' }];
  if (!text.includes('YamlDeclarativeSource'))
    return [{ rule: 'python-streams', severity: 'error', message: 'source.py is not a YamlDeclarativeSource: its Python would be lost', file: abs, line: 1, column: 1, fix: 'move its logic into the manifest (or custom components) first' }];
  return [];
}

/** Methods of source.py besides `__init__`: code that a migration replaces (package) or deletes (manifest-only). */
export function sourcePyOverrides(connector: Connector, what: string): Problem[] {
  if (!connector.packageDir) return [];
  const abs = join(connector.root, connector.packageDir, 'source.py');
  if (!existsSync(abs)) return [];
  const defs = [...readFileSync(abs, 'utf8').matchAll(/^\s*def\s+(\w+)/gm)].map((m) => m[1]).filter((d) => d !== '__init__');
  if (!defs.length) return [];
  return [{ rule: 'source-py', severity: 'warning', message: `source.py overrides ${defs.join(', ')}; ${what}, so that code goes`, file: abs, fix: 'express it in the manifest, or keep a copy before migrating' }];
}
