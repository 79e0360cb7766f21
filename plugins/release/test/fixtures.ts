/** Smallest real-shaped connectors for release tests: YAML written the way Airbyte's files are. */

export const CONNECTOR_DIR = 'airbyte-integrations/connectors/source-shop';
export const DOCS = 'docs/integrations/sources/shop.md';
export const GUIDE = 'docs/integrations/sources/shop-migrations.md';

export function metadata(version: string, extra = ''): string {
  return `data:
  # keep: a comment the release must not lose
  connectorSubtype: api
  connectorType: source
  definitionId: 1f1a2b3c-0000-4000-8000-000000000001
  dockerImageTag: ${version}
  dockerRepository: airbyte/source-shop
  documentationUrl: https://docs.airbyte.com/integrations/sources/shop
  githubIssueLabel: source-shop
  license: MIT
  name: Shop
  releaseStage: alpha
${extra}  supportLevel: community
  tags:
    - language:manifest-only
    - cdk:low-code
metadataSpecVersion: "1.0"
`;
}

export interface ManifestOptions {
  userFields?: Record<string, unknown>;
  usersPk?: string;
  usersCursor?: string;
  extraStream?: boolean;
  dropOrders?: boolean;
  required?: string[];
  specProps?: Record<string, unknown>;
  advancedAuth?: boolean;
}

/** A manifest-only connector with `users` (incremental) and `orders`, sharing a requester through `$ref`. */
export function manifest(o: ManifestOptions = {}): string {
  const userFields = o.userFields ?? { id: { type: 'integer' }, name: { type: ['null', 'string'] }, updated_at: { type: 'string', format: 'date-time' } };
  const stream = (name: string, fields: Record<string, unknown>, pk: string, cursor?: string) => ({
    type: 'DeclarativeStream',
    name,
    primary_key: pk,
    retriever: { $ref: '#/definitions/retriever', $parameters: { path: `/${name}` } },
    ...(cursor ? { incremental_sync: { type: 'DatetimeBasedCursor', cursor_field: cursor, datetime_format: '%Y-%m-%d', start_datetime: '{{ config.start_date }}' } } : {}),
    schema_loader: { type: 'InlineSchemaLoader', schema: { type: 'object', properties: fields } },
  });
  const streams = [stream('users', userFields, o.usersPk ?? 'id', o.usersCursor ?? 'updated_at')];
  if (!o.dropOrders) streams.push(stream('orders', { id: { type: 'integer' }, total: { type: 'number' } }, 'id'));
  if (o.extraStream) streams.push(stream('refunds', { id: { type: 'integer' } }, 'id'));
  const doc = {
    version: '6.5.0',
    type: 'DeclarativeSource',
    check: { type: 'CheckStream', stream_names: ['users'] },
    definitions: {
      retriever: {
        type: 'SimpleRetriever',
        requester: { type: 'HttpRequester', url_base: 'https://shop.example.com', path: '{{ parameters.path }}', authenticator: { type: 'ApiKeyAuthenticator', api_token: '{{ config.api_key }}', inject_into: { type: 'RequestOption', inject_into: 'header', field_name: 'X-Key' } } },
        record_selector: { type: 'RecordSelector', extractor: { type: 'DpathExtractor', field_path: [] } },
      },
    },
    streams,
    spec: {
      type: 'Spec',
      connection_specification: {
        type: 'object',
        required: o.required ?? ['api_key'],
        properties: o.specProps ?? { api_key: { type: 'string', airbyte_secret: true }, start_date: { type: 'string' } },
      },
      ...(o.advancedAuth ? { advanced_auth: { auth_flow_type: 'oauth2.0', oauth_config_specification: { complete_oauth_output_specification: { type: 'object', properties: { refresh_token: { type: 'string', path_in_connector_config: ['refresh_token'] } } } } } } : {}),
    },
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

export const DOCS_PAGE = `# Shop

Syncs users and orders.

## Changelog

<details>
  <summary>Expand to review</summary>

| Version | Date       | Pull Request                                             | Subject        |
| :------ | :--------- | :------------------------------------------------------- | :------------- |
| 0.3.1 | 2024-07-01 | [40001](https://github.com/airbytehq/airbyte/pull/40001) | Update dependencies |
| 0.3.0 | 2024-06-01 | [39001](https://github.com/airbytehq/airbyte/pull/39001) | Add orders |

</details>
`;

/** A connector at `version` with the given manifest options, plus its docs page. */
export function shopFiles(version: string, o: ManifestOptions = {}, docs = DOCS_PAGE): Record<string, string> {
  return {
    '.gitignore': 'dist/\n',
    [`${CONNECTOR_DIR}/metadata.yaml`]: metadata(version),
    [`${CONNECTOR_DIR}/manifest.yaml`]: manifest(o),
    [DOCS]: docs,
  };
}
