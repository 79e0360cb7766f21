import { readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve as resolvePath } from 'node:path';
import { formatProblem, listFiles, readConnector } from '@conveyor/connector';
import { createHash } from 'node:crypto';
import { InferenceCache, inferConnectors } from './infer';
import { appliesTo, dependsOnFor, registeredStages } from './registry';
import { maskSecrets, reportDir, writeReport } from './report';
import { runWithProgress } from './progress';
import type { InferredConnector, StageContext, StageDescriptor, StageOutcome, StagePluginOptions, StageReport } from './types';

export interface StageDefinition<O extends object> {
  /** The plugin package's folder (holding package.json with its `"conveyor"` descriptor). */
  pluginDir: string;
  defaultOptions: O;
  /** Extra Nx inputs for a connector's target (the connector folder and the plugin's code are always in). */
  inputs?: (c: InferredConnector, workspaceRoot: string) => (string | Record<string, unknown>)[];
  /** Extra outputs besides the report. */
  outputs?: (c: InferredConnector) => string[];
  /** Do the work for one connector. Throw only on bugs: a failing connector returns `ok: false`. */
  run(ctx: StageContext<O>): Promise<StageOutcome>;
}

export interface ExecutorContextLike {
  root: string;
  projectName?: string;
  targetName?: string;
  projectsConfigurations?: { projects: Record<string, { root: string }> };
  projectGraph?: { nodes: Record<string, { data: { root: string } }> };
}

export interface TaskGraphLike {
  tasks: Record<string, { id: string; target: { project: string; target: string }; overrides?: Record<string, unknown> }>;
  roots?: string[];
  dependencies?: Record<string, string[]>;
}

/** Turn a stage into what Nx needs: inference (`createNodes`), an executor and a batch executor. */
const MAX_PRINTED_FINDINGS = 20;

export function defineStage<O extends object>(def: StageDefinition<O>) {
  const pkg = JSON.parse(readFileSync(join(def.pluginDir, 'package.json'), 'utf8')) as { name: string; conveyor: StageDescriptor };
  const descriptor = pkg.conveyor;
  const executorId = `${pkg.name}:${descriptor.executor ?? 'run'}`;

  const createNodesFunction = async (files: readonly string[], rawOptions: StagePluginOptions | undefined, context: { workspaceRoot: string; nxJsonConfiguration?: { plugins?: unknown[] } }) => {
    const options = rawOptions ?? {};
    const workspaceRoot = context.workspaceRoot;
    const cache = new InferenceCache(inferenceCacheFile(workspaceRoot, descriptor.stage));
    const connectors = inferConnectors(files, workspaceRoot, options.connectorGlobs, cache);
    cache.save();
    const stages = registeredStages(context.nxJsonConfiguration?.plugins as never, workspaceRoot);
    const targetName = options.targetName ?? descriptor.stage;
    const after = options.after ?? descriptor.after ?? [];
    const own = pluginInputs(def.pluginDir, workspaceRoot);
    const results: [string, unknown][] = [];
    for (const c of connectors) {
      // Every connector is a project, even where this stage does not apply (it then adds no target).
      const applies = appliesTo(descriptor.appliesTo, c);
      const target = {
        executor: executorId,
        cache: descriptor.cache ?? false,
        inputs: ['{projectRoot}/**/*', '!{projectRoot}/secrets/**/*', ...own.inputs, ...(def.inputs?.(c, workspaceRoot) ?? [])],
        outputs: [`{workspaceRoot}/dist/conveyor/{projectName}/${descriptor.stage}.json`, ...(def.outputs?.(c) ?? [])],
        dependsOn: dependsOnFor(descriptor.stage, after, stages, c),
        // The fingerprint of a plugin installed outside the workspace is part of the options, hence of the task hash.
        options: { ...def.defaultOptions, ...(options.options ?? {}), ...(own.fingerprint ? { conveyorPlugin: own.fingerprint } : {}) },
        metadata: {
          description: descriptor.description,
          technologies: ['airbyte'],
          help: { command: `npx nx run ${c.name}:${targetName} --help`, example: { options: {} } },
        },
      };
      results.push([
        `${c.root}/metadata.yaml`,
        {
          projects: {
            [c.root]: {
              name: c.name,
              root: c.root,
              projectType: 'library',
              tags: c.tags,
              metadata: { technologies: ['airbyte'], description: c.metadataError ? `metadata problem: ${c.metadataError}` : `${c.kind} connector (${c.layout})` },
              targets: applies ? { [targetName]: target } : {},
            },
          },
        },
      ]);
    }
    return results as never;
  };

  const runOne = async (project: string, root: string, options: O, workspaceRoot: string): Promise<{ report: StageReport; output: string }> => {
    const secrets = new Set<string>();
    const lines: string[] = [];
    const started = Date.now();
    const connector = readConnector(isAbsolute(root) ? root : join(workspaceRoot, root));
    const ctx: StageContext<O> = {
      connector,
      options,
      workspaceRoot,
      project,
      reportDir: reportDir(workspaceRoot, project),
      log: (line) => lines.push(line),
      addSecret: (s) => secrets.add(s),
    };
    let outcome: StageOutcome;
    try {
      outcome = await def.run(ctx);
    } catch (e) {
      const err = e as Error;
      outcome = { ok: false, summary: `crashed: ${err.message}`, findings: [{ rule: 'internal', severity: 'error', message: err.stack ?? err.message }] };
    }
    const report: StageReport = {
      stage: descriptor.stage,
      project,
      ...outcome,
      ok: outcome.ok,
      summary: outcome.summary,
      findings: outcome.findings ?? [],
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
    };
    const file = writeReport(workspaceRoot, report, secrets);
    const shown = report.findings.filter((f) => f.severity !== 'info');
    const output = maskSecrets(
      [
        ...lines,
        `${project}:${descriptor.stage} ${report.ok ? '✔' : '✖'} ${report.summary}`,
        ...shown.slice(0, MAX_PRINTED_FINDINGS).map((f) => '  ' + formatProblem({ ...f, file: f.file && relative(workspaceRoot, resolvePath(workspaceRoot, f.file)) }).split('\n').join('\n  ')),
        ...(shown.length > MAX_PRINTED_FINDINGS ? [`  … and ${shown.length - MAX_PRINTED_FINDINGS} more in the report`] : []),
        `  report: ${relative(workspaceRoot, file)}`,
        '',
      ].join('\n'),
      secrets,
    );
    return { report, output };
  };

  const executor = async (rawOptions: O, context: ExecutorContextLike) => {
    const project = context.projectName!;
    const root = projectRoot(context, project);
    const { report, output } = await runOne(project, root, normalizeOptions(def.defaultOptions, rawOptions), context.root);
    process.stdout.write(output);
    return { success: report.ok };
  };

  const batchExecutor = async (taskGraph: TaskGraphLike, inputs: Record<string, O>, overrides: O, context: ExecutorContextLike) => {
    const results: Record<string, { success: boolean; terminalOutput: string; startTime: number; endTime: number }> = {};
    const ids = Object.keys(taskGraph.tasks);
    await runWithProgress(
      ids.map((id) => {
        const task = taskGraph.tasks[id];
        return {
          title: task.target.project,
          run: async () => {
            const startTime = Date.now();
            const options = normalizeOptions(def.defaultOptions, { ...(inputs[id] ?? {}), ...(overrides ?? {}) } as O);
            const { report, output } = await runOne(task.target.project, projectRoot(context, task.target.project), options, context.root);
            results[id] = { success: report.ok, terminalOutput: output, startTime, endTime: Date.now() };
            return { ok: report.ok, summary: report.summary };
          },
        };
      }),
      `${descriptor.stage} × ${ids.length}`,
    );
    return results;
  };

  return {
    descriptor,
    createNodes: ['**/metadata.yaml', createNodesFunction] as const,
    executor,
    batchExecutor,
    /** For tests and scripts: run the stage on one connector folder without Nx. */
    runOne: (root: string, options: Partial<O> = {}, workspaceRoot = process.cwd()) =>
      runOne(root.split('/').pop()!, root, normalizeOptions(def.defaultOptions, options as O), workspaceRoot),
  };
}

