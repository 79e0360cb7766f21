import { afterEach, describe, expect, it } from 'vitest';
import { ChangeSet } from '@conveyor/connector';
import { tempDir, writeTree, type TempDir } from '../../../test/support';
import { diffStat } from '../src/diff';

let tmp: TempDir | undefined;
afterEach(() => tmp?.cleanup());

describe('diffStat', () => {
  it('summarises a change set’s diff per file: created, deleted and modified', () => {
    tmp = tempDir();
    writeTree(tmp.dir, { 'a.yaml': 'one\ntwo\nthree\n', 'gone/b.json': '{\n  "x": 1\n}\n' });
    const cs = new ChangeSet(tmp.dir).write('a.yaml', 'one\n2\nthree\n').delete('gone').write('new/c.py', 'print(1)\n');
    expect(diffStat(cs.diff('x/'))).toBe([' x/a.yaml      | +1 -1', ' x/gone/b.json | +0 -3', ' x/new/c.py    | +1 -0'].join('\n'));
  });
});
