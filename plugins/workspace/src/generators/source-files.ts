import { stringify } from 'yaml';
import type { ManifestFacts } from './source-manifest';
import { pascalCase } from '../names';

export interface SourceInput {
  /** `source-foo`. */
  connector: string;
  /** `foo`. */
  short: string;
  displayName: string;
  layout: 'manifest-only' | 'low-code';
  definitionId: string;
  releaseDate: string;
  releaseStage: string;
  supportLevel: string;
  oss: boolean;
  cloud: boolean;
  baseImage?: string;
  icon: boolean;
  facts: ManifestFacts;
  /** Relative to the connector root. */
  manifestPath: string;
  pr: string;
}

/** metadata.yaml as Airbyte's New Source Setup leaves it (§6 of the process reference). */
export function metadataYaml(i: SourceInput): string {
  const data: Record<string, unknown> = {
    allowedHosts: { hosts: i.facts.hosts },
    ...(i.baseImage ? { connectorBuildOptions: { baseImage: i.baseImage } } : {}),
    connectorSubtype: 'api',
    connectorType: 'source',
    definitionId: i.definitionId,
    dockerImageTag: '0.1.0',
    dockerRepository: `airbyte/${i.connector}`,
    documentationUrl: `https://docs.airbyte.com/integrations/sources/${i.short}`,
    githubIssueLabel: i.connector,
    ...(i.icon ? { icon: 'icon.svg' } : {}),
    license: 'MIT',
    name: i.displayName,
    registryOverrides: { cloud: { enabled: i.cloud }, oss: { enabled: i.oss } },
    releaseDate: i.releaseDate,
    releaseStage: i.releaseStage,
    // PyPI publishing is only for Python packages; the metadata validator rejects it for manifest-only.
    remoteRegistries: { pypi: { enabled: i.layout === 'low-code', packageName: `airbyte-${i.connector}` } },
    supportLevel: i.supportLevel,
    tags: i.layout === 'manifest-only' ? ['language:manifest-only', 'cdk:low-code'] : ['language:python', 'cdk:low-code'],
    connectorTestSuitesOptions: [
      {
        suite: 'acceptanceTests',
        testSecrets: [
          {
            name: `SECRET_${i.connector.toUpperCase()}__CREDS`,
            fileName: 'config.json',
            secretStore: { type: 'GSM', alias: 'airbyte-connector-testing-secret-store' },
          },
        ],
      },
    ],
  };
  return stringify({ data, metadataSpecVersion: '1.0' }, { lineWidth: 0 });
}

/** acceptance-test-config.yml with the standard suites (CAT reference §5.4). */
export function acceptanceTestConfig(i: SourceInput): string {
  const incremental = i.facts.streams.filter((s) => s.incremental);
  const config = {
    connector_image: `airbyte/${i.connector}:dev`,
    acceptance_tests: {
      spec: { tests: [{ spec_path: i.manifestPath }] },
      connection: {
        tests: [
          { config_path: 'secrets/config.json', status: 'succeed' },
          { config_path: 'integration_tests/invalid_config.json', status: 'failed' },
        ],
      },
      discovery: { tests: [{ config_path: 'secrets/config.json' }] },
      basic_read: { tests: [{ config_path: 'secrets/config.json', configured_catalog_path: 'integration_tests/configured_catalog.json', empty_streams: [] }] },
      incremental: incremental.length
        ? {
            tests: [
              {
                config_path: 'secrets/config.json',
                configured_catalog_path: 'integration_tests/configured_catalog.json',
                future_state: { future_state_path: 'integration_tests/abnormal_state.json' },
              },
            ],
          }
        : { bypass_reason: 'No stream declares incremental_sync' },
      full_refresh: { tests: [{ config_path: 'secrets/config.json', configured_catalog_path: 'integration_tests/configured_catalog.json' }] },
    },
  };
  return (
    '# See https://docs.airbyte.com/connector-development/testing-connectors/connector-acceptance-tests-reference\n' +
    stringify(config, { lineWidth: 0 })
  );
}

/** Every stream in full refresh, overwrite: the catalog basic_read and full_refresh read. */
export function configuredCatalog(i: SourceInput): string {
  const streams = i.facts.streams.map((s) => ({
    stream: { name: s.name, json_schema: {}, supported_sync_modes: s.incremental ? ['full_refresh', 'incremental'] : ['full_refresh'] },
    sync_mode: 'full_refresh',
    destination_sync_mode: 'overwrite',
  }));
  return JSON.stringify({ streams }, null, 2) + '\n';
}

/** STREAM states far in the future, so the incremental suite's abnormal-state read returns nothing. */
export function abnormalState(i: SourceInput): string {
  const states = i.facts.streams
    // A cursor only known at run time (interpolated) cannot be written down; CAT reads the other streams' states.
    .filter((s) => s.incremental && s.cursorField)
    .map((s) => ({ type: 'STREAM', stream: { stream_descriptor: { name: s.name }, stream_state: { [s.cursorField!]: '2099-01-01T00:00:00Z' } } }));
  return JSON.stringify(states, null, 2) + '\n';
}

/** A config shaped by the spec: examples, then defaults, then a value of the right type. */
export function sampleConfig(spec: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const props = (spec.properties ?? {}) as Record<string, Record<string, unknown>>;
  for (const [key, prop] of Object.entries(props)) out[key] = sampleValue(key, prop);
  return out;
}

