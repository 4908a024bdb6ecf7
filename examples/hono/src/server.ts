/**
 * Runs the example on Node.js with @hono/node-server: TOKENGATE_ISSUER and TOKENGATE_AUDIENCE say
 * which tokens to accept (TOKENGATE_JWKS_URI optional, discovered otherwise), PORT where to listen
 * (default 3000). On Bun or Deno, `export default app` (Bun) or `Deno.serve(app.fetch)` does the same.
 */
import { serve } from '@hono/node-server';
import { createApp } from './app.js';

const issuer = process.env.TOKENGATE_ISSUER;
const audience = process.env.TOKENGATE_AUDIENCE;
if (!issuer || !audience) {
  console.error('Set TOKENGATE_ISSUER and TOKENGATE_AUDIENCE (or run `pnpm demo` from the repository root).');
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);

const app = createApp({ issuer, audience, jwksUri: process.env.TOKENGATE_JWKS_URI });
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  console.log(`Hono example listening on http://127.0.0.1:${info.port}`);
});
