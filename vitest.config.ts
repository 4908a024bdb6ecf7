import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vitest/config';

const source = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

const LOAD_TESTS = ['test/load-*.test.ts'];
const LOAD = process.env.TOKENGATE_SUITE === 'load';

/** Core's tests that are about Node itself (TLS client certificates), or that load both platforms themselves. */
const PLATFORM = fileURLToPath(new URL('./packages/core/src/platform/current.ts', import.meta.url));
const WEB_PLATFORM = fileURLToPath(new URL('./packages/core/src/platform/web/index.ts', import.meta.url));

/** Core's platform module swapped for the Web one, as the Web build swaps it (packages/core/tsup.config.ts). */
const webPlatform: Plugin = {
  name: 'tokengate-web-platform',
  enforce: 'pre',
  async resolveId(source, importer, options) {
    if (!source.endsWith('/current.js')) return null;
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
    return resolved?.id === PLATFORM ? WEB_PLATFORM : null;
  },
};

const NODE_ONLY_CORE_TESTS = ['packages/core/test/binding/certificate.test.ts', 'packages/core/test/platform/parity.test.ts'];

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
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true as const,
        test: {
          name: 'node',
          env: { TOKENGATE_PLATFORM: 'node' },
          include: LOAD ? LOAD_TESTS : ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
          // Load tests measure event-loop stalls, so they run alone, after everything else (scripts/run-tests.mjs).
          exclude: LOAD ? [] : LOAD_TESTS,
        },
      },
      // Core's own tests once more on the Web platform (WebCrypto, no Buffer).
      ...(LOAD
        ? []
        : [
            {
              extends: true as const,
              plugins: [webPlatform],
              test: { name: 'web-platform', env: { TOKENGATE_PLATFORM: 'web' }, include: ['packages/core/test/**/*.test.ts'], exclude: NODE_ONLY_CORE_TESTS },
            },
          ]),
    ],
  },
});
