/**
 * The Connector Builder UI's component support matrix (the webapp's manifest→form converter), applied to a
 * preprocessed manifest. Each finding names the place in the preprocessed manifest; callers map it back
 * to the source through `sourcePath` and the `origins` of preprocessManifest.
 */
import type { ManifestPath } from './references';
import { suggestReplacement, type PythonClass, type Replacement } from './custom-components';
import { checkAuthenticator } from './builder-auth';
import { checkAsyncStream, checkSyncStream, obj, list, streamName, type StreamContext, type Supported } from './builder-streams';

export interface MatrixFinding {
  rule: string;
  /** `yaml-only`: the Builder can import it but not show it in the UI; `loss`: the import drops something. */
  impact: 'yaml-only' | 'loss';
  /** `manifest`: the converter throws for the whole manifest (YAML-only project); `component`: only this component stays YAML. */
  scope?: 'manifest' | 'component';
  path: ManifestPath;
  message: string;
  fix?: string;
  replacement?: Replacement;
}

export interface MatrixOptions {
  /** Classes of the connector's components.py files, to suggest CDK replacements. */
  pythonClasses?: Map<string, PythonClass>;
  /** The manifest as written (before preprocessing). Kept for callers; parent streams are now matched on their resolved form, as the converter does. */
  source?: unknown;
}

type Obj = Record<string, unknown>;

export function checkBuilderMatrix(manifest: Obj, origins?: WeakMap<object, ManifestPath>, options: MatrixOptions = {}): MatrixFinding[] {
  const out: MatrixFinding[] = [];
  const block = (rule: string, path: ManifestPath, message: string, fix?: string) => out.push({ rule, impact: 'yaml-only', scope: 'manifest', path, message, fix });
  const fallback = (rule: string, path: ManifestPath, message: string, fix?: string) => out.push({ rule, impact: 'yaml-only', scope: 'component', path, message, fix });
  /** `whole`: the converter throws for this component outside convertOrDumpAsString, so the whole manifest stays YAML. */
  const custom = (c: Obj, path: ManifestPath, where: string, whole = false) => {
    const type = String(c.type ?? 'custom component');
    const replacement = suggestReplacement(type, typeof c.class_name === 'string' ? c.class_name : undefined, options.pythonClasses);
    out.push({
      rule: 'custom-component',
      impact: 'yaml-only',
      scope: whole ? 'manifest' : 'component',
      path,
      message: `${where} is a ${type}${c.class_name ? ` (${c.class_name})` : ''}: Python code the Builder UI cannot show and runs only with AIRBYTE_ENABLE_UNSAFE_CODE`,
      fix: replacement.replaceWith ? `replace it with ${replacement.replaceWith.join(' or ')} (${replacement.reason})` : `no known CDK replacement: ${replacement.reason}`,
      replacement,
    });
  };
  const supported: Supported = (c, path, where, allowed, rule, whole = false) => {
    const o = obj(c);
    if (!o) return false;
    const type = String(o.type);
    if (type.startsWith('Custom') || 'class_name' in o) {
      custom(o, path, where, whole);
      return false;
    }
    if (!(allowed instanceof Set ? allowed : new Set(allowed)).has(type)) {
      (whole ? block : fallback)(rule, path, `${where} is a ${type}, which the Builder UI does not support`);
      return false;
    }
    return true;
  };

  const check = obj(manifest.check);
  if (check?.type === 'CheckDynamicStream') block('check', ['check'], 'check is a CheckDynamicStream, which the Builder UI does not support', 'use CheckStream with stream_names');

  const streams = list(manifest.streams);
  if (streams.some((s) => obj(s)?.type === 'StateDelegatingStream'))
    streams.forEach((s, i) => obj(s)?.type === 'StateDelegatingStream' && block('stream-type', ['streams', i], `${streamName(s, i)} is a StateDelegatingStream, which the Builder UI does not support`));
  const dynamic = list(manifest.dynamic_streams);
  // The converter compares every SimpleRetriever stream with the first SimpleRetriever it finds: among the streams,
  // then among the dynamic streams' HttpComponentsResolver retrievers. AsyncRetriever streams are not compared.
  const candidates: [Obj | undefined, ManifestPath][] = [
    ...streams.map((s, i): [Obj | undefined, ManifestPath] => [obj(obj(s)?.retriever), ['streams', i, 'retriever']]),
    ...dynamic.map((d, i): [Obj | undefined, ManifestPath] => {
      const r = obj(obj(d)?.components_resolver);
      return [r?.type === 'HttpComponentsResolver' ? obj(r.retriever) : undefined, ['dynamic_streams', i, 'components_resolver', 'retriever']];
    }),
  ];
  const [firstSimple, firstPath] = candidates.find(([r]) => r?.type === 'SimpleRetriever') ?? [undefined, []];
  const firstRequester = obj(firstSimple?.requester);
  const ctx: StreamContext = { manifest, streams, first: firstRequester, supported, block, fallback, out };

  // Only the first SimpleRetriever's authenticator is converted (the global one); the others are only compared to it.
  if (firstRequester?.type === 'HttpRequester' && firstRequester.authenticator !== undefined)
    out.push(...checkAuthenticator(firstRequester.authenticator, [...firstPath, 'requester', 'authenticator'], manifest, (c, p, w) => supported(c, p, w, [], 'authenticator')));
  streams.forEach((s, i) => {
    const stream = obj(s);
    if (!stream || stream.type === 'StateDelegatingStream') return;
    const sp: ManifestPath = ['streams', i];
    const name = streamName(s, i);
    // The converter reads every entry as a DeclarativeStream: anything else (ConditionalStreams …) cannot convert.
    if (stream.type !== 'DeclarativeStream') return block('stream-type', sp, `${name} is a ${String(stream.type)}, which the Builder UI does not support`);
    const retriever = obj(stream.retriever);
    if (!supported(retriever, [...sp, 'retriever'], `${name}'s retriever`, ['SimpleRetriever', 'AsyncRetriever'], 'retriever', true)) return;
    if (retriever!.type === 'SimpleRetriever') checkSyncStream(stream, sp, name, ctx);
    else checkAsyncStream(stream, sp, name, ctx);
  });
  dynamic.forEach((d, i) => {
    const resolver = obj(obj(d)?.components_resolver);
    const dp: ManifestPath = ['dynamic_streams', i];
    const name = `dynamic stream ${typeof obj(d)?.name === 'string' ? obj(d)!.name : `#${i + 1}`}`;
    if (resolver?.type !== 'HttpComponentsResolver' || obj(resolver.retriever)?.type !== 'SimpleRetriever')
      return block('dynamic-streams', [...dp, 'components_resolver'], `${name} uses a ${String(resolver?.type)}${resolver?.type === 'HttpComponentsResolver' ? ` with a ${String(obj(resolver.retriever)?.type)}` : ''}; the Builder UI supports only HttpComponentsResolver with a SimpleRetriever`);
    // The stream template goes through the same conversion as a stream, outside any YAML fallback.
    const template = obj(obj(d)?.stream_template);
    if (!template) return;
    if (!supported(template.retriever, [...dp, 'stream_template', 'retriever'], `${name}'s template retriever`, ['SimpleRetriever'], 'retriever', true)) return;
    checkSyncStream(template, [...dp, 'stream_template'], `${name}'s template`, ctx);
  });
  return out;
}
