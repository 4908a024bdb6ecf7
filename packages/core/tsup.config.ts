import { defineConfig } from 'tsup';
import { buildOptions } from '../../tsup.config.base.js';

// Two entry points share one copy of every module (one `TokenGateError` class, one request memo):
// code splitting puts what both use in shared chunks, for ESM and CommonJS alike.
export default defineConfig({ ...buildOptions, entry: ['src/index.ts', 'src/adapter.ts'], splitting: true });
