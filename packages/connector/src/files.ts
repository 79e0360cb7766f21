import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYaml, type YamlFile } from './yaml-file';
import { listFiles, type Connector } from './connector';
import type { Problem } from './problem';

/** The connector's manifest as a YAML file; errors say why it could not be read. */
export function loadManifest(connector: Connector): YamlFile<Record<string, unknown>> | { errors: Problem[]; value?: undefined } {
  if (!connector.manifestPath) return { errors: [{ rule: 'manifest-missing', severity: 'error', message: `a ${connector.layout} connector has no manifest`, file: connector.root }] };
  const abs = join(connector.root, connector.manifestPath);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    return { errors: [{ rule: 'manifest-missing', severity: 'error', message: `cannot read the manifest the ${connector.layout} layout expects: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file: abs }] };
  }
  const file = parseYaml<Record<string, unknown>>(text, abs);
  if (!file.errors.length && (typeof file.value !== 'object' || file.value === null || Array.isArray(file.value)))
    file.errors.push({ rule: 'manifest-shape', severity: 'error', message: 'expected a mapping at the top of the manifest', file: abs, line: 1, column: 1 });
  return file;
}

/** A separate spec file (`spec.yaml` or `spec.json`) parsed; JSON is valid YAML, so one parser reads both. */
export function loadSpecFile(connector: Connector): YamlFile<Record<string, unknown>> | undefined {
  if (!connector.specPath) return undefined;
  const abs = join(connector.root, connector.specPath);
  return parseYaml(readFileSync(abs, 'utf8'), abs);
}

export interface SchemaFile {
  /** Relative to the connector root. */
  path: string;
  /** File stem, which Airbyte uses as the stream name. */
  stream: string;
  value?: unknown;
  error?: Problem;
}

/** Every JSON schema under `schemas/` (including `schemas/shared/…`), parsed. */
export function loadSchemaFiles(connector: Connector): SchemaFile[] {
  if (!connector.schemasDir) return [];
  return listFiles(connector.root, connector.schemasDir)
    .filter((p) => p.endsWith('.json') || p.endsWith('.yaml') || p.endsWith('.yml'))
    .map((path) => {
      const stream = path.split('/').pop()!.replace(/\.(json|ya?ml)$/, '');
      const abs = join(connector.root, path);
      let text: string;
      try {
        text = readFileSync(abs, 'utf8');
      } catch (e) {
        return { path, stream, error: { rule: 'schema-file', severity: 'error' as const, message: `cannot read: ${(e as Error).message}`, file: abs } };
      }
      if (!path.endsWith('.json')) {
        const yaml = parseYaml(text, abs);
        return yaml.errors.length ? { path, stream, error: { ...yaml.errors[0], rule: 'schema-file', message: `expected a YAML JSON schema: ${yaml.errors[0].message}` } } : { path, stream, value: yaml.value };
      }
      try {
        return { path, stream, value: JSON.parse(text) };
      } catch (e) {
        return { path, stream, error: { rule: 'schema-file', severity: 'error' as const, message: `expected a JSON schema: ${(e as Error).message}`, file: abs, ...jsonErrorPosition(text, e as Error) } };
      }
    });
}

/** Line and column of a JSON.parse error (V8 names the character offset: `… at position 42`). */
function jsonErrorPosition(text: string, error: Error): { line?: number; column?: number } {
  const m = /at position (\d+)/.exec(error.message) ?? (text.trim() === '' ? ['', String(text.length)] : null);
  if (!m) return {};
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  return { line, column: Number(m[1]) - before.lastIndexOf('\n') };
}
