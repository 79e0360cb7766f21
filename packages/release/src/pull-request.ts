import type { ReleaseChange } from './changes';

export interface PullRequestInput {
  connectorTitle: string;
  project: string;
  from: string;
  to: string;
  message: string;
  touched: string[];
  changes: ReleaseChange[];
  notCompared: string[];
  /** Whether the cat stage's report says it passed; undefined when there is no report. */
  catPassed?: boolean;
  /** The cat report's summary line ("9 passed, 0 failed, 16 skipped (…)"): a pass with live suites skipped is not a full pass. */
  catSummary?: string;
  docsPath?: string;
  migrationGuidePath?: string;
}

const box = (done: boolean, text: string) => `- [${done ? 'x' : ' '}] ${text}`;

/** Airbyte's PR title convention: 🚨 breaking, ✨ feature (minor), 🐛 fix (patch). */
export function pullRequestTitle(i: Pick<PullRequestInput, 'connectorTitle' | 'project' | 'from' | 'to' | 'message' | 'changes'>): string {
  const breaking = i.changes.some((c) => c.breaking);
  const [fm, fn] = i.from.split('.').map(Number);
  const [tm, tn] = i.to.split('.').map(Number);
  const emoji = breaking ? '🚨' : tm > fm || tn > fn ? '✨' : '🐛';
  const kind = i.project.startsWith('destination-') ? 'Destination' : 'Source';
  // Airbyte titles read "Source Foo: …"; a metadata name that already says "Source Foo" is not doubled.
  const title = i.connectorTitle.startsWith(`${kind} `) ? i.connectorTitle : `${kind} ${i.connectorTitle}`;
  return `${emoji} ${title}: ${i.message}`;
}

/** The pull-request body with the seed's release checklist filled in from what this run did and found. */
export function renderPullRequest(i: PullRequestInput): string {
  const breaking = i.changes.filter((c) => c.breaking);
  const platform = i.changes.filter((c) => c.needsPlatformChange);
  const lines = [
    `# ${pullRequestTitle(i)}`,
    '',
    '## What',
    '',
    i.message,
    '',
    `Version ${i.from} → ${i.to}.`,
    '',
    '## Changes found against the base',
    '',
    ...(i.changes.length ? i.changes.map((c) => `- ${c.breaking ? '**breaking** ' : ''}${c.message}${c.needsPlatformChange ? ' (needs platform changes)' : ''}`) : ['- none in spec, streams, schemas, primary keys or cursor fields']),
    ...(i.notCompared.length ? ['', 'Not compared:', '', ...i.notCompared.map((n) => `- ${n}`)] : []),
    '',
    '## Connector checklist',
    '',
    box(i.touched.some((t) => t.endsWith('metadata.yaml')), `Version bumped to ${i.to} (metadata.yaml${i.touched.some((t) => t.endsWith('Dockerfile')) ? ', Dockerfile' : ''}${i.touched.some((t) => t.endsWith('pyproject.toml')) ? ', pyproject.toml' : ''})`),
    box(!!i.docsPath && i.touched.includes(i.docsPath), `Changelog updated${i.docsPath ? ` in \`${i.docsPath}\`` : ' (no docs page found)'}`),
    box(i.catPassed === true, i.catPassed === undefined ? 'Acceptance tests (cat): no report found, run `nx run ' + i.project + ':cat`' : `Acceptance tests (cat) ${i.catPassed ? 'passed' : 'FAILED'}${i.catSummary ? `: ${i.catSummary}` : ''}`),
    breaking.length
      ? box(!!i.migrationGuidePath && i.touched.includes(i.migrationGuidePath), `Breaking changes (${breaking.length}): releases.breakingChanges entry and migration guide${i.migrationGuidePath ? ` \`${i.migrationGuidePath}\`` : ''}`)
      : box(true, 'No breaking changes'),
    ...(platform.length ? [box(false, `OAuth platform changes done (${platform.length} OAuth change${platform.length > 1 ? 's' : ''} above)`)] : []),
    box(false, 'Approved by a reviewer'),
    box(false, 'Merged; the new tag shows on Docker Hub'),
    '',
    '## Files',
    '',
    ...i.touched.map((t) => `- \`${t}\``),
    '',
  ];
  return lines.join('\n');
}
