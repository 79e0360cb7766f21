import { LineSplitter, parseLine } from './lines';
import { withPrivateFiles, type InputFiles } from './private-files';
import { runProcess } from './process';
import type { ConnectorRunner, Recording } from './runners';
import type { AirbyteMessage, ConnectorCommand } from './types';

export interface InvokeOptions extends InputFiles {
  command: ConnectorCommand;
  timeoutMs: number;
  recording?: Recording;
  /** Every valid protocol message, in order, with its stdout line number and size. */
  onMessage(message: AirbyteMessage, line: number, bytes: number): void;
  /** Every stdout line that is not JSON (a log line to the platform). */
  onLogLine?(text: string, line: number): void;
  /** Every stderr chunk (secrets are looked for here; only a tail is kept). */
  onStderr?(chunk: Buffer): void;
  /** Lines longer than this are reported as oversized and not parsed. */
  maxLineBytes?: number;
  /** Extra environment for this invocation only, e.g. CAT's DEPLOYMENT_MODE for a test's deployment_mode. */
  env?: Record<string, string>;
}

export interface BadLine {
  line: number;
  bytes: number;
  reason: string;
  /** The start of the line, cut to 200 characters. */
  excerpt: string;
}

export interface InvokeResult {
  command: ConnectorCommand;
  argv: string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  spawnError?: string;
  stderr: string;
  durationMs: number;
  messageCount: number;
  /** Lines that look like JSON but are not valid protocol messages (first 20), and how many in all. */
  badLines: BadLine[];
  badLineCount: number;
  /** The last 200 log lines (non-JSON stdout and LOG messages), for the report. */
  logTail: string[];
}

const excerpt = (s: string) => (s.length > 200 ? s.slice(0, 200) + '…' : s);

/** Run one connector command, streaming its stdout through the tolerant parser into `onMessage`. */
export async function invokeConnector(runner: ConnectorRunner, opts: InvokeOptions): Promise<InvokeResult> {
  return withPrivateFiles({ config: opts.config, catalog: opts.catalog, state: opts.state }, async (inputs) => {
    const argv = runner.argv(opts.command, inputs, opts.recording, Object.keys(opts.env ?? {}));
    const badLines: BadLine[] = [];
    let badLineCount = 0;
    let messageCount = 0;
    const logTail: string[] = [];
    const log = (s: string) => {
      logTail.push(excerpt(s));
      if (logTail.length > 200) logTail.shift();
    };
    const bad = (b: BadLine) => {
      badLineCount++;
      if (badLines.length < 20) badLines.push(b);
    };
    const splitter = new LineSplitter(
      (text, info) => {
        if (text.trim() === '') return;
        const parsed = parseLine(text);
        if (parsed.kind === 'message') {
          messageCount++;
          if (parsed.message.type === 'LOG') log(`[${parsed.message.log.level}] ${parsed.message.log.message}`);
          opts.onMessage(parsed.message, info.number, info.bytes);
        } else if (parsed.kind === 'log') {
          log(text);
          opts.onLogLine?.(text, info.number);
        } else bad({ line: info.number, bytes: info.bytes, reason: parsed.reason, excerpt: excerpt(text) });
      },
      (prefix, info) => bad({ line: info.number, bytes: info.bytes, reason: `line of ${formatBytes(info.bytes)} exceeds the ${formatBytes(opts.maxLineBytes ?? 0)} limit and was not parsed`, excerpt: excerpt(prefix) }),
      opts.maxLineBytes,
    );
    const result = await runProcess({
      argv,
      cwd: runner.cwd,
      env: { ...runner.env, ...(opts.env ?? {}) },
      timeoutMs: opts.timeoutMs,
      onStdout: (chunk) => splitter.push(chunk),
      onStderr: opts.onStderr,
      onTimeout: () => runner.onTimeout?.(argv),
    });
    splitter.end();
    return { command: opts.command, argv, ...result, messageCount, badLines, badLineCount, logTail };
  });
}

/** Decimal units, as Airbyte states its 20 MB message limit. */
export function formatBytes(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} bytes`;
}