function sampleValue(key: string, prop: Record<string, unknown>): unknown {
  if (Array.isArray(prop.examples) && prop.examples.length) return prop.examples[0];
  if (prop.default !== undefined) return prop.default;
  if (prop.const !== undefined) return prop.const;
  if (Array.isArray(prop.enum) && prop.enum.length) return prop.enum[0];
  if (Array.isArray(prop.oneOf) && prop.oneOf.length) return sampleConfig(prop.oneOf[0] as Record<string, unknown>);
  const type = Array.isArray(prop.type) ? prop.type.find((t) => t !== 'null') : prop.type;
  switch (type) {
    case 'integer':
    case 'number':
      return typeof prop.minimum === 'number' ? prop.minimum : 1;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return sampleConfig(prop);
  }
  if (prop.format === 'date-time') return '2024-01-01T00:00:00Z';
  if (prop.format === 'date') return '2024-01-01';
  return prop.airbyte_secret ? `<your ${key}>` : `<${key}>`;
}

/** The sample config with every secret replaced: `check` must fail with it. */
export function invalidConfig(spec: Record<string, unknown>): Record<string, unknown> {
  const out = sampleConfig(spec);
  const props = (spec.properties ?? {}) as Record<string, Record<string, unknown>>;
  let replaced = false;
  for (const [key, prop] of Object.entries(props)) {
    if (prop.airbyte_secret) {
      out[key] = 'invalid-' + key;
      replaced = true;
    }
  }
  // Without secrets, a config missing every required field is what fails.
  return replaced ? out : {};
}

/** docs/integrations/sources/<short>.md with the changelog table in Airbyte's shape (§4.2). */
export function docsPage(i: SourceInput): string {
  const streams = i.facts.streams.map((s) => `- ${s.name}`).join('\n');
  const props = Object.entries((i.facts.connectionSpecification.properties ?? {}) as Record<string, { title?: string; description?: string }>);
  const config = props.map(([k, p]) => `| \`${k}\` | ${p.title ?? k} | ${p.description ?? ''} |`).join('\n');
  const pr = /^\d+$/.test(i.pr) ? `[${i.pr}](https://github.com/airbytehq/airbyte/pull/${i.pr})` : i.pr;
  return `# ${i.displayName}

This page guides you through setting up the ${i.displayName} source connector.

## Prerequisites

${props.length ? 'The values the configuration form asks for:' : 'No configuration is needed.'}

${props.length ? `| Field | Title | Description |\n| :---- | :---- | :---------- |\n${config}\n` : ''}
## Supported sync modes

| Feature           | Supported? |
| :---------------- | :--------- |
| Full Refresh Sync | Yes        |
| Incremental Sync  | ${i.facts.streams.some((s) => s.incremental) ? 'Yes' : 'No '}        |

## Supported Streams

${streams}

## Changelog

<details>
  <summary>Expand to review</summary>

| Version | Date       | Pull Request | Subject        |
| :------ | :--------- | :----------- | :------------- |
| 0.1.0 | ${i.releaseDate} | ${pr} | New source: ${i.displayName} |

</details>
`;
}

export function readme(i: SourceInput): string {
  return `# ${i.displayName} source

A ${i.layout} declarative connector: its behaviour is \`${i.manifestPath}\`, which opens in the Connector Builder
(Builder → Import a YAML).

- Put a working config in \`secrets/config.json\` (git-ignored; start from \`integration_tests/sample_config.json\`).
- Check it: \`npx nx run ${i.connector}:import-check\`, then the acceptance tests: \`npx nx run ${i.connector}:cat\`.
- Releasing a change: bump \`dockerImageTag\` in \`metadata.yaml\` and add a row to the changelog in
  \`docs/integrations/sources/${i.short}.md\`.
`;
}

/** The Python package files a low-code (non manifest-only) connector also needs. */
export function lowCodeFiles(i: SourceInput): Record<string, string> {
  const pkg = i.connector.replace(/-/g, '_');
  const cls = `Source${pascalCase(i.short)}`;
  return {
    [`${pkg}/__init__.py`]: `from .source import ${cls}\n\n__all__ = ["${cls}"]\n`,
    [`${pkg}/source.py`]: `from airbyte_cdk.sources.declarative.yaml_declarative_source import YamlDeclarativeSource\n\n\n# Declarative source: all behaviour lives in manifest.yaml.\nclass ${cls}(YamlDeclarativeSource):\n    def __init__(self):\n        super().__init__(**{"path_to_yaml": "manifest.yaml"})\n`,
    [`${pkg}/run.py`]: `import sys\n\nfrom airbyte_cdk.entrypoint import launch\n\nfrom .source import ${cls}\n\n\ndef run():\n    source = ${cls}()\n    launch(source, sys.argv[1:])\n`,
    'main.py': `from ${pkg}.run import run\n\nif __name__ == "__main__":\n    run()\n`,
    'pyproject.toml': `[build-system]\nrequires = ["poetry-core>=1.0.0"]\nbuild-backend = "poetry.core.masonry.api"\n\n[tool.poetry]\nversion = "0.1.0"\nname = "${i.connector}"\ndescription = "Source implementation for ${i.displayName}."\nauthors = ["Airbyte <contact@airbyte.io>"]\nlicense = "MIT"\nreadme = "README.md"\npackages = [{ include = "${pkg}" }]\n\n[tool.poetry.dependencies]\npython = "^3.9,<3.12"\nairbyte-cdk = "^0"\n\n[tool.poetry.scripts]\n${i.connector} = "${pkg}.run:run"\n`,
  };
}
