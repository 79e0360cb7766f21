import { parse } from 'yaml';
import { ReleaseError } from './version';

/**
 * Text-preserving version edits: each replaces only the characters of the version it targets, so comments,
 * quoting and key order survive and the diff is one line per file.
 */

const TAG_LINE = /^([ \t]*dockerImageTag:[ \t]*)(["']?)([^"'\s#]+)\2([ \t]*(?:#.*)?)$/gm;

/** `data.dockerImageTag`, or undefined when the file does not parse or lacks it. */
export function readDockerImageTag(metadataText: string): string | undefined {
  try {
    const tag = (parse(metadataText) as { data?: { dockerImageTag?: unknown } } | null)?.data?.dockerImageTag;
    return tag === undefined || tag === null ? undefined : String(tag);
  } catch {
    return undefined;
  }
}

/**
 * Replace every `dockerImageTag: <from>` with `<to>`, as airbyte-ci's SetConnectorVersion does by text replace
 * (so a registry override pinned to the same version moves with it; overrides pinned elsewhere stay).
 */
export function setDockerImageTag(metadataText: string, from: string, to: string, file = 'metadata.yaml'): string {
  let count = 0;
  const out = metadataText.replace(TAG_LINE, (line, head: string, q: string, value: string, tail: string) => {
    if (value !== from) return line;
    count++;
    return `${head}${q}${to}${q}${tail}`;
  });
  if (!count) throw new ReleaseError(`${file}: no "dockerImageTag: ${from}" line to bump (expected a line like "  dockerImageTag: ${from}" under data)`);
  return out;
}

/** Dockerfile `LABEL io.airbyte.version=<v>`; undefined when the Dockerfile has no such label. */
export function readDockerfileVersion(text: string): string | undefined {
  return /^LABEL[ \t]+io\.airbyte\.version=(["']?)([^"'\s]+)\1/m.exec(text)?.[2];
}

export function setDockerfileVersion(text: string, to: string): string {
  return text.replace(/^(LABEL[ \t]+io\.airbyte\.version=)(["']?)([^"'\s]+)\2/m, (_l, head: string, q: string) => `${head}${q}${to}${q}`);
}

/** The `version = "…"` line of `[tool.poetry]` (what `poetry version` edits), else of `[project]`. */
function pyprojectVersionLine(text: string): { start: number; end: number; value: string } | undefined {
  const lines = text.split('\n');
  for (const section of ['[tool.poetry]', '[project]']) {
    let offset = 0;
    let inSection = false;
    for (const line of lines) {
      const trimmed = line.trim();
      if (trimmed.startsWith('[')) inSection = trimmed === section;
      else if (inSection) {
        const m = /^(version[ \t]*=[ \t]*)(["'])([^"']*)\2/.exec(line);
        if (m) return { start: offset + m[1].length + 1, end: offset + m[1].length + 1 + m[3].length, value: m[3] };
      }
      offset += line.length + 1;
    }
  }
  return undefined;
}

export function readPyprojectVersion(text: string): string | undefined {
  return pyprojectVersionLine(text)?.value;
}

export function setPyprojectVersion(text: string, to: string): string {
  const at = pyprojectVersionLine(text);
  return at ? text.slice(0, at.start) + to + text.slice(at.end) : text;
}
