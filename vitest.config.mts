import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources in tests (the `conveyor-source` export
// condition), so unit tests never run against a stale dist/.
export default defineConfig({
  resolve: { conditions: ['conveyor-source'] },
  ssr: { resolve: { conditions: ['conveyor-source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'plugins/*/test/**/*.test.ts', 'test/**/*.test.ts', 'tools/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
