import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { Connector } from '@conveyor/connector';
import { formatBytes, invokeConnector, type AirbyteMessage, type ConnectorCommand, type ConnectorRunner, type ConnectorSpecification, type InputFiles, type InvokeResult } from '@conveyor/protocol';
import type { SuiteKey } from '../config/shape';
import { DEFAULT_TIMEOUT_SECONDS, type CatConfig, type TestEntry } from '../config/types';
import { fail, skip, TestFailure, TestSkip, type TestResult } from './outcome';
import { redact, type Secrets } from './secrets';

export interface RunSettings {
  /** Record HTTP traffic to cassettes (manifest runner). */
  record: boolean;
  /** Cap on every test's timeout, in seconds (CI). */
  maxTimeoutSeconds?: number;
  /** Largest message accepted on one stdout line; Airbyte's worker refuses lines over 20 MB. */
  maxMessageBytes: number;
}

/** What the report keeps of each connector process: enough to debug it, bounded in size. */
export interface InvocationRecord {
  suite: string;
  command: ConnectorCommand;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  messages: number;
  badLines: number;
  stderr: string;
  logTail: string[];
}

export interface Invocation {
  result: InvokeResult;
  /** Everything that went wrong with the process itself (start, timeout, exit, garbage, leaked secrets). */
  problems: string[];
}

/** State shared by the suites of one CAT run on one connector. */
export class CatRun {
  readonly results: TestResult[] = [];
  readonly invocations: InvocationRecord[] = [];
  private specPromise?: Promise<ConnectorSpecification>;
  private catalogs = new Map<string, Promise<AirbyteMessage & { type: 'CATALOG' }>>();
  constructor(
    readonly connector: Connector,
    readonly config: CatConfig,
    readonly runner: ConnectorRunner | Error,
    readonly secrets: Secrets,
    readonly settings: RunSettings,
  ) {}

  /** Run one check as a named test; a thrown TestFailure/TestSkip decides its status. */
  async test(suite: string, name: string, entry: TestEntry | undefined, check: () => Promise<string | void> | string | void): Promise<TestResult> {
    const started = Date.now();
    let status: TestResult['status'] = 'passed';
    let message = '';
    try {
      message = (await check()) ?? '';
    } catch (e) {
      if (e instanceof TestSkip) status = 'skipped';
      else status = 'failed';
      message = e instanceof TestFailure || e instanceof TestSkip ? e.message : `internal error: ${(e as Error).stack ?? e}`;
    }
    const result: TestResult = { suite, name, status, message, durationMs: Date.now() - started, ...(entry ? { file: this.config.file, line: entry.line } : {}) };
    this.results.push(result);
    return result;
  }

  /** A path from the config, relative to the connector folder (or its `base_path`). */
  path(rel: string): string {
    return join(this.connector.root, this.config.base_path ?? '', rel);
  }

