/**
 * Which CDK component could replace a custom (Python) component. Without running the Python we can only
 * read the signals that are there: the class it subclasses in components.py, its name, and its place in
 * the manifest. Each suggestion says how sure it is; where nothing points anywhere, it says so.
 */
export interface Replacement {
  /** CDK component(s) that can do the job, or undefined when nothing in the signals points to one. */
  replaceWith?: string[];
  confidence: 'subclass' | 'code' | 'name' | 'unknown';
  reason: string;
}

export interface PythonClass {
  /** Base class names, without module prefixes. */
  bases: string[];
  /** The class body text (up to the next top-level statement). */
  body: string;
}

/** `class Foo(PageIncrement): …` in components.py → Foo's base classes and body. */
export function readPythonClasses(source: string): Map<string, PythonClass> {
  const out = new Map<string, PythonClass>();
  const heads = [...source.matchAll(/^class\s+([A-Za-z_]\w*)\s*(?:\(([^)]*)\))?\s*:/gm)];
  heads.forEach((m, i) => {
    const bases = (m[2] ?? '')
      .split(',')
      .map((b) => b.trim().split('.').pop()!.replace(/\[.*$/, ''))
      .filter((b) => b && !/=/.test(b));
    const start = m.index! + m[0].length;
    const rest = source.slice(start, heads[i + 1]?.index ?? source.length);
    const end = rest.search(/^\S/m);
    out.set(m[1], { bases, body: end < 0 ? rest : rest.slice(0, end) });
  });
  return out;
}

/** `response.json().get("meta", {}).get("next")` in Python → `response.get("meta", {}).get("next")` in Jinja. */
function responseChain(body: string): string | undefined {
  const m = /response\.json\(\)((?:\s*\.get\([^()]*(?:\([^()]*\))?[^()]*\)|\s*\[[^\]]+\])+)/.exec(body);
  return m ? `response${m[1].replace(/\s+(?=[.[])/g, '')}` : undefined;
}

