import { logger, readJson, updateJson, type Tree } from '@nx/devkit';
import { assertKebabCase, GeneratorInputError, splitList } from '../names';
import { knownStages, workspacePackages } from './stages-in-tree';
import { stageFiles } from './stage-files';

export interface StageGeneratorSchema {
  name: string;
  /** Stage(s) this one runs after on the same connector (comma list). */
  after?: string | string[];
  description?: string;
  /** Layouts the stage applies to (comma list); empty = every connector. */
  layouts?: string | string[];
  cache?: boolean;
  /** Folder that holds plugin packages; default `plugins`. */
  directory?: string;
  /** npm package name; default `@conveyor/<name>`. */
  packageName?: string;
}

const LAYOUTS = ['manifest-only', 'low-code', 'python', 'java', 'unknown'];

/** `nx g @conveyor/workspace:stage <name> --after <stage>`: a new stage plugin, registered in nx.json. */
export async function stageGenerator(tree: Tree, schema: StageGeneratorSchema) {
  const name = assertKebabCase(schema.name, 'stage name', 'check-docs');
  const dir = `${(schema.directory ?? 'plugins').replace(/\/+$/, '')}/${name}`;
  const packageName = schema.packageName ?? `@conveyor/${name}`;
  const after = splitList(schema.after);
  const layouts = splitList(schema.layouts);

  const stages = knownStages(tree);
  const packages = workspacePackages(tree);
  if (tree.exists(dir)) throw new GeneratorInputError(`stage name: ${dir} already exists; pick another name or remove that folder`);
  const same = stages.find((s) => s.stage === name);
  if (same) throw new GeneratorInputError(`stage name: "${name}" is already the stage of ${same.plugin} in nx.json; pick another name`);
  if (packages.has(packageName)) throw new GeneratorInputError(`package name: ${packageName} is already used by ${packages.get(packageName)!.dir}`);
  for (const a of after) {
    if (a === name) throw new GeneratorInputError(`--after: a stage cannot run after itself ("${a}")`);
    if (!stages.some((s) => s.stage === a))
      throw new GeneratorInputError(
        `--after: no stage "${a}" is registered in nx.json; known stages: ${stages.map((s) => s.stage).join(', ') || '(none)'}`,
      );
  }
  const unknownLayout = layouts.find((l) => !LAYOUTS.includes(l));
  if (unknownLayout) throw new GeneratorInputError(`--layouts: "${unknownLayout}" is not a layout; expected some of ${LAYOUTS.join(', ')}`);

  const local = (pkg: string) => packages.get(pkg);
  const depth = dir.split('/').length;
  const up = '../'.repeat(depth);
  const files = stageFiles({
    name,
    packageName,
    description: schema.description ?? `The ${name} stage.`,
    after,
    layouts,
    cache: schema.cache ?? false,
    versions: { connector: versionOf(tree, '@conveyor/connector'), stageKit: versionOf(tree, '@conveyor/stage-kit') },
    references: ['@conveyor/connector', '@conveyor/stage-kit'].flatMap((p) => (local(p) ? [`${up}${local(p)!.dir}`] : [])),
  });
  for (const [rel, content] of Object.entries(files)) {
    // The generated tsconfig extends the workspace base from wherever the plugin folder sits.
    tree.write(`${dir}/${rel}`, rel === 'tsconfig.json' ? content.replace('../../tsconfig.base.json', `${up}tsconfig.base.json`) : content);
  }

  updateJson(tree, 'nx.json', (nx: { plugins?: unknown[] }) => {
    nx.plugins = [...(nx.plugins ?? []), packageName];
    return nx;
  });
  if (tree.exists('tsconfig.build.json')) {
    updateJson(tree, 'tsconfig.build.json', (ts: { references?: { path: string }[] }) => {
      const refs = ts.references ?? [];
      if (!refs.some((r) => r.path === dir)) refs.push({ path: dir });
      ts.references = refs;
      return ts;
    });
  }
  return () => {
    logger.info(`Stage "${name}" runs after ${after.length ? after.join(', ') : 'nothing (it is a first stage)'}.`);
    logger.info(`Next: npm install && npm run build, then npx nx run <connector>:${name}`);
  };
}

/** The version a workspace package (or an installed one) has, so the new plugin depends on what exists. */
function versionOf(tree: Tree, pkg: string): string {
  const local = workspacePackages(tree).get(pkg);
  if (local) return (readJson(tree, `${local.dir}/package.json`) as { version: string }).version;
  try {
    return (require(require.resolve(`${pkg}/package.json`, { paths: [tree.root] })) as { version: string }).version;
  } catch {
    return '0.1.0';
  }
}

export default stageGenerator;
