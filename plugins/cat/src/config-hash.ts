import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A hash of everything under a connector's `secrets/` folder, for the Nx cache key of the live suites:
 * new credentials rerun them, while the cache itself only ever sees this digest, never a value.
 */
export function configHash(connectorRoot: string): string {
  const dir = join(connectorRoot, 'secrets');
  if (!existsSync(dir)) return 'no-secrets';
  const hash = createHash('sha256');
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const child = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, child)).isDirectory()) walk(child);
      else hash.update(child).update('\0').update(readFileSync(join(dir, child))).update('\0');
    }
  };
  walk('');
  return `secrets-sha256:${hash.digest('hex')}`;
}

// Nx `runtime` input: `node <this file> <connector root>` prints the digest.
if (require.main === module) process.stdout.write(configHash(process.argv[2] ?? '.') + '\n');
