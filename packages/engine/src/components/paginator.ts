/**
 * DefaultPaginator with PageIncrement, OffsetIncrement and CursorPagination, and NoPagination. Page and
 * offset strategies count the raw extracted records of a page; cursor pagination sees the page's records
 * after filtering and transformations.
 */
import type { Response } from '../http/response';
import { evalBoolean, evalString } from '../jinja/interpolation';
import { num, pyStr } from '../jinja/values';
import { TracedError } from '../protocol';
import { type Build, type Node, expectType, params } from './build';
import { type Injection, emptyInjection, injectOption } from './auth';
import type { Decoder, Extractor, Record_ } from './records';

export type PageState = { response: Response; lastPageSize: number; lastRecord: Record_ | undefined; lastToken: unknown };

export interface Paginator {
  initialToken(): unknown;
  next(state: PageState): unknown;
  /** Options of the current token; `path` is set when the token is a RequestPath URL. */
  options(token: unknown): { injection: Injection; path?: string };
}

/** `decoder`: the retriever's decoder; pagination reads the first decoded body (PaginationDecoderDecorator). */
export function buildPaginator(b: Build, node: Node | undefined, urlBase: () => string, extractor: Extractor, decoder?: Decoder): Paginator {
  if (!node || expectType(b, node, ['DefaultPaginator', 'NoPagination']) === 'NoPagination') {
    return { initialToken: () => null, next: () => null, options: () => ({ injection: emptyInjection() }) };
  }
  const strategy = node.pagination_strategy as Node;
  const type = expectType(b, strategy, ['PageIncrement', 'OffsetIncrement', 'CursorPagination']);
  const sp = params(strategy);
  const pageSize = strategy.page_size === undefined || strategy.page_size === null ? null : evalString(strategy.page_size, b.config, {}, sp);
  if (pageSize !== null && (typeof pageSize !== 'number' || !Number.isInteger(pageSize))) {
    throw b.error(strategy, `${type}.page_size ${pyStr(pageSize)} is not an integer`);
  }
  const size = pageSize as number | null;
  const tokenOption = node.page_token_option as Node | undefined;
  if (tokenOption) expectType(b, tokenOption, ['RequestOption', 'RequestPath']);
  const sizeOption = node.page_size_option as Node | undefined;

  let initialToken: () => unknown;
  let next: (s: PageState) => unknown;
  if (type === 'PageIncrement') {
    const start = strategy.start_from_page === undefined ? 0 : num(evalString(strategy.start_from_page, b.config, {}, sp));
    initialToken = () => (strategy.inject_on_first_request ? start : null);
    next = (s) => {
      const raw = extractor(s.response).length;
      if ((size && raw < size) || raw === 0) return null;
      if (s.lastToken === null || s.lastToken === undefined) return start + 1;
      if (typeof s.lastToken !== 'number') throw new TracedError(`The page token ${pyStr(s.lastToken)} is not an integer`, undefined, 'system_error');
      return s.lastToken + 1;
    };
  } else if (type === 'OffsetIncrement') {
    initialToken = () => (strategy.inject_on_first_request ? 0 : null);
    next = (s) => {
      const raw = extractor(s.response).length;
      if ((size && raw < size) || raw === 0) return null;
      if (s.lastToken === null || s.lastToken === undefined) return raw;
      return num(s.lastToken) + raw;
    };
  } else {
    initialToken = () => null;
    next = (s) => {
      let decoded: unknown;
      if (decoder) decoded = decoder(s.response)[0] ?? {};
      else {
        const body = s.response.json();
        decoded = Array.isArray(body) ? (body.length ? body[0] : {}) : body ?? {};
      }
      const ctx = { response: decoded, headers: s.response.headersWithLinks(), last_record: s.lastRecord ?? null, last_page_size: s.lastPageSize };
      if (strategy.stop_condition !== undefined && evalBoolean(strategy.stop_condition, b.config, ctx, sp)) return null;
      const token = evalString(strategy.cursor_value, b.config, ctx, sp);
      return token === null || token === undefined || token === '' || token === false ? null : token;
    };
  }
  return {
    initialToken,
    next(s) {
      const t = next(s);
      // DefaultPaginator keeps a token only when it is truthy.
      return t === 0 || t === null || t === undefined ? null : t;
    },
    options(token) {
      const injection = emptyInjection();
      let path: string | undefined;
      if (tokenOption && token !== null && token !== undefined) {
        if (tokenOption.type === 'RequestPath') path = pyStr(token).split(urlBase()).join('');
        else injectOption(b, tokenOption, injection, token);
      }
      if (sizeOption && size) injectOption(b, sizeOption, injection, size);
      injection.headers = Object.fromEntries(Object.entries(injection.headers).map(([k, v]) => [k, pyStr(v)]));
      return { injection, path };
    },
  };
}