function projectRoot(context: ExecutorContextLike, project: string): string {
  const root = context.projectsConfigurations?.projects[project]?.root ?? context.projectGraph?.nodes[project]?.data.root;
  if (!root) throw new Error(`project ${project} is not in the workspace`);
  return root;
}

/** Defaults, then the given options, with kebab-case flags (`--dry-run`) folded into camelCase. */
export function normalizeOptions<O extends object>(defaults: O, given: O): O {
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries((given ?? {}) as Record<string, unknown>)) {
    if (k === '_' || k === '$0' || k === 'conveyorPlugin') continue;
    out[k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = v;
  }
  return out as O;
}

function inferenceCacheFile(workspaceRoot: string, stage: string): string {
  const dir = process.env.NX_WORKSPACE_DATA_DIRECTORY ?? process.env.NX_PROJECT_GRAPH_CACHE_DIRECTORY ?? join(workspaceRoot, '.nx', 'workspace-data');
  return join(isAbsolute(dir) ? dir : join(workspaceRoot, dir), `conveyor-${stage}.hash.json`);
}

const inputsCache = new Map<string, { inputs: string[]; fingerprint?: string }>();

/**
 * The plugin's own code as Nx inputs, so cached results are invalidated by a change to it: source folders
 * when the plugin (and the Conveyor packages it uses) live in this workspace, else the installed package version.
 */
export function pluginInputs(pluginDir: string, workspaceRoot: string): { inputs: string[]; fingerprint?: string } {
  const key = `${pluginDir}\0${workspaceRoot}`;
  const hit = inputsCache.get(key);
  if (hit) return hit;
  const dirs = new Map<string, string>();
  const visit = (dir: string) => {
    let pkg: { name: string; dependencies?: Record<string, string> };
    try {
      pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    } catch {
      return;
    }
    if (dirs.has(pkg.name)) return;
    dirs.set(pkg.name, dir);
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      if (!dep.startsWith('@conveyor/')) continue;
      try {
        visit(dirname(require.resolve(`${dep}/package.json`, { paths: [dir] })));
      } catch {
        // not installed: nothing to hash
      }
    }
  };
  visit(pluginDir);
  const files: string[] = [];
  const fingerprint = createHash('sha256');
  for (const [name, dir] of dirs) {
    const real = realpath(dir);
    const rel = relative(workspaceRoot, real).split('\\').join('/');
    if (!rel.startsWith('..') && !isAbsolute(rel) && !rel.includes('node_modules')) {
      files.push(`{workspaceRoot}/${rel}/src/**/*`, `{workspaceRoot}/${rel}/package.json`);
    } else {
      // Installed outside the workspace (npm tarball, registry): Nx cannot hash those files, and an
      // `externalDependencies` input fails when the package is not in the lockfile, so hash them here.
      fingerprint.update(name);
      for (const f of listFiles(real).filter((f) => !f.startsWith('node_modules/'))) fingerprint.update(f).update(readFileSync(join(real, f)));
    }
  }
  const result = { inputs: files, fingerprint: files.length === dirs.size * 2 ? undefined : fingerprint.digest('hex').slice(0, 16) };
  inputsCache.set(key, result);
  return result;
}

function realpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}


