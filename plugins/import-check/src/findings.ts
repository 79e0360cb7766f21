import { locate, type Problem, type YamlFile } from '@conveyor/connector';
import type { ManifestPath } from '@conveyor/manifest';

export type Verdict = 'ui' | 'yaml-only' | 'invalid';

/** What a finding does to the verdict: `loss` and `info` leave it alone but say what the import would drop. */
export type Impact = 'invalid' | 'yaml-only' | 'loss' | 'info';

export interface ImportFinding extends Problem {
  rule: string;
  impact: Impact;
  /** For custom components: the CDK component(s) that can replace it, and how sure that is. */
  replaceWith?: string[];
  replaceConfidence?: string;
  /** For Builder-matrix findings: `manifest` = the whole manifest stays YAML; `component` = that component does. */
  scope?: 'manifest' | 'component';
  /** How many streams reach this same written place (a shared definition), when more than one. */
  occurrences?: number;
}

const SEVERITY: Record<Impact, Problem['severity']> = { invalid: 'error', 'yaml-only': 'warning', loss: 'warning', info: 'info' };

/** Findings of one run, located in the manifest through its parsed document. */
export class Findings {
  readonly items: ImportFinding[] = [];
  private readonly seen = new Map<string, ImportFinding>();
  constructor(private readonly manifest?: YamlFile) {}

  /**
   * `perStream`: the message names the stream it was found through; the same place reached from several
   * streams (a shared definition) is then one finding with a count, not one per stream.
   */
  add(f: Omit<ImportFinding, 'severity'> & { severity?: Problem['severity'] }, perStream = false): void {
    const finding = { ...f, severity: f.severity ?? SEVERITY[f.impact] } as ImportFinding;
    // A component written once in `definitions` and used by every stream is reported once, with a count.
    const key = `${finding.rule}|${finding.file}|${finding.line}|${finding.column}|${perStream ? '' : finding.message}`;
    const known = this.seen.get(key);
    if (known) {
      if (known.message !== finding.message) known.occurrences = (known.occurrences ?? 1) + 1;
      return;
    }
    this.seen.set(key, finding);
    this.items.push(finding);
  }

  /** Add a finding located at `path` of the source manifest. */
  at(path: ManifestPath, f: Omit<ImportFinding, 'severity' | 'file' | 'line' | 'column'> & { severity?: Problem['severity'] }, perStream = false): void {
    if (!this.manifest) return this.add(f, perStream);
    this.add({ ...f, file: this.manifest.file, ...locate(this.manifest, path) }, perStream);
  }

  /** True when `path` is written in the manifest (false: it came from `$parameters` or a default). */
  written(path: ManifestPath): boolean {
    return !!this.manifest && this.manifest.doc.hasIn(path);
  }

  /** "line:column" of a manifest path, to tell whether two findings point at the same place. */
  position(path: ManifestPath): string {
    if (!this.manifest) return '';
    const p = locate(this.manifest, path);
    return `${p.line}:${p.column}`;
  }

  /** The findings as reported: shared places say how many streams they affect. */
  final(): ImportFinding[] {
    return this.items.map((f) => (f.occurrences ? { ...f, message: `${f.message} (and ${f.occurrences - 1} more stream${f.occurrences > 2 ? 's' : ''} using this definition)` } : f));
  }

  verdict(): Verdict {
    if (this.items.some((f) => f.impact === 'invalid')) return 'invalid';
    if (this.items.some((f) => f.impact === 'yaml-only')) return 'yaml-only';
    return 'ui';
  }
}

/** "custom-component ×2, nested-config" for a summary line. */
export function countByRule(findings: ImportFinding[]): string {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
  return [...counts].map(([rule, n]) => (n > 1 ? `${rule} ×${n}` : rule)).join(', ');
}
