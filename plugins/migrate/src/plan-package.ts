/**
 * The seed's "Make the Change Available" (seed/connector-maintenance-process.md, Merge Into Code):
 * the manifest stays at source_<pkg>/manifest.yaml without the Builder's `metadata` field, schemas/ and
 * spec.yaml/spec.json are deleted (their content goes inline), every .py under source_<pkg>/ except
 * source.py is deleted, and source.py becomes the YamlDeclarativeSource wrapper.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChangeSet, listFiles, type Connector, type Problem } from '@conveyor/connector';
import { findCustomComponents, refuseCustomComponents } from './custom-components';
import { checkSourcePy, readStartingManifest, sourcePyOverrides } from './read-manifest';
import type { MigrateOptions } from './options';
import type { Plan } from './plan';

/** The seed's source.py, word for word, with the connector's class name. */
export function seedSourcePy(connectorName: string): string {
  const className = 'Source' + connectorName.replace(/^source-/, '').split(/[-_]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  return `#
# Copyright (c) 2023 Airbyte, Inc., all rights reserved.
#

from airbyte_cdk.sources.declarative.yaml_declarative_source import YamlDeclarativeSource

"""
This file provides the necessary constructs to interpret a provided declarative YAML configuration file into
source connector.

WARNING: Do not modify this file.
"""


# Declarative Source
class ${className}(YamlDeclarativeSource):
    def __init__(self):
        super().__init__(**{"path_to_yaml": "manifest.yaml"})
`;
}

export function planPackage(connector: Connector, o: MigrateOptions, workspaceRoot: string): Plan {
  const changeSet = new ChangeSet(connector.root);
  const pkg = connector.packageDir!;
  const manifestPath = connector.manifestPath!;
  const manifestFile = join(connector.root, manifestPath);
  const findings: Problem[] = [...checkSourcePy(connector)];
  if (findings.length) return { changeSet, findings, blocked: true };

  const start = readStartingManifest(connector, { from: o.from, dropMetadata: true, workspaceRoot });
  findings.push(...start.findings);
  if (start.blocked) return { changeSet, findings, blocked: true };

  const custom = findCustomComponents(start.file);
  const keep = (o.customComponents ?? 'refuse') === 'keep';
  if (custom.length && !keep) return { changeSet, findings: [...findings, ...refuseCustomComponents(custom, manifestFile, connector)], blocked: true };
  // Modules the kept custom components live in (source_<pkg>.components.X → source_<pkg>/components.py).
  const keptModules = new Set(keep ? custom.filter((c) => c.className.startsWith(`${pkg}.`)).map((c) => `${c.className.split('.').slice(0, -1).join('/')}.py`) : []);

  changeSet.write(manifestPath, start.file.text);
  for (const d of start.deletes) changeSet.delete(d);
  for (const f of listFiles(connector.root, pkg)) {
    if (!f.endsWith('.py') || f === `${pkg}/source.py` || keptModules.has(f)) continue;
    changeSet.delete(f);
  }
  // A source.py that already is such a wrapper (another copyright year, say) is left as it is.
  const current = readIfExists(join(connector.root, pkg, 'source.py'));
  if (current === undefined || !isYamlWrapper(current)) {
    changeSet.write(`${pkg}/source.py`, seedSourcePy(connector.name));
    findings.push(...sourcePyOverrides(connector, "the seed's wrapper replaces it"));
  }
  findings.push(...entryPointWarnings(connector, pkg, changeSet));
  return { changeSet, findings, blocked: false };
}

/** A YamlDeclarativeSource subclass reading manifest.yaml and doing nothing else. */
export function isYamlWrapper(text: string): boolean {
  const defs = [...text.matchAll(/^\s*def\s+(\w+)/gm)].map((m) => m[1]);
  return /class\s+\w+\(\s*YamlDeclarativeSource\s*\)/.test(text) && /["']?path_to_yaml["']?\s*[:=]\s*["']manifest\.yaml["']/.test(text) && defs.every((d) => d === '__init__');
}

function readIfExists(abs: string): string | undefined {
  return existsSync(abs) ? readFileSync(abs, 'utf8') : undefined;
}

/** main.py / pyproject.toml that import `<pkg>.run`, which the seed's rule deletes. */
function entryPointWarnings(connector: Connector, pkg: string, changeSet: ChangeSet): Problem[] {
  if (!changeSet.touched().includes(`${pkg}/run.py`)) return [];
  const out: Problem[] = [];
  for (const f of ['main.py', 'pyproject.toml', 'setup.py']) {
    const abs = join(connector.root, f);
    if (!existsSync(abs)) continue;
    const lines = readFileSync(abs, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes(`${pkg}.run`) || l.includes(`${pkg}/run`));
    if (i >= 0)
      out.push({ rule: 'entry-point', severity: 'warning', message: `refers to ${pkg}.run, which the seed's layout deletes (the seed predates run.py)`, file: abs, line: i + 1, column: 1, fix: `point it at ${pkg}.source, or use --layout=manifest-only` });
  }
  return out;
}
