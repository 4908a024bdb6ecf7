import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

const LOAD_TESTS = ['test/load-*.test.ts'];

export default defineConfig({
  resolve: {
    // Exact names: `@tokengate/core` must not swallow `@tokengate/core/adapter`.
    alias: [
      { find: /^@tokengate\/core\/adapter$/, replacement: fileURLToPath(new URL('./packages/core/src/adapter.ts', import.meta.url)) },
      ...['core', 'testing', 'express', 'koa', 'fastify', 'mcp', 'redis', 'web', 'hono'].map((name) => ({ find: new RegExp(`^@tokengate/${name}$`), replacement: source(name) })),
      { find: /^@tokengate\/test-support$/, replacement: fileURLToPath(new URL('./tools/test-support/src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: process.env.TOKENGATE_SUITE === 'load' ? LOAD_TESTS : ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    // Load tests measure event-loop stalls, so they run alone, after everything else (scripts/run-tests.mjs).
    exclude: process.env.TOKENGATE_SUITE === 'load' ? [] : LOAD_TESTS,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
