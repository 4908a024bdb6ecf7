import { isBuiltin } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Options } from 'tsup';
import { buildOptions } from '../../tsup.config.base.js';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

const PLATFORM = fileURLToPath(new URL('./src/platform/current.ts', import.meta.url));
const WEB_PLATFORM = fileURLToPath(new URL('./src/platform/web/index.ts', import.meta.url));

/** The Web build: platform/current.ts becomes platform/web, and any import of a Node built-in fails the build. */
const webPlatform: EsbuildPlugin = {
  name: 'tokengate-web-platform',
  setup(build) {
    build.onResolve({ filter: /\/current\.js$/ }, (args) => (resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts')) === PLATFORM ? { path: WEB_PLATFORM } : undefined));
    // Any Node built-in, with or without `node:` (bare specifiers are asked; packages pass through).
    build.onResolve({ filter: /^[^./]/ }, (args) => (isBuiltin(args.path) ? { errors: [{ text: `${args.path} imported by ${args.importer}: the Web build must not use Node built-ins` }] } : undefined));
  },
};

const entry = ['src/index.ts', 'src/adapter.ts'];

// Two entry points share one copy of every module (one `TokenGateError` class, one request memo):
// code splitting puts what both use in shared chunks, for ESM and CommonJS alike. Two builds: Node
// (dist/, ESM and CommonJS, with the declarations both builds share) and Web (dist/web/, ESM),
// picked by the `exports` conditions of package.json.
export default defineConfig([
  { ...buildOptions, entry, splitting: true, clean: false },
  { ...buildOptions, entry, splitting: true, clean: false, format: ['esm'], dts: false, outDir: 'dist/web', platform: 'neutral', target: 'es2022', esbuildPlugins: [webPlatform] },
]);
