/**
 * Runs the example: TOKENGATE_ISSUER and TOKENGATE_AUDIENCE say which tokens to accept
 * (TOKENGATE_JWKS_URI optional, discovered otherwise), PORT where to listen (default 3000).
 */
import { createApp } from './app.js';

const issuer = process.env.TOKENGATE_ISSUER;
const audience = process.env.TOKENGATE_AUDIENCE;
if (!issuer || !audience) {
  console.error('Set TOKENGATE_ISSUER and TOKENGATE_AUDIENCE (or run `pnpm demo` from the repository root).');
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);

const server = createApp({ issuer, audience, jwksUri: process.env.TOKENGATE_JWKS_URI }).listen(port, '127.0.0.1', () => {
  const { port: actual } = server.address() as { port: number };
  console.log(`Koa example listening on http://127.0.0.1:${actual}`);
});