/** What a pagination strategy's code does, read from its body. */
function paginationFromBody(body: string): string[] | undefined {
  if (/offset\s*\+=|offset\s*=\s*[^=\n]*\+/.test(body)) return ['OffsetIncrement'];
  if (/page\w*\s*\+=\s*1|page\w*\s*=\s*[^=\n]*\+\s*1/.test(body)) return ['PageIncrement'];
  if (/response\.(json\(\)|headers|links)[\s\S]*?(\.get\(|\[)/.test(body)) return ['CursorPagination'];
  return undefined;
}

/** Name keywords → CDK component, per custom component kind. First match wins. */
const BY_NAME: Record<string, [RegExp, string[]][]> = {
  CustomPaginationStrategy: [
    [/cursor|token|link|next|scroll|url/i, ['CursorPagination']],
    [/offset|limit/i, ['OffsetIncrement']],
    [/page/i, ['PageIncrement']],
  ],
  CustomAuthenticator: [
    [/oauth|token.?refresh|refresh/i, ['OAuthAuthenticator']],
    [/session|login/i, ['SessionTokenAuthenticator']],
    [/jwt/i, ['JwtAuthenticator']],
    [/basic/i, ['BasicHttpAuthenticator']],
    [/bearer|access.?token/i, ['BearerAuthenticator']],
    [/api.?key/i, ['ApiKeyAuthenticator']],
  ],
  CustomRecordExtractor: [[/dpath|extract|records?/i, ['DpathExtractor']]],
  CustomRecordFilter: [[/filter|feed/i, ['RecordFilter (condition)', 'DatetimeBasedCursor with is_client_side_incremental']]],
  CustomTransformation: [
    [/snake/i, ['KeysToSnakeCase']],
    [/lower/i, ['KeysToLower']],
    [/flatten/i, ['FlattenFields', 'DpathFlattenFields']],
    [/remove|drop/i, ['RemoveFields']],
    [/rename|replace/i, ['KeysReplace']],
    [/add|field|property|properties/i, ['AddFields']],
  ],
  CustomPartitionRouter: [
    [/substream|parent|child/i, ['SubstreamPartitionRouter']],
    [/list|values/i, ['ListPartitionRouter']],
    [/cartesian|product|union|group/i, ['a list of partition routers (cartesian product)']],
  ],
  CustomIncrementalSync: [
    [/date|time|cursor/i, ['DatetimeBasedCursor']],
    [/count|increment|id/i, ['IncrementingCountCursor']],
  ],
  CustomBackoffStrategy: [
    [/until|midnight|reset/i, ['WaitUntilTimeFromHeader']],
    [/header|retry.?after|wait/i, ['WaitTimeFromHeader']],
    [/exponential/i, ['ExponentialBackoffStrategy']],
    [/constant/i, ['ConstantBackoffStrategy']],
  ],
  CustomErrorHandler: [[/.*/, ['DefaultErrorHandler with response_filters']]],
  CustomDecoder: [
    [/xml/i, ['XmlDecoder']],
    [/csv/i, ['CsvDecoder']],
    [/jsonl|lines/i, ['JsonlDecoder']],
    [/gzip|gz/i, ['GzipDecoder']],
    [/zip/i, ['ZipfileDecoder']],
  ],
  CustomSchemaLoader: [[/dynamic|discover/i, ['DynamicSchemaLoader']]],
  CustomSchemaNormalization: [[/.*/, ['SchemaNormalization (Default)']]],
};

/** CDK base classes a custom class may extend, mapped to the declarative component with that behaviour. */
const CDK_BASES: Record<string, string> = {
  PageIncrement: 'PageIncrement',
  OffsetIncrement: 'OffsetIncrement',
  CursorPaginationStrategy: 'CursorPagination',
  DpathExtractor: 'DpathExtractor',
  RecordFilter: 'RecordFilter',
  DatetimeBasedCursor: 'DatetimeBasedCursor',
  SubstreamPartitionRouter: 'SubstreamPartitionRouter',
  ListPartitionRouter: 'ListPartitionRouter',
  AddFields: 'AddFields',
  RemoveFields: 'RemoveFields',
  DeclarativeOauth2Authenticator: 'OAuthAuthenticator',
  Oauth2Authenticator: 'OAuthAuthenticator',
  ApiKeyAuthenticator: 'ApiKeyAuthenticator',
  BearerAuthenticator: 'BearerAuthenticator',
  BasicHttpAuthenticator: 'BasicHttpAuthenticator',
  WaitTimeFromHeaderBackoffStrategy: 'WaitTimeFromHeader',
  WaitUntilTimeFromHeaderBackoffStrategy: 'WaitUntilTimeFromHeader',
  ExponentialBackoffStrategy: 'ExponentialBackoffStrategy',
  DefaultErrorHandler: 'DefaultErrorHandler',
  SimpleRetriever: 'SimpleRetriever',
  HttpRequester: 'HttpRequester',
};

/** Custom components the Builder can never show in its UI, whatever they do. */
const NO_DECLARATIVE_EQUIVALENT = new Set(['CustomRetriever', 'CustomRequester', 'CustomStateMigration', 'CustomConfigTransformation', 'CustomValidationStrategy']);

export function suggestReplacement(type: string, className: string | undefined, classes?: Map<string, PythonClass>): Replacement {
  const short = className?.split('.').pop() ?? '';
  const found = short ? classes?.get(short) : undefined;
  const parents = found?.bases ?? [];
  const cdk = parents.map((p) => CDK_BASES[p]).filter(Boolean);
  if (cdk.length)
    return { replaceWith: cdk, confidence: 'subclass', reason: `${short} subclasses ${parents.join(', ')}: check what its override adds and express that with ${cdk.join(' / ')}'s fields` };
  if (NO_DECLARATIVE_EQUIVALENT.has(type))
    return { confidence: 'unknown', reason: `a ${type} replaces a whole CDK mechanism; no declarative component does that, so the logic must be re-expressed by hand (or kept, YAML-only)` };
  if (type === 'CustomPaginationStrategy' && found) {
    const fromBody = paginationFromBody(found.body);
    if (fromBody) {
      const what = fromBody[0] === 'CursorPagination' ? 'reads the next page from the response' : fromBody[0] === 'OffsetIncrement' ? 'adds to an offset' : 'counts pages up by one';
      const cursor = fromBody[0] === 'CursorPagination' ? responseChain(found.body) : undefined;
      const hint = cursor ? ` — e.g. cursor_value: "{{ ${cursor} }}", stop_condition: "{{ not ${cursor} }}"` : '';
      return { replaceWith: fromBody, confidence: 'code', reason: `${short}'s code ${what}, which ${fromBody[0]} does${hint}` };
    }
  }
  for (const [re, replaceWith] of BY_NAME[type] ?? []) {
    if (short && re.test(short))
      return { replaceWith, confidence: 'name', reason: `the name ${short} suggests ${replaceWith.join(' or ')}; ${found ? 'its code' : 'its code (not found in components.py)'} must confirm` };
  }
  return { confidence: 'unknown', reason: short ? `nothing in ${short}'s name${found ? ', base classes or code' : ''} says which CDK component could replace it; read its code` : 'no class_name to go on' };
}
