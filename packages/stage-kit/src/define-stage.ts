import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve as resolvePath } from 'node:path';
import { formatProblem, readConnector, type Problem } from '@conveyor/connector';
import { InferenceCache, inferConnectors } from './infer';
import { appliesTo, dependsOnFor, registeredStages } from './registry';
import { maskSecrets, reportDir, writeReport } from './report';
import { runBatch, type BatchTaskResult } from './batch';
import { pluginInputs } from './plugin-inputs';
import { checkPluginOptions, readStagePackage } from './descriptor';
import type { InferredConnector, StageContext, StageDescriptor, StageOutcome, StagePluginOptions, StageReport } from './types';

export interface StageDefinition<O extends object> {
  /** The plugin package's folder (holding package.json with its `"conveyor"` descriptor). */
  pluginDir: string;
  defaultOptions: O;
  /** Extra Nx inputs for a connector's target (the connector folder and the plugin's code are always in). */
  inputs?: (c: InferredConnector, workspaceRoot: string) => (string | Record<string, unknown>)[];
  /** Extra outputs besides the report. */
  outputs?: (c: InferredConnector) => string[];
  /**
   * Overrides of the package.json descriptor, for a plugin that defines a second target of its own (cat's
   * `cat-static`): its stage name (report file), executor name and so on. Inference still uses this plugin's
   * registration in nx.json.
   */
  descriptor?: Partial<StageDescriptor>;
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
  const pkg = readStagePackage(def.pluginDir);
  const descriptor: StageDescriptor = { ...pkg.descriptor, ...def.descriptor };
  const executorId = `${pkg.name}:${descriptor.executor ?? 'run'}`;

  const createNodesFunction = async (files: readonly string[], rawOptions: StagePluginOptions | undefined, context: { workspaceRoot: string; nxJsonConfiguration?: { plugins?: unknown[] } }) => {
    const options = checkPluginOptions(pkg.name, rawOptions, context.workspaceRoot);
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
        c.root === '.' ? 'metadata.yaml' : `${c.root}/metadata.yaml`,
        {
          projects: {
            [c.root]: {
              name: c.name,
              root: c.root,
              projectType: 'library',
              tags: c.tags,
              // No `technologies` here: Nx concatenates project metadata arrays across plugins (one 'airbyte' per stage).
              metadata: { description: [c.metadataError ? `metadata problem: ${c.metadataError}` : `${c.kind} connector (${c.layout})`, c.note].filter(Boolean).join('; ') },
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
    outcome = withMetadataErrors(outcome, connector.metadataErrors);
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
    const output = maskSecrets(renderStageOutput(report, lines, workspaceRoot, file), secrets);
    // The report handed back (a batch shows its summary in the progress list) is masked like the one on disk.
    return { report: secrets.size ? (JSON.parse(maskSecrets(JSON.stringify(report), secrets)) as StageReport) : report, output };
  };

  const executor = async (rawOptions: O, context: ExecutorContextLike) => {
    const project = context.projectName!;
    const root = projectRoot(context, project);
    const { report, output } = await runOne(project, root, normalizeOptions(def.defaultOptions, rawOptions), context.root);
    process.stdout.write(output);
    return { success: report.ok };
  };

  // An async iterator: Nx reports each connector's task as soon as it finishes (see batch.ts).
  const batchExecutor = (taskGraph: TaskGraphLike, inputs: Record<string, O>, overrides: O, context: ExecutorContextLike): AsyncGenerator<{ task: string; result: BatchTaskResult }> => {
    const ids = Object.keys(taskGraph.tasks);
    return runBatch(
      ids.map((id) => {
        const project = taskGraph.tasks[id].target.project;
        return {
          id,
          project,
          run: async () => {
            // Nx already merged each task's command-line overrides into its inputs, coerced to the schema's types.
            const options = normalizeOptions(def.defaultOptions, (inputs[id] ?? overrides ?? {}) as O);
            const { report, output } = await runOne(project, projectRoot(context, project), options, context.root);
            return { ok: report.ok, summary: report.summary, output };
          },
        };
      }),
      `${descriptor.stage} × ${ids.length}`,
    );
  };

  return {
    descriptor,
    createNodes: ['**/metadata.yaml', createNodesFunction] as const,
    executor,
    batchExecutor,
    /** For tests and scripts: run the stage on one connector folder without Nx. */
    runOne: (root: string, options: Partial<O> = {}, workspaceRoot = process.cwd(), project = root.split('/').pop()!) =>
      runOne(project, root, normalizeOptions(def.defaultOptions, options as O), workspaceRoot),
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
    if (k === '_' || k === '$0' || k === 'conveyorPlugin' || k.startsWith('__')) continue;
    out[k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = v;
  }
  return out as O;
}

function inferenceCacheFile(workspaceRoot: string, stage: string): string {
  const dir = process.env.NX_WORKSPACE_DATA_DIRECTORY ?? process.env.NX_PROJECT_GRAPH_CACHE_DIRECTORY ?? join(workspaceRoot, '.nx', 'workspace-data');
  return join(isAbsolute(dir) ? dir : join(workspaceRoot, dir), `conveyor-${stage}.hash.json`);
}

/** What a stage prints: its log lines, the summary, the findings at file:line (from the workspace root), the report. */
export function renderStageOutput(report: StageReport, lines: readonly string[], workspaceRoot: string, reportFile: string): string {
  const shown = report.findings.filter((f) => f.severity !== 'info');
  return [
    ...lines,
    `${report.project}:${report.stage} ${report.ok ? '✔' : '✖'} ${report.summary}`,
    ...shown.slice(0, MAX_PRINTED_FINDINGS).map((f) => '  ' + formatProblem({ ...f, file: f.file && relative(workspaceRoot, resolvePath(workspaceRoot, f.file)) }).split('\n').join('\n  ')),
    ...(shown.length > MAX_PRINTED_FINDINGS ? [`  … and ${shown.length - MAX_PRINTED_FINDINGS} more in the report`] : []),
    `  report: ${relative(workspaceRoot, reportFile)}`,
    '',
  ].join('\n');
}

/**
 * A connector whose metadata.yaml does not parse, lacks `data` or has fields of the wrong type stays in the
 * graph, but no stage passes on it: whatever the stage found, it fails naming the file, field and expectation.
 */
export function withMetadataErrors(outcome: StageOutcome, errors: readonly Problem[]): StageOutcome {
  if (!errors.length) return outcome;
  const key = (p: Problem) => `${p.file}:${p.line}:${p.message}`;
  const seen = new Set((outcome.findings ?? []).map(key));
  const findings = [...errors.filter((e) => !seen.has(key(e))), ...(outcome.findings ?? [])];
  if (!outcome.ok) return { ...outcome, findings };
  const more = errors.length > 1 ? ` (+${errors.length - 1} more)` : '';
  return { ...outcome, ok: false, summary: `metadata.yaml: ${errors[0].message}${more}; the stage itself: ${outcome.summary}`, findings };
}
