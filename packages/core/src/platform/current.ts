/**
 * The platform this build runs on. The Node build (the `node` condition of the package's
 * `exports`, and these sources) uses `node/`; the Web build, made for every other runtime,
 * replaces this module with `web/` (tsup.config.ts), so nothing it loads imports `node:`.
 */
export { platform } from './node/index.js';
