import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

const LOAD_TESTS = ['test/load-*.test.ts'];

export default defineConfig({
  resolve: {
    alias: {
      '@tokengate/core': source('core'),
      '@tokengate/testing': source('testing'),
      '@tokengate/express': source('express'),
      '@tokengate/koa': source('koa'),
      '@tokengate/fastify': source('fastify'),
    },
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
