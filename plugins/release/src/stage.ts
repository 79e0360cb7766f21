import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ChangeSet, recoverInterruptedChanges, type Problem } from '@conveyor/connector';
import { commitFiles, createBranch, currentBranch, localBranchExists, push, uncommittedFiles } from '@conveyor/git';
import { isoDate, planRelease, pullRequestTitle, ReleaseError, renderPullRequest, type BumpType, type ReleasePlan } from '@conveyor/release-core';
import { defineStage, type StageContext } from '@conveyor/stage-kit';
import { gather } from './gather';

export interface ReleaseOptions {
  bump: BumpType;
  version?: string;
  message?: string;
  pr?: number | string;
  date?: string;
  base?: string;
  upgradeDeadline?: string;
  breakingMessage?: string;
  branch: boolean;
  push: boolean;
  dryRun: boolean;
}

export const stage = defineStage<ReleaseOptions>({
  pluginDir: join(__dirname, '..'),
  defaultOptions: { bump: 'patch', branch: false, push: false, dryRun: false },
  // The docs page and migration guide live outside the connector folder, but release is never cached.
  outputs: () => ['{workspaceRoot}/dist/conveyor/{projectName}/pull-request.md'],
  async run(ctx) {
    try {
      return await release(ctx);
    } catch (e) {
      if (!(e instanceof ReleaseError) && !isUserError(e)) throw e;
      const details = e instanceof ReleaseError ? e.details : [];
      const findings: Problem[] = [
        { rule: 'release', severity: 'error', message: (e as Error).message.split('\n')[0], file: ctx.connector.metadataFile },
        ...details.map((d) => ({ rule: 'breaking-change', severity: 'error' as const, message: d, file: ctx.connector.metadataFile })),
      ];
      return { ok: false, summary: (e as Error).message.split('\n')[0], findings, breaking: details };
    }
  },
});

function isUserError(e: unknown): boolean {
  return e instanceof Error && /^(no --base|base ref|--)/.test(e.message);
}

async function release({ connector, options, workspaceRoot, project, reportDir, log }: StageContext<ReleaseOptions>) {
  // Without parseable metadata there is no version to bump; say where the YAML breaks instead.
  const yamlErrors = connector.metadataYaml?.errors ?? connector.metadataErrors;
  if (!connector.metadataYaml || yamlErrors.length) return { ok: false, summary: `${connector.metadataFile}: ${yamlErrors[0]?.message ?? 'unreadable'}`, findings: yamlErrors };
  const date = options.date ?? isoDate();
  const request = { bump: options.bump, version: options.version === undefined ? undefined : String(options.version), message: options.message, pr: options.pr, date, upgradeDeadline: options.upgradeDeadline, breakingMessage: options.breakingMessage };
  const { root, git, baseRef, input } = await gather(connector, request, options.base);
  if (!options.dryRun) recoverInterruptedChanges(root);
  const plan = planRelease(input);
  const changeSet = new ChangeSet(root);
  for (const [path, text] of plan.writes) changeSet.write(path, text);
  const fields = reportFields(plan, baseRef);
  for (const n of [...plan.notes, ...plan.notCompared.map((n) => `not compared: ${n}`)]) log(`  note: ${n}`);
  // Changes point at the file that defines them: the manifest when there is one, else the spec file.
  const definedIn = join(connector.root, connector.manifestPath ?? connector.specPath ?? 'metadata.yaml');
  const findings: Problem[] = plan.changes.map((c) => ({ rule: c.kind, severity: c.breaking || c.needsPlatformChange ? 'warning' : 'info', message: c.message + (c.needsPlatformChange ? ' (needs platform changes)' : ''), file: definedIn }) as Problem);

  if (options.dryRun) {
    log(changeSet.diff() || '  (no changes)');
    return { ok: true, summary: `dry run: ${plan.from} → ${plan.to}, ${changeSet.touched().length} file(s) would change${plan.breaking.length ? `, ${plan.breaking.length} breaking` : ''}`, findings, ...fields, touched: changeSet.touched(), dryRun: true };
  }
  if (changeSet.isEmpty) return { ok: true, summary: `nothing to do: ${plan.to} is already released here (changelog and metadata are up to date)`, findings, ...fields, touched: [] };

  const branch = `${project}-release-${plan.to}`;
  let previousBranch: string | undefined;
  if (options.branch) {
    if (!git) return { ok: false, summary: '--branch needs a git repository', findings, ...fields };
    if (await localBranchExists(root, branch)) return { ok: false, summary: `branch ${branch} already exists; delete it or release another version`, findings, ...fields };
    // In a batch the previous connector left us on its release branch; branching from it would stack releases.
    const here = await currentBranch(root);
    previousBranch = here;
    if (/-release-\d+\.\d+\.\d+/.test(here)) return { ok: false, summary: `on release branch ${here}; --branch releases one connector at a time (switch back to your branch first)`, findings, ...fields };
    const dirty = (await uncommittedFiles(root, changeSet.touched())).filter((f) => changeSet.touched().includes(f));
    if (dirty.length) log(`  note: ${dirty.join(', ')} had uncommitted edits; they are committed with the release`);
  }
  const touched = changeSet.apply();
  let commit: string | undefined;
  if (options.branch) {
    await createBranch(root, branch);
    commit = await commitFiles(root, touched, pullRequestTitle({ connectorTitle: input.title, project, from: plan.base, to: plan.to, message: input.request.message ?? `release ${plan.to}`, changes: plan.changes }));
    if (options.push) await push(root, branch);
    // The checkout now stands on the release branch: say so, and how to get back.
    log(`  now on branch ${branch}${previousBranch ? `; back to your work with: git checkout ${previousBranch}` : ''}`);
  }
  const prBody = renderPullRequest({
    connectorTitle: input.title,
    project,
    from: plan.base,
    to: plan.to,
    message: input.request.message ?? `Release ${plan.to}`,
    touched,
    changes: plan.changes,
    notCompared: plan.notCompared,
    ...catResult(workspaceRoot, project),
    docsPath: input.docs?.path,
    migrationGuidePath: input.migrationGuide.path,
  });
  mkdirSync(reportDir, { recursive: true });
  const prFile = join(reportDir, 'pull-request.md');
  writeFileSync(prFile, prBody);
  const where = options.branch ? ` on ${branch}${options.push ? ' (pushed)' : ''}` : '';
  return { ok: true, summary: `released ${plan.from === plan.to ? plan.to : `${plan.from} → ${plan.to}`}${where}: ${touched.length} file(s)${plan.breaking.length ? `, ${plan.breaking.length} breaking` : ''}`, findings, ...fields, touched, branch: options.branch ? branch : undefined, commit, pullRequest: relative(workspaceRoot, prFile) };
}

function reportFields(plan: ReleasePlan, baseRef?: string) {
  return {
    from: plan.from,
    to: plan.to,
    base: { ref: baseRef, version: plan.base },
    breaking: plan.breaking.map((c) => c.message),
    changes: plan.changes,
    notCompared: plan.notCompared,
    changelog: plan.changelog,
  };
}

/** The cat stage's verdict for the checklist, from its report when one exists. */
function catResult(workspaceRoot: string, project: string): { catPassed?: boolean; catSummary?: string } {
  const file = join(workspaceRoot, 'dist', 'conveyor', project, 'cat.json');
  if (!existsSync(file)) return {};
  try {
    const report = JSON.parse(readFileSync(file, 'utf8')) as { ok?: boolean; summary?: unknown };
    return { catPassed: report.ok === true, catSummary: typeof report.summary === 'string' ? report.summary : undefined };
  } catch {
    return {};
  }
}
