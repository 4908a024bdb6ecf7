import type { Options } from 'tsup';

/** Shared build: ESM and CommonJS with declarations, no bundled dependencies. */
export const buildOptions: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: false,
  treeshake: true,
  tsconfig: 'tsconfig.build.json',
};
