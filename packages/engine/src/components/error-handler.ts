/**
 * DefaultErrorHandler, CompositeErrorHandler, HttpResponseFilter and the backoff strategies, with the CDK's
 * default status mapping (airbyte_cdk/sources/streams/http/error_handlers/default_error_mapping.py).
 */
import { TracedError, type FailureType } from '../protocol';
import type { Response } from '../http/response';
import { evalBoolean, evalString } from '../jinja/interpolation';
import { num, pyStr } from '../jinja/values';
import { type Build, type Node, expectType, params } from './build';

export type Action = 'SUCCESS' | 'RETRY' | 'RATE_LIMITED' | 'FAIL' | 'IGNORE';
export type Resolution = { action: Action; failureType?: FailureType; message?: string };

export interface ErrorHandler {
  maxRetries: number;
  interpret(res: Response | Error): Resolution;
  /** Seconds to wait before the next attempt from a user-declared strategy, or null. */
  backoff(res: Response | Error, attempt: number): number | null;
}

const DEFAULT_MAPPING: Record<number, Resolution> = {
  400: { action: 'FAIL', failureType: 'system_error', message: 'HTTP Status Code: 400. Error: Bad request. Please check your request parameters.' },
  401: { action: 'FAIL', failureType: 'config_error', message: 'HTTP Status Code: 401. Error: Unauthorized. Please ensure you are authenticated correctly.' },
  403: { action: 'FAIL', failureType: 'config_error', message: "HTTP Status Code: 403. Error: Forbidden. You don't have permission to access this resource." },
  404: { action: 'FAIL', failureType: 'system_error', message: 'HTTP Status Code: 404. Error: Not found. The requested resource was not found on the server.' },
  405: { action: 'FAIL', failureType: 'system_error', message: 'HTTP Status Code: 405. Error: Method not allowed. Please check your request method.' },
  408: { action: 'RETRY', failureType: 'transient_error', message: 'HTTP Status Code: 408. Error: Request timeout.' },
  429: { action: 'RATE_LIMITED', failureType: 'transient_error', message: 'HTTP Status Code: 429. Error: Too many requests.' },
  500: { action: 'RETRY', failureType: 'transient_error', message: 'HTTP Status Code: 500. Error: Internal server error.' },
  502: { action: 'RETRY', failureType: 'transient_error', message: 'HTTP Status Code: 502. Error: Bad gateway.' },
  503: { action: 'RETRY', failureType: 'transient_error', message: 'HTTP Status Code: 503. Error: Service unavailable.' },
  504: { action: 'RETRY', failureType: 'transient_error', message: 'HTTP Status Code: 504. Error: Gateway timeout.' },
};

const CONNECTION_ERROR: Resolution = { action: 'RETRY', failureType: 'transient_error', message: 'An error occurred while connecting to the source. Please retry later.' };

function defaultMapping(res: Response | Error): Resolution | undefined {
  return res instanceof Error ? CONNECTION_ERROR : DEFAULT_MAPPING[res.status];
}

function fallback(res: Response | Error): Resolution {
  const message = res instanceof Error ? `Unexpected exception in error handler: ${res.message}` : `Unexpected HTTP Status Code in error handler: ${res.status}`;
  return { action: 'RETRY', failureType: 'system_error', message };
}

/** JsonErrorMessageParser: the first message-like field of a JSON error body. */
export function parseErrorMessage(res: Response): string | null {
  const body = res.json();
  if (body === undefined) return res.body;
  const get = (v: unknown): string | null => {
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return v.map(get).filter((x) => x !== null).join(', ');
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const keys = ['message', 'messages', 'error', 'errors', 'failures', 'failure', 'detail', 'err', 'error_message', 'msg', 'reason', 'status_message'];
      for (const k of keys) if (o[k] !== undefined && o[k] !== null && o[k] !== '' && !(Array.isArray(o[k]) && !(o[k] as unknown[]).length)) return get(o[k]);
      return null;
    }
    return null;
  };
  return get(body);
}

type Filter = (res: Response | Error) => Resolution | null;

function buildFilter(b: Build, node: Node): Filter {
  expectType(b, node, ['HttpResponseFilter']);
  const p = params(node);
  const action = node.action as Action | undefined;
  if (action !== undefined && !['SUCCESS', 'FAIL', 'RETRY', 'IGNORE', 'RATE_LIMITED'].includes(action)) {
    throw b.error(node, `HttpResponseFilter.action ${JSON.stringify(action)} is not supported by conveyor-manifest`);
  }
  // Without an action the CDK's filter matches nothing (_matches_filter returns the missing action).
  if (action === undefined) return () => null;
  const codes = new Set(((node.http_codes as number[]) ?? []).map(Number));
  const contains = node.error_message_contains as string | undefined;
  return (res) => {
    const mapped = defaultMapping(res);
    let hit = false;
    if (!(res instanceof Error)) {
      const json = res.json() ?? {};
      const ctx = { response: json, headers: res.headerDict() };
      hit =
        codes.has(res.status) ||
        (contains !== undefined && (parseErrorMessage(res) ?? '').includes(contains)) ||
        (node.predicate !== undefined && evalBoolean(node.predicate, b.config, ctx, p));
      if (hit) {
        const message = node.error_message ? pyStr(evalString(node.error_message, b.config, ctx, p)) : '';
        const failureType = node.failure_type && action === 'FAIL' ? (node.failure_type as FailureType) : mapped?.failureType ?? 'system_error';
        return { action, failureType, message: message || mapped?.message || '' };
      }
    }
    // HttpResponseFilter.matches has a default-mapping fallback whose guard can never be true (a set is not a
    // list), so a filter that does not match leaves the response to the next filter and the handler's defaults.
    return null;
  };
}

