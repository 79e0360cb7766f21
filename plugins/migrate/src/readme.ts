/**
 * README.md of a manifest-only connector. Airbyte's migration regenerated it from a template
 * (migrate_to_manifest_only/templates/README.md.j2); this one says the same things in its own words:
 * what the layout is, how to edit it in the Connector Builder, how to build and test it, how to release it.
 */
export interface ReadmeInput {
  /** Folder name, e.g. `source-pokeapi`. */
  connector: string;
  /** Human name from metadata.yaml, e.g. `PokeAPI`. */
  name: string;
  /** Docs page relative to the repository root. */
  docsPage: string;
  hasComponents: boolean;
}

export function renderReadme(r: ReadmeInput): string {
  const image = `airbyte/${r.connector}:dev`;
  const components = r.hasComponents
    ? `\n\`components.py\` holds the connector's custom Python components; the manifest names them as\n\`source_declarative_manifest.components.<Class>\`, the module path they have inside the image.\n`
    : '';
  return `# ${r.name} source connector

${r.name} is a *manifest-only* connector: everything it does is declared in \`manifest.yaml\`, a low-code
(declarative) manifest that the \`source-declarative-manifest\` image runs. There is no Python package to build.
${components}
## Files

- \`manifest.yaml\`: streams, authentication, pagination, the spec and the schemas of every stream.
- \`metadata.yaml\`: registry data (version, base image, tags, allowed hosts).
- \`acceptance-test-config.yml\` and \`integration_tests/\`: the connector acceptance tests.
- \`icon.svg\`: the icon shown in the catalog.

## Change it in the Connector Builder

1. In the Airbyte UI, open *Builder*, choose *Import a YAML* and pick \`manifest.yaml\`.
2. Make and test the change there, then export the YAML and replace \`manifest.yaml\` with it.

Editing \`manifest.yaml\` by hand works too; the Builder's testing panel is the quickest way to check a change.

## Build and test locally

Build the image (the base image and the manifest are taken from \`metadata.yaml\` and this folder):

\`\`\`bash
airbyte-ci connectors --name=${r.connector} build
\`\`\`

Run the connector's commands with a config in \`secrets/config.json\` (never committed):

\`\`\`bash
docker run --rm ${image} spec
docker run --rm -v $(pwd)/secrets:/secrets ${image} check --config /secrets/config.json
docker run --rm -v $(pwd)/secrets:/secrets ${image} discover --config /secrets/config.json
docker run --rm -v $(pwd)/secrets:/secrets -v $(pwd)/integration_tests:/integration_tests ${image} read --config /secrets/config.json --catalog /integration_tests/configured_catalog.json
\`\`\`

Run the acceptance tests:

\`\`\`bash
airbyte-ci connectors --name=${r.connector} test
\`\`\`

## Release a change

1. Raise \`dockerImageTag\` in \`metadata.yaml\` (patch for fixes, minor for new streams or fields, major for breaking changes).
2. Add a row to the changelog in \`${r.docsPage}\`.
3. Open a pull request; once merged, the new version is published.
`;
}
