// The acceptance-test-config.yml models of Airbyte's CAT (connector_acceptance_test/config.py, every model
// `extra = "forbid"`), as data: unknown keys are errors that list the allowed ones.

export type Shape =
  | { kind: 'string' | 'bool' | 'int' | 'any' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'object'; fields: Record<string, Shape> }
  | { kind: 'map'; value: Shape }
  | { kind: 'list'; item: Shape }
  | { kind: 'either'; options: readonly Shape[]; describe: string };

const str: Shape = { kind: 'string' };
const bool: Shape = { kind: 'bool' };
const int: Shape = { kind: 'int' };
const obj = (fields: Record<string, Shape>): Shape => ({ kind: 'object', fields });
const list = (item: Shape): Shape => ({ kind: 'list', item });

export const SUITES = ['spec', 'connection', 'discovery', 'basic_read', 'full_refresh', 'incremental', 'connector_attributes', 'connector_documentation'] as const;
export type SuiteKey = (typeof SUITES)[number];

const bypassed = obj({ name: str, bypass_reason: str });
const common = { config_path: str, timeout_seconds: int, deployment_mode: { kind: 'enum', values: ['cloud', 'oss'] } as Shape };
const backwardCompat = obj({ previous_connector_version: str, disable_for_version: str });
const clientContainer = obj({
  secrets_path: str,
  client_container_dockerfile_path: str,
  setup_command: list(str),
  teardown_command: list(str),
  between_syncs_command: list(str),
  final_teardown_command: list(str),
});

function testShapes(legacy: boolean): Record<SuiteKey, Shape> {
  // The legacy format (root `tests:`) wrote stream and field names as plain strings.
  const named = legacy ? ({ kind: 'either', options: [str, bypassed], describe: 'a name or {name, bypass_reason}' } as Shape) : bypassed;
  const ignoredFields: Shape = { kind: 'map', value: list(named) };
  const expectRecords = obj({
    path: str,
    bypass_reason: str,
    exact_order: bool,
    // Older templates' keys; current CAT rejects them, so only the legacy format accepts them.
    ...(legacy ? { extra_fields: bool, extra_records: bool } : {}),
  });
  const futureState = obj({
    future_state_path: str,
    missing_streams: list(bypassed),
    bypass_reason: str,
    cursor_format: obj({ format: str, streams: list(obj({ name: str, format: str })) }),
  });
  return {
    spec: obj({ ...common, spec_path: str, backward_compatibility_tests_config: backwardCompat, auth_default_method: obj({ oauth: bool, bypass_reason: str }) }),
    connection: obj({ ...common, status: { kind: 'enum', values: ['succeed', 'failed', 'exception'] } }),
    discovery: obj({ ...common, backward_compatibility_tests_config: backwardCompat, validate_primary_keys_data_type: bool }),
    basic_read: obj({
      ...common,
      configured_catalog_path: str,
      empty_streams: list(named),
      expect_records: expectRecords,
      validate_schema: bool,
      validate_stream_statuses: bool,
      validate_state_messages: bool,
      validate_primary_keys_data_type: bool,
      fail_on_extra_columns: bool,
      validate_data_points: bool,
      expect_trace_message_on_failure: bool,
      ignored_fields: ignoredFields,
      file_types: obj({ bypass_reason: str, unsupported_types: list(obj({ extension: str, bypass_reason: str })), skip_test: bool }),
      client_container_config: clientContainer,
    }),
    full_refresh: obj({ ...common, configured_catalog_path: str, ignored_fields: ignoredFields, client_container_config: clientContainer }),
    incremental: obj({
      ...common,
      configured_catalog_path: str,
      future_state: futureState,
      ...(legacy ? { future_state_path: str, cursor_paths: { kind: 'any' } as Shape } : {}),
      skip_comprehensive_incremental_tests: bool,
      client_container_config: clientContainer,
    }),
    connector_attributes: obj({
      timeout_seconds: int,
      config_path: str,
      streams_without_primary_key: list(bypassed),
      allowed_hosts: obj({ bypass_reason: str }),
      suggested_streams: obj({ bypass_reason: str }),
    }),
    connector_documentation: obj({ timeout_seconds: int, config_path: str }),
  };
}

const root = {
  connector_image: str,
  base_path: str,
  test_strictness_level: { kind: 'enum', values: ['high', 'low'] } as Shape,
  custom_environment_variables: { kind: 'map', value: { kind: 'any' } } as Shape,
  cache_discovered_catalog: bool,
};

export function configShape(legacy: boolean): Shape {
  const tests = testShapes(legacy);
  if (legacy) {
    const suites: Record<string, Shape> = {};
    for (const s of SUITES) suites[s] = list(tests[s]);
    return obj({ ...root, tests: obj(suites) });
  }
  const suites: Record<string, Shape> = { client_container_config: clientContainer };
  for (const s of SUITES) suites[s] = obj({ bypass_reason: str, tests: list(tests[s]) });
  return obj({ ...root, acceptance_tests: obj(suites) });
}
