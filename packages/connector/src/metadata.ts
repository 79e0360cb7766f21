import { locate, type YamlFile } from './yaml-file';
import { quote, type Problem } from './problem';

/** The fields of metadata.yaml's `data` that Conveyor reads. Other fields are kept untouched. */
export interface ConnectorMetadata {
  name: string;
  definitionId?: string;
  connectorType: 'source' | 'destination';
  dockerRepository: string;
  dockerImageTag: string;
  documentationUrl?: string;
  githubIssueLabel?: string;
  connectorSubtype?: string;
  releaseStage?: string;
  supportLevel?: string;
  license?: string;
  tags: string[];
  allowedHosts?: { hosts?: string[] };
  connectorBuildOptions?: { baseImage?: string };
  remoteRegistries?: { pypi?: { enabled?: boolean; packageName?: string } };
  releases?: { breakingChanges?: Record<string, unknown> };
  [key: string]: unknown;
}

type Check = (v: unknown) => string | undefined;
const isString: Check = (v) => (typeof v === 'string' && v.length > 0 ? undefined : 'a non-empty string');
const isEnum = (...allowed: string[]): Check => (v) =>
  typeof v === 'string' && allowed.includes(v) ? undefined : `one of ${allowed.join(', ')}`;
const isSemver: Check = (v) =>
  typeof v === 'string' && /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(v) ? undefined : 'a semantic version such as 1.2.3';
const isStringList: Check = (v) =>
  Array.isArray(v) && v.every((t) => typeof t === 'string') ? undefined : 'a list of strings';
const isObject: Check = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? undefined : 'a mapping');
const isBool: Check = (v) => (typeof v === 'boolean' ? undefined : 'true or false');

// Fields Conveyor cannot work without are errors; the rest of the metadata schema's required fields
// (A:airbyte-ci/connectors/metadata_service/.../ConnectorMetadataDefinitionV0.yaml) are warnings.
const REQUIRED: Record<string, Check> = {
  name: isString,
  connectorType: isEnum('source', 'destination'),
  dockerRepository: isString,
  dockerImageTag: isSemver,
};
const SCHEMA_REQUIRED: Record<string, Check> = {
  definitionId: isString,
  documentationUrl: isString,
  githubIssueLabel: isString,
  license: isString,
  connectorSubtype: isEnum('api', 'database', 'datalake', 'file', 'custom', 'message_queue', 'unknown', 'vectorstore'),
  releaseStage: isEnum('alpha', 'beta', 'generally_available', 'custom'),
};
const OPTIONAL: Record<string, Check> = {
  tags: isStringList,
  supportLevel: isEnum('community', 'certified', 'archived'),
  allowedHosts: isObject,
  connectorBuildOptions: isObject,
  remoteRegistries: isObject,
  releases: isObject,
  registryOverrides: isObject,
  registries: isObject,
  supportsDbt: isBool,
  supportsNormalization: isBool,
};

export interface MetadataResult {
  value?: ConnectorMetadata;
  errors: Problem[];
  warnings: Problem[];
}

/** Validate a parsed metadata.yaml; every problem names the file, the field and what was expected. */
export function validateMetadata(file: YamlFile): MetadataResult {
  const errors: Problem[] = [...file.errors];
  const warnings: Problem[] = [];
  if (errors.length) return { errors, warnings };
  const root = file.value as Record<string, unknown> | null;
  const at = (path: (string | number)[]) => ({ file: file.file, ...locate(file, path) });
  if (!root || typeof root !== 'object' || Array.isArray(root)) {
    errors.push({ rule: 'metadata', severity: 'error', message: 'expected a mapping with a `data` key at the top level', ...at([]) });
    return { errors, warnings };
  }
  const data = root.data as Record<string, unknown> | undefined;
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    errors.push({
      rule: 'metadata',
      severity: 'error',
      message: data === undefined ? 'missing `data`: expected `data:` holding name, dockerRepository, dockerImageTag …' : `\`data\` must be a mapping, got ${quote(data)}`,
      ...at(['data']),
    });
    return { errors, warnings };
  }
  const check = (fields: Record<string, Check>, sink: Problem[], required: boolean) => {
    for (const [key, fn] of Object.entries(fields)) {
      const v = data[key];
      if (v === undefined || v === null) {
        if (required) sink.push({ rule: 'metadata', severity: sink === errors ? 'error' : 'warning', message: `missing \`data.${key}\`: expected ${fn(undefined)}`, ...at(['data']) });
        continue;
      }
      const expected = fn(v);
      if (expected) sink.push({ rule: 'metadata', severity: sink === errors ? 'error' : 'warning', message: `\`data.${key}\` must be ${expected}, got ${quote(v)}`, ...at(['data', key]) });
    }
  };
  check(REQUIRED, errors, true);
  check(SCHEMA_REQUIRED, warnings, true);
  check(OPTIONAL, errors, false);
  if (Array.isArray(data.tags)) {
    data.tags.forEach((t, i) => {
      if (typeof t === 'string' && !t.includes(':'))
        warnings.push({ rule: 'metadata', severity: 'warning', message: `tag ${quote(t)} is not a key:value pair such as language:python`, ...at(['data', 'tags', i]) });
    });
  }
  if (errors.length) return { errors, warnings };
  return { value: { ...(data as object), tags: (data.tags as string[] | undefined) ?? [] } as ConnectorMetadata, errors, warnings };
}

export function tagValue(tags: readonly string[], key: string): string | undefined {
  const hit = tags.find((t) => t.startsWith(key + ':'));
  return hit?.slice(key.length + 1);
}
