import { FsTree, flushChanges } from 'nx/src/generators/tree';
import type { Tree } from '@nx/devkit';

/**
 * Run a generator the way `nx g` does: against a tree over a real folder, then (unless dry) write the
 * changes and run the returned callback. Returns the paths the generator created or changed.
 */
export async function runGenerator<S>(
  root: string,
  generator: (tree: Tree, schema: S) => Promise<void | (() => void | Promise<void>)>,
  schema: S,
  options: { dryRun?: boolean } = {},
): Promise<string[]> {
  const tree = new FsTree(root, false);
  const callback = await generator(tree, schema);
  const changes = tree.listChanges();
  if (!options.dryRun) {
    flushChanges(root, changes);
    if (callback) await callback();
  }
  return changes.map((c) => c.path).sort();
}