type Backoff = (res: Response | Error, attempt: number) => number | null;

function buildBackoff(b: Build, node: Node): Backoff {
  const type = expectType(b, node, ['ConstantBackoffStrategy', 'ExponentialBackoffStrategy', 'WaitTimeFromHeader', 'WaitUntilTimeFromHeader']);
  const p = params(node);
  const numeric = (v: unknown): number => num(evalString(v, b.config, {}, p));
  const headerValue = (res: Response | Error): number | null => {
    if (res instanceof Error) return null;
    // header_helper.get_numeric_value_from_header: an empty header is None; the regex is re.match (anchored at the
    // start) and, when it does not match, the whole value is tried; then Python's float().
    const raw = res.header(String(evalString(node.header, b.config, {}, p)));
    if (!raw) return null;
    let text = raw;
    if (node.regex) {
      const m = new RegExp(`^(?:${pyStr(evalString(node.regex, b.config, {}, p))})`).exec(raw);
      if (m) text = m[0];
    }
    const t = text.trim();
    if (!/^[+-]?(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?$|^[+-]?(?:inf|infinity|nan)$/i.test(t)) return null;
    const n = Number(t.replace(/_/g, '').replace(/^([+-]?)inf(inity)?$/i, '$1Infinity'));
    return Number.isNaN(n) ? null : n;
  };
  switch (type) {
    case 'ConstantBackoffStrategy': return () => numeric(node.backoff_time_in_seconds);
    case 'ExponentialBackoffStrategy': return (_r, attempt) => numeric(node.factor ?? 5) * 2 ** attempt;
    case 'WaitTimeFromHeader': return (res) => {
      const v = headerValue(res);
      const max = node.max_waiting_time_in_seconds !== undefined ? numeric(node.max_waiting_time_in_seconds) : 0;
      if (v && max && v >= max) {
        throw new TracedError(
          'The rate limit is greater than max waiting time has been reached.',
          `Rate limit wait time ${v} is greater than max waiting time of ${max} seconds. Stopping the stream...`,
          'transient_error',
        );
      }
      return v;
    };
    // wait_until_time_from_header_backoff_strategy.py: the header is an epoch time; min_wait is a floor (and the
    // answer when the header is missing); max_waiting_time_in_seconds caps the computed wait.
    default: return (res) => {
      const v = headerValue(res);
      const min = node.min_wait !== undefined && node.min_wait !== null ? numeric(node.min_wait) : 0;
      const cap = node.max_waiting_time_in_seconds !== undefined && node.max_waiting_time_in_seconds !== null && node.max_waiting_time_in_seconds !== ''
        ? numeric(node.max_waiting_time_in_seconds)
        : undefined;
      const capped = (w: number): number => {
        if (cap !== undefined && w > cap) {
          throw new TracedError(
            'The rate limit wait time is longer than the connector is allowed to wait.',
            `Rate limit wait time ${w}s is greater than the maximum of ${cap}s this stream is allowed to wait. Stopping the stream...`,
            'transient_error',
          );
        }
        return w;
      };
      if (!v) return min ? capped(min) : null;
      const wait = v - Date.now() / 1000;
      if (min) return capped(Math.max(wait, min));
      return wait < 0 ? null : capped(wait);
    };
  }
}

export function buildErrorHandler(b: Build, node: Node | undefined): ErrorHandler {
  if (!node) return buildErrorHandler(b, { type: 'DefaultErrorHandler' });
  const type = expectType(b, node, ['DefaultErrorHandler', 'CompositeErrorHandler']);
  if (type === 'CompositeErrorHandler') {
    const handlers = ((node.error_handlers as Node[]) ?? []).map((h) => buildErrorHandler(b, h));
    return {
      maxRetries: handlers[0]?.maxRetries ?? 5,
      interpret(res) {
        let last: Resolution | undefined;
        for (const h of handlers) {
          last = h.interpret(res);
          if (['SUCCESS', 'RETRY', 'IGNORE'].includes(last.action)) return last;
        }
        return last ?? fallback(res);
      },
      backoff(res, attempt) {
        for (const h of handlers) {
          const t = h.backoff(res, attempt);
          if (t) return t;
        }
        return null;
      },
    };
  }
  const filters = ((node.response_filters as Node[]) ?? []).map((f) => buildFilter(b, f));
  const backoffs = ((node.backoff_strategies as Node[]) ?? []).map((s) => buildBackoff(b, s));
  const maxRetries = node.max_retries === undefined ? 5 : num(evalString(node.max_retries, b.config, {}, params(node)));
  return {
    maxRetries,
    interpret(res) {
      for (const f of filters) {
        const r = f(res);
        if (r) return r;
      }
      if (!(res instanceof Error) && res.ok) return { action: 'SUCCESS' };
      return defaultMapping(res) ?? fallback(res);
    },
    backoff(res, attempt) {
      for (const s of backoffs) {
        const t = s(res, attempt);
        if (t) return t;
      }
      return null;
    },
  };
}