  readJson<T = unknown>(rel: string, what: string): T {
    const file = this.path(rel);
    if (!existsSync(file)) fail(`${what} ${rel} does not exist`);
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as T;
    } catch (e) {
      return fail(`${what} ${rel} is not valid JSON: ${(e as Error).message}`);
    }
  }

  /** A JSON Lines file, each line parsed; a bad line fails naming the file and line. */
  readLines(rel: string): unknown[] {
    const out: unknown[] = [];
    readFileSync(this.path(rel), 'utf8').split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      try {
        out.push(JSON.parse(line));
      } catch (e) {
        fail(`${rel}:${i + 1}: not valid JSON: ${(e as Error).message}`);
      }
    });
    return out;
  }

  /** The config a test names, with its values registered as secrets before anything can print them. */
  async loadConfig(entry: TestEntry): Promise<Record<string, unknown>> {
    let rel = entry.config_path ?? 'secrets/config.json';
    const replay = this.replayConfigPath(rel);
    if (!existsSync(this.path(rel))) {
      // Offline: cassettes recorded with this config can be replayed with its redacted copy.
      if (replay && existsSync(replay) && !this.settings.record) rel = relative(join(this.connector.root, this.config.base_path ?? ''), replay);
      else skip(`config ${rel} is missing: live suites need credentials there${replay ? ' (run once with them and --record to save cassettes that later runs replay without credentials)' : ''}`);
    }
    let spec: ConnectorSpecification | undefined;
    try {
      spec = await this.spec();
    } catch {
      spec = undefined;
    }
    const text = readFileSync(this.path(rel), 'utf8');
    let config: unknown;
    try {
      config = JSON.parse(text);
    } catch (e) {
      // The text may itself be secret: mask it whole before saying anything.
      this.secrets.add(text.trim());
      fail(`config ${rel} is not valid JSON: ${(e as Error).message}`);
    }
    this.secrets.addConfig(config, spec?.connectionSpecification, rel.split('/')[0] === 'secrets');
    if (!config || typeof config !== 'object' || Array.isArray(config)) fail(`config ${rel} must be a JSON object`);
    // A credentials file still holding "<your api_key>"-style stand-ins (as `nx g …:source` writes it) would
    // only send doomed requests, retried for minutes; say what to fill in instead.
    const unfilled = rel.split('/')[0] === 'secrets' ? placeholderPaths(config) : [];
    if (unfilled.length) skip(`config ${rel} still holds placeholders (<…>) for ${unfilled.join(', ')}: fill in real credentials to run the live suites`);
    // Only credentials need a stand-in for offline replay; other config files are in the repository already.
    if (this.settings.record && replay && spec && rel.split('/')[0] === 'secrets') {
      mkdirSync(dirname(replay), { recursive: true });
      writeFileSync(replay, JSON.stringify(redact(config, spec.connectionSpecification), null, 2) + '\n');
    }
    return config as Record<string, unknown>;
  }

  /** Where a recorded run keeps the redacted copy of a config (manifest runner only). */
  private replayConfigPath(rel: string): string | undefined {
    if (this.runner instanceof Error || this.runner.kind !== 'manifest') return undefined;
    return join(this.connector.root, 'integration_tests', 'cassettes', 'configs', basename(rel));
  }

  timeoutMs(suite: SuiteKey, entry?: TestEntry): number {
    const seconds = entry?.timeout_seconds ?? DEFAULT_TIMEOUT_SECONDS[suite];
    return Math.min(seconds, this.settings.maxTimeoutSeconds ?? Infinity) * 1000;
  }

  /** The SPEC message, run once per CAT run. */
  spec(): Promise<ConnectorSpecification> {
    this.specPromise ??= (async () => {
      let spec: ConnectorSpecification | undefined;
      let count = 0;
      const { problems } = await this.invoke('spec', undefined, 'spec', {}, (m) => {
        if (m.type === 'SPEC') (count++, (spec = m.spec));
      });
      if (problems.length) fail(`spec: ${problems.join('; ')}`);
      if (count !== 1) fail(`spec printed ${count} SPEC messages; exactly one is expected`);
      return spec!;
    })();
    return this.specPromise;
  }

  /** The CATALOG message for a config, run once per config file. */
  discover(entry: TestEntry, config: unknown): Promise<AirbyteMessage & { type: 'CATALOG' }> {
    // The deployment mode can change what a connector discovers, so it is part of the cache key.
    const key = `${entry.config_path ?? 'secrets/config.json'}|${entry.deployment_mode ?? ''}`;
    let hit = this.catalogs.get(key);
    if (!hit) {
      hit = (async () => {
        const catalogs: (AirbyteMessage & { type: 'CATALOG' })[] = [];
        const { problems } = await this.invoke('discovery', entry, 'discover', { config }, (m) => {
          if (m.type === 'CATALOG') catalogs.push(m);
        });
        if (problems.length) fail(`discover: ${problems.join('; ')}`);
        if (catalogs.length !== 1) fail(`discover printed ${catalogs.length} CATALOG messages; exactly one is expected`);
        return catalogs[0];
      })();
      this.catalogs.set(key, hit);
    }
    return hit;
  }

  /** Run a connector command and describe what went wrong with the process. */
  async invoke(suite: SuiteKey, entry: TestEntry | undefined, command: ConnectorCommand, inputs: InputFiles, onMessage: (m: AirbyteMessage, line: number, bytes: number) => void, opts: { allowFailure?: boolean; cassette?: string } = {}): Promise<Invocation> {
    if (this.runner instanceof Error) fail(this.runner.message);
    const runner = this.runner as ConnectorRunner;
    const leaks = new Set<string>();
    let stderrCarry = '';
    const scan = (text: string, where: string) => {
      const field = this.secrets.leakIn(text);
      if (field) leaks.add(`the value of secret config field \`${field}\` appeared in ${where}`);
    };
    const result = await invokeConnector(runner, {
      command,
      ...inputs,
      timeoutMs: this.timeoutMs(suite, entry),
      recording: this.recording(suite, entry, command, opts.cassette),
      maxLineBytes: this.settings.maxMessageBytes,
      // A test's deployment_mode reaches the connector as DEPLOYMENT_MODE (CLOUD/OSS), which the CDK's
      // is_cloud_environment() reads to turn on cloud-only checks (e.g. refusing plain-HTTP or non-SSL endpoints).
      env: typeof entry?.deployment_mode === 'string' ? { DEPLOYMENT_MODE: entry.deployment_mode.toUpperCase() } : undefined,
      onMessage: (m, line, bytes) => {
        if (m.type === 'LOG') scan(m.log.message + (m.log.stack_trace ?? ''), `a LOG message (stdout line ${line})`);
        else if (m.type === 'TRACE') scan(JSON.stringify(m.trace), `a TRACE message (stdout line ${line})`);
        onMessage(m, line, bytes);
      },
      onLogLine: (text, line) => scan(text, `a log line (stdout line ${line})`),
      onStderr: (chunk) => {
        // Keep the end of the previous chunk so a secret split across two chunks is still seen.
        const text = stderrCarry + chunk.toString('utf8');
        scan(text, 'stderr');
        stderrCarry = text.slice(-512);
      },
    });
    this.invocations.push({
      suite,
      command,
      exitCode: result.exitCode,
      signal: result.signal,
      timedOut: result.timedOut,
      durationMs: result.durationMs,
      messages: result.messageCount,
      badLines: result.badLineCount,
      stderr: result.stderr.slice(-4000),
      logTail: result.logTail.slice(-20),
    });
    const problems: string[] = [];
    const seconds = (result.durationMs / 1000).toFixed(1);
    if (result.spawnError) problems.push(`could not start ${runner.description}: ${result.spawnError}`);
    else if (result.timedOut) problems.push(`${command} timed out after ${this.timeoutMs(suite, entry) / 1000} s; its whole process group was killed${stderrTail(result.stderr)}`);
    else if (result.exitCode !== 0 && !opts.allowFailure)
      problems.push(`${command} exited with ${result.signal ? `signal ${result.signal}` : `code ${result.exitCode}`} after ${seconds} s${stderrTail(result.stderr)}`);
    if (result.badLineCount) {
      const first = result.badLines[0];
      const oversized = /exceeds the .* limit/.test(first.reason);
      const many = result.badLineCount > 1;
      problems.push(
        `${result.badLineCount} stdout line${many ? 's are' : ' is'} not ${many ? '' : 'a '}${oversized ? 'acceptable' : 'valid'} protocol message${many ? 's' : ''}; line ${first.line} (${formatBytes(first.bytes)}): ${first.reason}: ${first.excerpt}`,
      );
    }
    for (const leak of leaks) problems.push(`secret leaked: ${leak}`);
    return { result, problems };
  }

  /**
   * Cassette of one invocation: `<suite>[-<n>][-<read>]`, or `discover[-<config>]` since one discover per
   * config serves every suite. The engine rewrites a cassette it records, so every invocation has its own.
   */
  private recording(suite: SuiteKey, entry: TestEntry | undefined, command: ConnectorCommand, suffix?: string) {
    if (this.runner instanceof Error || this.runner.kind !== 'manifest' || command === 'spec') return undefined;
    const configName = basename(entry?.config_path ?? 'config.json', '.json');
    const name =
      command === 'discover'
        ? ['discover', configName === 'config' ? undefined : configName].filter(Boolean).join('-')
        : [suite, entry && entry.index > 0 ? String(entry.index + 1) : undefined, suffix].filter(Boolean).join('-');
    const file = join(this.connector.root, 'integration_tests', 'cassettes', `${name}.jsonl`);
    if (this.settings.record) {
      mkdirSync(join(this.connector.root, 'integration_tests', 'cassettes'), { recursive: true });
      return { record: file };
    }
    if (existsSync(file)) return { cassette: file };
    // Replaying offline (the config is the redacted copy kept with the cassettes): without a cassette this
    // invocation would send redacted credentials to the API and retry for minutes; say what is missing.
    const configPath = entry?.config_path ?? 'secrets/config.json';
    const replay = this.replayConfigPath(configPath);
    if (!existsSync(this.path(configPath)) && replay && existsSync(replay))
      fail(`no recorded cassette ${this.relative(file)} to replay offline (there is no ${configPath}); run once with credentials and --record to record it`);
    return undefined;
  }

  relative(abs: string): string {
    return relative(this.connector.root, abs);
  }
}

function stderrTail(stderr: string): string {
  const lines = stderr.trim().split('\n').filter(Boolean).slice(-5);
  return lines.length ? `; stderr ends with: ${lines.join(' | ').slice(-600)}` : '';
}

/** Config paths whose value is a whole `<…>` placeholder, such as `<your api_key>`. */
export function placeholderPaths(value: unknown, path: string[] = []): string[] {
  if (typeof value === 'string') return /^<[^<>]+>$/.test(value.trim()) ? [path.join('.')] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => placeholderPaths(v, [...path, String(i)]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => placeholderPaths(v, [...path, k]));
  return [];
}
