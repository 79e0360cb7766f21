export { runCommand, secretValues, type Command, type RunOptions } from './source';
export { main as cliMain, parseArgs } from './cli';
export { TracedError, ManifestError, type AirbyteMessage, type Emit, type FailureType } from './protocol';
export { interpolate, evalString, evalBoolean, InterpolationError } from './jinja/interpolation';
export { readCassette, Scrubber, SCRUBBED, type CassetteEntry, type FetchLike, type HttpRequest, type HttpResponse, type Transport } from './http/transport';
