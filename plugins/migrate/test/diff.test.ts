import { afterEach, describe, expect, it } from 'vitest';
import { ChangeSet } from '@conveyor/connector';
import { tempDir, writeTree, type TempDir } from '../../../test/support';
import { planDiff } from '../src/diff';

let tmp: TempDir | undefined;
afterEach(() => tmp?.cleanup());

describe('planDiff', () => {
  it('prints the same text as ChangeSet.diff() for created, deleted and modified files', () => {
    tmp = tempDir();
    writeTree(tmp.dir, { 'a.yaml': 'one\ntwo\nthree\n', 'gone/b.json': '{\n  "x": 1\n}\n', 'empty.txt': '' });
    const cs = new ChangeSet(tmp.dir).write('a.yaml', 'one\n2\nthree\n').delete('gone').write('new/c.py', 'print(1)\n').delete('empty.txt');
    expect(planDiff(cs, 'x/')).toBe(cs.diff('x/'));
    expect(planDiff(cs)).toContain('--- /dev/null\n+++ b/new/c.py\n@@ -0,0 +1,1 @@\n+print(1)\n');
  });
});
