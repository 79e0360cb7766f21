#!/usr/bin/env node
// Pack every Conveyor package and plugin (built dist/ included) into tarballs a user can install into their
// own repository: `node tools/scripts/pack.mjs [outDir]` (default dist/packs), then
// `npm install -D <outDir>/*.tgz nx@23.2.1`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = resolve(process.argv[2] ?? join(root, 'dist', 'packs'));
mkdirSync(out, { recursive: true });
const packed = [];
for (const group of ['packages', 'plugins']) {
  for (const name of readdirSync(join(root, group)).sort()) {
    const dir = join(root, group, name);
    if (!existsSync(join(dir, 'package.json'))) continue;
    if (!existsSync(join(dir, 'dist'))) {
      console.error(`skipped ${group}/${name}: not built (run npm run build first)`);
      continue;
    }
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop();
    packed.push({ name: pkg.name, file: join(out, file) });
  }
}
console.log(JSON.stringify(packed, null, 2));
