#!/usr/bin/env node
// Run the Nx remote cache server:
//   CACHE_TOKENS=rw-token CACHE_READ_TOKENS=ro-token node tools/cache-server/cli.mjs --dir /srv/nx-cache --port 3000
// Tokens come from the environment (comma-separated) so they never show in `ps`; --token exists for local trials.
import { parseArgs } from 'node:util';
import { createCacheServer, listen } from './server.mjs';

const USAGE = `usage: cli.mjs --dir <folder> [--port 3000] [--host 127.0.0.1] [--max-bytes N] [--allow-anonymous] [--quiet]
  tokens: CACHE_TOKENS (read-write) and CACHE_READ_TOKENS (read-only), comma-separated; or --token / --read-token`;

let args;
try {
  args = parseArgs({
    options: {
      dir: { type: 'string' },
      port: { type: 'string', default: '3000' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string', multiple: true, default: [] },
      'read-token': { type: 'string', multiple: true, default: [] },
      'max-bytes': { type: 'string' },
      'allow-anonymous': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  }).values;
} catch (e) {
  console.error(`${e.message}\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!args.dir) {
  console.error(`--dir is required: the folder where archives are stored\n${USAGE}`);
  process.exit(2);
}
const split = (v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const port = Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a number between 0 and 65535, got ${JSON.stringify(args.port)}`);
  process.exit(2);
}

try {
  const server = createCacheServer({
    dir: args.dir,
    readWriteTokens: [...split(process.env.CACHE_TOKENS), ...args.token],
    readOnlyTokens: [...split(process.env.CACHE_READ_TOKENS), ...args['read-token']],
    allowAnonymous: args['allow-anonymous'],
    maxBytes: args['max-bytes'] ? Number(args['max-bytes']) : undefined,
    onEvent: args.quiet ? undefined : (e) => console.log(`${new Date().toISOString()} ${e.method} ${e.hash ?? '-'} ${e.status} ${e.bytes}`),
  });
  const url = await listen(server, port, args.host);
  console.log(`nx remote cache on ${url} storing in ${args.dir}`);
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (e) {
  console.error(e.message);
  process.exit(2);
}
