import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { changeJournalDir, hasInterruptedChanges, readConnector, recoverInterruptedChanges, type ChangeSet, type Problem } from '@conveyor/connector';
import { isRepo, repoRoot, uncommittedFiles } from '@conveyor/git';
import { defineStage } from '@conveyor/stage-kit';
import { diffStat } from './diff';
import { DEFAULT_OPTIONS, type MigrateOptions } from './options';
import { planMigration } from './plan';

export interface Change {
  op: 'create' | 'modify' | 'delete';
  /** Relative to the connector folder. */
  path: string;
}

/** What a change set would do to each file, for the report. */
export function describeChanges(changeSet: ChangeSet): Change[] {
  return changeSet.summary();
}

/** Uncommitted changes in the connector folder (not counting the --from file), or why that cannot be told. */
async function dirtyCheck(root: string, from: string | undefined): Promise<Problem | undefined> {
  if (!(await isRepo(root)))
    return { rule: 'git', severity: 'error', message: 'not inside a git repository: cannot tell whether the migration would overwrite uncommitted work', file: root, fix: 'run it in a git checkout, or pass --allow-dirty' };
  const top = await repoRoot(root);
  const dirty = (await uncommittedFiles(root, ['.'])).map((p) => join(top, p)).filter((p) => p !== from && !p.includes(`/${basename(changeJournalDir(root))}/`));
  if (!dirty.length) return undefined;
  const shown = dirty.slice(0, 5).map((p) => relative(root, p)).join(', ');
  return { rule: 'git', severity: 'error', message: `the connector folder has uncommitted changes (${shown}${dirty.length > 5 ? ` and ${dirty.length - 5} more` : ''}); migrating would mix them with its own`, file: root, fix: 'commit or stash them, or pass --allow-dirty' };
}

export const stage = defineStage<MigrateOptions>({
  pluginDir: join(__dirname, '..'),
  defaultOptions: DEFAULT_OPTIONS,
  inputs: () => [],
  outputs: () => ['{workspaceRoot}/dist/conveyor/{projectName}/migrate.diff'],
  async run({ connector: given, options, workspaceRoot, reportDir, log }) {
    const o = options;
    let connector = given;
    const from = o.from ? (isAbsolute(o.from) ? o.from : resolve(workspaceRoot, o.from)) : undefined;
    const findings: Problem[] = [];
    if (hasInterruptedChanges(connector.root)) {
      if (o.dryRun)
        return { ok: false, summary: 'an interrupted migration left a journal; run without --dry-run to restore its files first', findings: [{ rule: 'interrupted', severity: 'error', message: 'journal of an interrupted change set found', file: changeJournalDir(connector.root) }], layout: o.layout, changes: [] };
      recoverInterruptedChanges(connector.root);
      findings.push({ rule: 'interrupted', severity: 'warning', message: 'restored every file of an interrupted migration before starting', file: connector.root });
      connector = readConnector(connector.root);
    }
    const plan = planMigration(connector, { ...o, from }, workspaceRoot);
    findings.push(...plan.findings);
    if (plan.blocked) {
      const first = plan.findings.find((f) => f.severity === 'error');
      return { ok: false, summary: `not migrated: ${first?.message ?? 'blocked'}`, findings, layout: o.layout, changes: [] };
    }
    let changes: Change[];
    try {
      changes = describeChanges(plan.changeSet);
    } catch (e) {
      // The change set checks its paths when planned (a folder where a file goes, a path outside the connector …).
      const message = (e as Error).message;
      return { ok: false, summary: `not migrated: ${message}`, findings: [...findings, { rule: 'plan', severity: 'error', message, file: connector.root }], layout: o.layout, changes: [] };
    }
    if (!changes.length) return { ok: true, summary: `already in the ${o.layout} layout: nothing to do`, findings, layout: o.layout, changes };
    if (o.dryRun) {
      const diff = plan.changeSet.diff(`${relative(workspaceRoot, connector.root)}/`);
      // The whole patch is kept next to the report (`git apply` takes it); the terminal gets it when it is readable.
      mkdirSync(reportDir, { recursive: true });
      const patch = join(reportDir, 'migrate.diff');
      writeFileSync(patch, diff);
      const lines = diff.split('\n').length - 1;
      log(o.diff === 'full' || (o.diff === 'auto' && lines <= 1000) ? diff : `${diffStat(diff)}\nfull diff (${lines} lines): ${relative(workspaceRoot, patch)}\n`);
      return { ok: true, summary: `dry run: would change ${changes.length} files (${count(changes)})`, findings, layout: o.layout, dryRun: true, changes, patch: relative(workspaceRoot, patch) };
    }
    if (!o.allowDirty) {
      const dirty = await dirtyCheck(connector.root, from);
      if (dirty) return { ok: false, summary: `not migrated: ${dirty.message}`, findings: [...findings, dirty], layout: o.layout, changes: [] };
    }
    try {
      plan.changeSet.apply();
    } catch (e) {
      // The change set restored every file before rethrowing: say so, with what failed.
      const message = (e as Error).message;
      return { ok: false, summary: `not migrated: ${message}; every file was restored`, findings: [...findings, { rule: 'apply', severity: 'error', message, file: connector.root }], layout: o.layout, changes: [] };
    }
    return { ok: true, summary: `migrated to the ${o.layout} layout: ${count(changes)}`, findings, layout: o.layout, changes };
  },
});

function count(changes: Change[]): string {
  const n = (op: Change['op']) => changes.filter((c) => c.op === op).length;
  return [`${n('create')} created`, `${n('modify')} modified`, `${n('delete')} deleted`].join(', ');
}
