/**
 * Real connectors from ../shared/corpus laid out as in airbytehq/airbyte, in a temp repository:
 * `airbyte-integrations/connectors/<name>/` plus its docs page under `docs/integrations/`.
 * The corpus carries no code, only FILES.txt naming every file; small stand-ins are written for the
 * files it lists but does not hold (source.py, main.py, pyproject.toml …), so deletion is exercised.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';

export const CORPUS = resolve(__dirname, '../../../../shared/corpus');

export function corpusCases(kind: 'migrations' | 'inline-schemas'): string[] {
  const dir = join(CORPUS, kind);
  return existsSync(dir) ? readdirSync(dir).filter((c) => existsSync(join(dir, c, 'before'))).sort() : [];
}

/** Paths FILES.txt lists for one side of a case (fleet connectors have one side: no side column). */
export function listedFiles(caseDir: string, side?: 'before' | 'after'): string[] {
  const rows = readFileSync(join(caseDir, 'FILES.txt'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  return (side ? rows.filter((l) => l.startsWith(side + '\t')).map((l) => l.split('\t')[1]) : rows.map((l) => l.split('\t')[0])).sort();
}

function standIn(path: string, pkg: string, className: string, pythonStreams: boolean): string {
  const base = path.split('/').pop()!;
  // A package shipping streams.py has Python streams, which its source.py declares.
  if (base === 'source.py' && pythonStreams)
    return `from airbyte_cdk.sources.declarative.yaml_declarative_source import YamlDeclarativeSource\n\nfrom .streams import python_streams\n\n\nclass ${className}(YamlDeclarativeSource):\n    def streams(self, config):\n        return super().streams(config) + python_streams(config)\n`;
  if (base === 'source.py')
    return `from airbyte_cdk.sources.declarative.yaml_declarative_source import YamlDeclarativeSource\n\n\nclass ${className}(YamlDeclarativeSource):\n    def __init__(self):\n        super().__init__(**{"path_to_yaml": "manifest.yaml"})\n`;
  if (base === 'run.py') return `import sys\n\nfrom airbyte_cdk.entrypoint import launch\nfrom ${pkg} import ${className}\n\n\ndef run():\n    launch(${className}(), sys.argv[1:])\n`;
  if (base === 'main.py') return `from ${pkg}.run import run\n\nif __name__ == "__main__":\n    run()\n`;
  if (base === '__init__.py') return path.startsWith(pkg) ? `from .source import ${className}\n\n__all__ = ["${className}"]\n` : '';
  if (base === 'pyproject.toml') return `[tool.poetry]\nname = "airbyte-${pkg.replace(/_/g, '-')}"\nversion = "0.1.0"\n\n[tool.poetry.scripts]\n${pkg.replace(/_/g, '-')} = "${pkg}.run:run"\n`;
  if (base.endsWith('.svg')) return '<svg xmlns="http://www.w3.org/2000/svg"/>\n';
  if (base.endsWith('.py')) return '# stand-in for a file the corpus lists by name only\n';
  return 'stand-in\n';
}

export interface StagedCase {
  repo: string;
  connector: string;
}

/** Lay out `before/` of a case (a fleet connector as it is) under `repo` (a folder the caller creates and removes). */
export function stageCase(kind: 'migrations' | 'inline-schemas' | 'fleet-2024-06', name: string, repo: string): StagedCase {
  const caseDir = join(CORPUS, kind, name);
  const side = kind === 'fleet-2024-06' ? undefined : 'before';
  const source = side ? join(caseDir, side) : caseDir;
  const connector = join(repo, 'airbyte-integrations', 'connectors', name);
  mkdirSync(connector, { recursive: true });
  cpSync(source, connector, { recursive: true, filter: (src) => !src.includes('/_docs') && !src.endsWith('/FILES.txt') });
  const meta = parse(readFileSync(join(connector, 'metadata.yaml'), 'utf8')) as { data: { documentationUrl?: string } };
  const docs = join(source, '_docs');
  if (existsSync(docs)) {
    const page = /integrations\/(.+?)\/?$/.exec(meta.data.documentationUrl ?? '')?.[1] ?? `sources/${name.replace(/^source-/, '')}`;
    const target = join(repo, 'docs', 'integrations', `${page}.md`);
    mkdirSync(dirname(target), { recursive: true });
    for (const f of readdirSync(docs)) writeFileSync(target, readFileSync(join(docs, f)));
  }
  const pkg = name.replace(/-/g, '_');
  const className = 'Source' + name.replace(/^source-/, '').split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  const listed = listedFiles(caseDir, side);
  const pythonStreams = listed.includes(`${pkg}/streams.py`);
  for (const f of listed) {
    const abs = join(connector, f);
    if (existsSync(abs)) continue;
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, standIn(f, pkg, className, pythonStreams));
  }
  return { repo, connector };
}

/** Every file under `dir`, relative, sorted. */
export function filesUnder(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...filesUnder(dir, p));
    else out.push(p);
  }
  return out.sort();
}
