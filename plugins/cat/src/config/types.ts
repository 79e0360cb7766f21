import type { SuiteKey } from './shape';

export interface Named {
  name: string;
  bypass_reason?: string;
}

/** One entry of `acceptance_tests.<suite>.tests`, after the legacy format was migrated. */
export interface TestEntry {
  /** Position in the suite's list, for names and cassette files. */
  index: number;
  /** Line of the entry in acceptance-test-config.yml. */
  line?: number;
  config_path?: string;
  timeout_seconds?: number;
  spec_path?: string;
  status?: 'succeed' | 'failed' | 'exception';
  configured_catalog_path?: string;
  empty_streams?: Named[];
  expect_records?: { path?: string; bypass_reason?: string; exact_order?: boolean; extra_fields?: boolean; extra_records?: boolean };
  validate_schema?: boolean;
  validate_stream_statuses?: boolean;
  validate_state_messages?: boolean;
  validate_primary_keys_data_type?: boolean;
  fail_on_extra_columns?: boolean;
  validate_data_points?: boolean;
  ignored_fields?: Record<string, Named[]>;
  future_state?: { future_state_path?: string; missing_streams?: Named[]; bypass_reason?: string };
  skip_comprehensive_incremental_tests?: boolean;
  deployment_mode?: 'cloud' | 'oss';
  [key: string]: unknown;
}

export interface SuiteConfig {
  bypass_reason?: string;
  tests: TestEntry[];
}

export interface CatConfig {
  file: string;
  format: 'current' | 'legacy';
  connector_image?: string;
  base_path?: string;
  strictness: 'high' | 'low';
  env: Record<string, string>;
  suites: Partial<Record<SuiteKey, SuiteConfig>>;
}

/** CAT's class default timeouts (base.py), used where a test sets no `timeout_seconds`. */
export const DEFAULT_TIMEOUT_SECONDS: Record<SuiteKey, number> = {
  spec: 60,
  connection: 60,
  discovery: 300,
  basic_read: 600,
  full_refresh: 1200,
  incremental: 1200,
  connector_attributes: 600,
  connector_documentation: 600,
};

/** Suites that fail (instead of skip) when missing at high strictness (MANDATORY_FOR_TEST_STRICTNESS_LEVELS). */
export const MANDATORY_AT_HIGH: readonly SuiteKey[] = ['spec', 'connection', 'discovery', 'basic_read', 'full_refresh', 'incremental'];
