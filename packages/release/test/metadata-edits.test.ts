import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { addBreakingChange, readDockerfileVersion, readPyprojectVersion, setDockerfileVersion, setDockerImageTag, setPyprojectVersion } from '../src';

const entry = { message: 'Streams renamed', upgradeDeadline: '2024-10-01', impactedStreams: ['users'] };
const bc = (text: string) => (parse(text) as { data: { releases: { breakingChanges: Record<string, unknown> } } }).data.releases.breakingChanges;
const linesAdded = (before: string, after: string) => after.split('\n').filter((l) => !before.split('\n').includes(l));

describe('dockerImageTag', () => {
  it('replaces only the version characters, keeping quotes and comments, and moves overrides pinned to it', () => {
    const text = 'data:\n  dockerImageTag: "0.1.9" # current\n  registryOverrides:\n    cloud:\n      dockerImageTag: 0.1.9\n    oss:\n      dockerImageTag: 0.1.0\n';
    expect(setDockerImageTag(text, '0.1.9', '0.2.0')).toBe('data:\n  dockerImageTag: "0.2.0" # current\n  registryOverrides:\n    cloud:\n      dockerImageTag: 0.2.0\n    oss:\n      dockerImageTag: 0.1.0\n');
  });
  it('fails naming the file when the tag line is missing', () => {
    expect(() => setDockerImageTag('data:\n  name: x\n', '0.1.0', '0.2.0', 'm.yaml')).toThrow(/m\.yaml: no "dockerImageTag: 0\.1\.0" line/);
  });
});

describe('Dockerfile and pyproject.toml', () => {
  it('edit the label and [tool.poetry] version only', () => {
    expect(setDockerfileVersion('LABEL io.airbyte.version=0.1.0\nLABEL io.airbyte.name=x\n', '0.2.0')).toBe('LABEL io.airbyte.version=0.2.0\nLABEL io.airbyte.name=x\n');
    expect(readDockerfileVersion('FROM x\n')).toBeUndefined();
    const py = '[tool.black]\nversion = "keep"\n\n[tool.poetry]\nname = "s"\nversion = "0.1.0"\n';
    expect(readPyprojectVersion(py)).toBe('0.1.0');
    expect(setPyprojectVersion(py, '0.2.0')).toBe('[tool.black]\nversion = "keep"\n\n[tool.poetry]\nname = "s"\nversion = "0.2.0"\n');
  });
});

describe('releases.breakingChanges', () => {
  it('goes first under an existing breakingChanges, other lines untouched (source-mailchimp shape)', () => {
    const text = 'data:\n  name: M\n  releases:\n    breakingChanges:\n      1.0.0:\n        message: old\n        upgradeDeadline: "2024-01-01"\n  releaseStage: beta\n';
    const out = addBreakingChange(text, '2.0.0', entry);
    expect(Object.keys(bc(out))).toEqual(['2.0.0', '1.0.0']);
    expect(linesAdded(text, out)).toEqual(['      2.0.0:', '        message: "Streams renamed"', '        upgradeDeadline: "2024-10-01"', '        scopedImpact:', '          - scopeType: stream', '            impactedScopes: ["users"]']);
  });

  it('adds breakingChanges under an existing releases block', () => {
    const text = 'data:\n  releases:\n    migrationDocumentationUrl: https://x\n  tags: []\n';
    const out = addBreakingChange(text, '2.0.0', { message: 'x', upgradeDeadline: '2024-10-01' });
    expect(bc(out)['2.0.0']).toEqual({ message: 'x', upgradeDeadline: '2024-10-01' });
  });

  it('places a new releases block where it sorts among sorted keys, after comments that belong to the next key', () => {
    const text = 'data:\n  name: M\n  registryOverrides:\n    oss:\n      enabled: true\n  # stage comment\n  releaseStage: beta\n  tags:\n    - language:python\nmetadataSpecVersion: "1.0"\n';
    const out = addBreakingChange(text, '1.0.0', entry);
    const lines = out.split('\n');
    expect(lines.indexOf('  releases:')).toBe(5);
    expect(lines[lines.indexOf('  releases:') + 8]).toBe('  # stage comment');
  });

  it('appends to the end of data when keys are not sorted, matching a 4-space indent', () => {
    const text = 'data:\n    tags:\n        - language:python\n    name: M\nmetadataSpecVersion: "1.0"\n';
    const out = addBreakingChange(text, '1.0.0', entry);
    expect(out).toContain('    name: M\n    releases:\n        breakingChanges:\n            1.0.0:\n');
    expect(bc(out)['1.0.0']).toMatchObject({ message: 'Streams renamed' });
  });

  it('leaves an existing entry for the version alone (re-runs keep a maintainer\'s wording)', () => {
    const text = 'data:\n  releases:\n    breakingChanges:\n      1.0.0:\n        message: refined by hand\n        upgradeDeadline: "2024-01-01"\n';
    expect(addBreakingChange(text, '1.0.0', entry)).toBe(text);
  });
});
