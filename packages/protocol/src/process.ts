import { spawn } from 'node:child_process';

export interface ProcessOptions {
  argv: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the whole process group after this long. */
  timeoutMs: number;
  /** Called for every stdout chunk, in order. */
  onStdout(chunk: Buffer): void;
  /** Called for every stderr chunk, in order. */
  onStderr?(chunk: Buffer): void;
  /** Bytes of stderr kept (the end of it) for the report. */
  stderrTailBytes?: number;
  /** Run after a timeout kill, e.g. to stop a container the client process no longer controls. */
  onTimeout?: () => Promise<void> | void;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** The process could not be started at all (missing executable, bad cwd). */
  spawnError?: string;
  /** The last `stderrTailBytes` of stderr. */
  stderr: string;
  stderrBytes: number;
  durationMs: number;
}

const KILL_GRACE_MS = 2000;

/**
 * Process groups still running. Connectors run detached (their own group), so if the worker itself dies
 * they would live on as orphans: on exit or a terminating signal, the worker kills them first.
 */
const liveGroups = new Set<number>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function killLiveGroups(): void {
  for (const pgid of liveGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  liveGroups.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killLiveGroups();
  unwatch();
  // With our listener gone, re-raising gives the default behaviour (or the host's own handlers).
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function watch(pgid: number): void {
  if (liveGroups.size === 0) {
    process.on('exit', killLiveGroups);
    for (const s of SIGNALS) process.on(s, onSignal);
  }
  liveGroups.add(pgid);
}

function unwatch(pgid?: number): void {
  if (pgid !== undefined) liveGroups.delete(pgid);
  if (liveGroups.size > 0 && pgid !== undefined) return;
  process.off('exit', killLiveGroups);
  for (const s of SIGNALS) process.off(s, onSignal);
}

/**
 * Run a connector process in its own process group so a timeout (or leftover children after it exits)
 * can be killed as a whole: Python connectors and `docker run` clients often fork helpers that would
 * otherwise keep stdout open forever.
 */
export function runProcess(opts: ProcessOptions): Promise<ProcessResult> {
  const started = Date.now();
  const tailMax = opts.stderrTailBytes ?? 64 * 1024;
  return new Promise((resolve) => {
    let stderrParts: Buffer[] = [];
    let stderrKept = 0;
    let stderrBytes = 0;
    let timedOut = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    let child;
    try {
      child = spawn(opts.argv[0], opts.argv.slice(1), { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      resolve({ exitCode: null, signal: null, timedOut: false, spawnError: (e as Error).message, stderr: '', stderrBytes: 0, durationMs: Date.now() - started });
      return;
    }
    const pid = child.pid;
    if (pid) watch(pid);
    const killGroup = (signal: NodeJS.Signals) => {
      if (!pid) return;
      try {
        process.kill(-pid, signal);
      } catch {
        // The group is already gone.
      }
    };
    const finish = (spawnError?: string) => {
      if (settled) return;
      settled = true;
      if (pid) unwatch(pid);
      clearTimeout(timer);
      clearTimeout(forceTimer);
      clearTimeout(drainTimer);
      const buf = Buffer.concat(stderrParts);
      resolve({
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        timedOut,
        spawnError,
        stderr: buf.subarray(Math.max(0, buf.length - tailMax)).toString('utf8'),
        stderrBytes,
        durationMs: Date.now() - started,
      });
    };
    let timeoutTask: Promise<unknown> = Promise.resolve();
    let forceTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      forceTimer = setTimeout(() => {
        killGroup('SIGKILL');
        // Should a pipe still be held by something outside the group, stop waiting for it.
        drainTimer = setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          void timeoutTask.then(() => finish());
        }, KILL_GRACE_MS);
      }, KILL_GRACE_MS);
      // e.g. `docker kill`: the container outlives its client; wait for it before reporting.
      timeoutTask = Promise.resolve(opts.onTimeout?.()).catch(() => undefined);
    }, opts.timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => opts.onStdout(chunk));
    child.stderr!.on('data', (chunk: Buffer) => {
      stderrBytes += chunk.length;
      opts.onStderr?.(chunk);
      stderrParts.push(chunk);
      stderrKept += chunk.length;
      if (stderrKept > tailMax * 2) {
        const all = Buffer.concat(stderrParts);
        stderrParts = [all.subarray(all.length - tailMax)];
        stderrKept = tailMax;
      }
    });
    child.on('error', (e) => finish(e.message));
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Children the connector left behind would hold stdout open: end them so 'close' can come.
      killGroup('SIGKILL');
    });
    child.on('close', () => void timeoutTask.then(() => finish()));
  });
}
