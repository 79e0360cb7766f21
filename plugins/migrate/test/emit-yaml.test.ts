import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { emitYaml, isPlainSafe } from '../src/emit-yaml';
import { CORPUS } from './corpus';

describe('emitYaml', () => {
  it('writes values that read back identically, quoting whatever a YAML 1.1 parser (PyYAML) would read differently', () => {
    const value = {
      version: '4.3.2',
      dates: ['2021-01-01', '1:20', '0x1F', '1_000', '.5', '-1', '+1'],
      words: ['yes', 'No', 'on', 'OFF', 'y', 'null', '~', 'true', '=', '<<'],
      indicators: ['- a', '? b', ': c', '#d', '&e', '*f', '!g', '|h', '>i', "'j", '"k', '%l', '@m', '`n', '{{ config["x"] }}', '[1]', 'a: b', 'a #b', 'end:'],
      plain: ['/users', '$schema', 'https://api.example.com/v1?a=1', 'DeclarativeStream', "{{ config['a'] }} and text"],
      text: ['line one\nline two', 'trailing newline\n', 'two\n\n', ' leading', 'tab\there', 'cr\r\n'],
      numbers: [0, 1.5, -3, 1e21, true, false, null],
      empty: { list: [], map: {}, string: '' },
      nested: [[1, [2]], { a: [{ b: { c: 'd' } }] }, []],
      '200': 'status key',
      'key with: colon': 1,
    };
    expect(parse(emitYaml(value))).toEqual(value);
    expect(isPlainSafe('2021-01-01')).toBe(false);
    expect(isPlainSafe('yes')).toBe(false);
    expect(isPlainSafe('source_declarative_manifest.components.X')).toBe(true);
  });

  it.skipIf(!existsSync(join(CORPUS, 'migrations')))('round-trips every real manifest-only manifest', () => {
    for (const c of readdirSync(join(CORPUS, 'migrations'))) {
      const value = parse(readFileSync(join(CORPUS, 'migrations', c, 'after', 'manifest.yaml'), 'utf8'));
      expect(parse(emitYaml(value)), c).toEqual(value);
    }
  });
});
