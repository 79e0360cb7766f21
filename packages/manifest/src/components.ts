/**
 * Type and `$parameters` propagation with the CDK's semantics
 * (airbyte_cdk/sources/declarative/parsers/manifest_component_transformer.py).
 */
import type { ManifestPath } from './references';

export const PARAMETERS_KEY = '$parameters';

/** Default `type` of a component without one, by `<ParentType>.<field>`. */
export const DEFAULT_MODEL_TYPES: Readonly<Record<string, string>> = {
  'CompositeErrorHandler.error_handlers': 'DefaultErrorHandler',
  'CursorPagination.decoder': 'JsonDecoder',
  'DatetimeBasedCursor.end_datetime': 'MinMaxDatetime',
  'DatetimeBasedCursor.end_time_option': 'RequestOption',
  'DatetimeBasedCursor.start_datetime': 'MinMaxDatetime',
  'DatetimeBasedCursor.start_time_option': 'RequestOption',
  'CustomIncrementalSync.end_datetime': 'MinMaxDatetime',
  'CustomIncrementalSync.end_time_option': 'RequestOption',
  'CustomIncrementalSync.start_datetime': 'MinMaxDatetime',
  'CustomIncrementalSync.start_time_option': 'RequestOption',
  'DeclarativeSource.check': 'CheckStream',
  'DeclarativeSource.spec': 'Spec',
  'DeclarativeSource.streams': 'DeclarativeStream',
  'DeclarativeStream.retriever': 'SimpleRetriever',
  'DeclarativeStream.schema_loader': 'JsonFileSchemaLoader',
  'DynamicDeclarativeStream.stream_template': 'DeclarativeStream',
  'DynamicDeclarativeStream.components_resolver': 'ConfigComponentsResolver',
  'HttpComponentsResolver.retriever': 'SimpleRetriever',
  'HttpComponentsResolver.components_mapping': 'ComponentMappingDefinition',
  'ConfigComponentsResolver.stream_config': 'StreamConfig',
  'ConfigComponentsResolver.components_mapping': 'ComponentMappingDefinition',
  'DefaultErrorHandler.response_filters': 'HttpResponseFilter',
  'DefaultPaginator.decoder': 'JsonDecoder',
  'DefaultPaginator.page_size_option': 'RequestOption',
  'DpathExtractor.decoder': 'JsonDecoder',
  'HttpRequester.error_handler': 'DefaultErrorHandler',
  'ListPartitionRouter.request_option': 'RequestOption',
  'ParentStreamConfig.request_option': 'RequestOption',
  'ParentStreamConfig.stream': 'DeclarativeStream',
  'RecordSelector.extractor': 'DpathExtractor',
  'RecordSelector.record_filter': 'RecordFilter',
  'SimpleRetriever.paginator': 'NoPagination',
  'SimpleRetriever.record_selector': 'RecordSelector',
  'SimpleRetriever.requester': 'HttpRequester',
  'SubstreamPartitionRouter.parent_stream_configs': 'ParentStreamConfig',
  'AddFields.fields': 'AddedFieldDefinition',
  'CustomPartitionRouter.parent_stream_configs': 'ParentStreamConfig',
  'DynamicSchemaLoader.retriever': 'SimpleRetriever',
  'DynamicSchemaLoader.schema_type_identifier': 'SchemaTypeIdentifier',
  'SchemaTypeIdentifier.types_map': 'TypesMap',
};

/** Type of a component that has `class_name` and no `type`, by `<ParentType>.<field>`. */
export const CUSTOM_COMPONENTS_MAPPING: Readonly<Record<string, string>> = {
  'CompositeErrorHandler.backoff_strategies': 'CustomBackoffStrategy',
  'DeclarativeStream.retriever': 'CustomRetriever',
  'DeclarativeStream.transformations': 'CustomTransformation',
  'DefaultErrorHandler.backoff_strategies': 'CustomBackoffStrategy',
  'DefaultPaginator.pagination_strategy': 'CustomPaginationStrategy',
  'HttpRequester.authenticator': 'CustomAuthenticator',
  'HttpRequester.error_handler': 'CustomErrorHandler',
  'RecordSelector.extractor': 'CustomRecordExtractor',
  'SimpleRetriever.partition_router': 'CustomPartitionRouter',
};

/** Python truthiness, which the CDK uses to decide whether a field "is set". */
export function isTruthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

function isJsonSchemaObject(c: Record<string, unknown>): boolean {
  const t = c.type;
  return t === 'object' || (Array.isArray(t) && t.includes('object'));
}

type Obj = Record<string, unknown>;

/**
 * Fill in default types and push `$parameters` down the tree: each component receives its parents'
 * parameters (its own win), and each parameter also becomes a field of the component unless the field is set.
 */
export function propagateTypesAndParameters(
  parentField: string,
  component: Obj,
  parentParameters: Obj = {},
  useParentParameters = false,
  origins?: WeakMap<object, ManifestPath>,
): Obj {
  // Children are rebuilt below, so a shallow copy is enough; the source manifest is never mutated.
  const out: Obj = { ...component };
  if (origins?.has(component)) origins.set(out, origins.get(component)!);
  if (!('type' in out)) {
    const found = 'class_name' in out ? CUSTOM_COMPONENTS_MAPPING[parentField] : DEFAULT_MODEL_TYPES[parentField];
    if (found) out.type = found;
  }
  // Popped before the early return, as the CDK does: an untyped object (request_parameters …) loses its own
  // `$parameters` and passes nothing down.
  const own = (out[PARAMETERS_KEY] as Obj | undefined) ?? {};
  delete out[PARAMETERS_KEY];
  if (!('type' in out) || isJsonSchemaObject(out)) return out;

  const current: Obj = useParentParameters ? { ...own, ...parentParameters } : { ...parentParameters, ...own };
  for (const [k, v] of Object.entries(current)) out[k] = isTruthy(out[k]) ? out[k] : v;

  for (const [field, value] of Object.entries(out)) {
    const identifier = `${String(out.type)}.${field}`;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const had = field in current;
      const excluded = current[field];
      delete current[field];
      out[field] = propagateTypesAndParameters(identifier, value as Obj, current, useParentParameters, origins);
      if (had && isTruthy(excluded)) current[field] = excluded;
    } else if (Array.isArray(value)) {
      const had = field in current;
      const excluded = current[field];
      delete current[field];
      out[field] = value.map((el) =>
        el && typeof el === 'object' && !Array.isArray(el) ? propagateTypesAndParameters(identifier, el as Obj, current, useParentParameters, origins) : el,
      );
      if (had && isTruthy(excluded)) current[field] = excluded;
    }
  }
  if (Object.keys(current).length) out[PARAMETERS_KEY] = current;
  return out;
}

/** Remove every `$parameters` key, as Airbyte's manifest-only migration does after propagation. */
export function removeParameters<T>(node: T): T {
  if (Array.isArray(node)) return node.map((v) => removeParameters(v)) as T;
  if (node && typeof node === 'object') {
    const out: Obj = {};
    for (const [k, v] of Object.entries(node)) if (k !== PARAMETERS_KEY) out[k] = removeParameters(v);
    return out as T;
  }
  return node;
}
