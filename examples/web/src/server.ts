/**
 * Runs the example: TOKENGATE_ISSUER and TOKENGATE_AUDIENCE say which tokens to accept
 * (TOKENGATE_JWKS_URI optional, discovered otherwise), PORT where to listen (default 3000). In a
 * Next.js app, `src/route.ts` is `app/v1/kits/route.ts` and Next.js does what `node.ts` does here.
 */
import type { AddressInfo } from 'node:net';
import { createNodeServer } from './node.js';

if (!process.env.TOKENGATE_ISSUER || !process.env.TOKENGATE_AUDIENCE) {
  console.error('Set TOKENGATE_ISSUER and TOKENGATE_AUDIENCE.');
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);

// Imported once the environment is known: the route module reads it when it loads.
const { GET, POST } = await import('./route.js');
const server = createNodeServer({ '/v1/kits': { GET, POST } });
server.listen(port, '127.0.0.1', () => {
  console.log(`Web route handler example listening on http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/kits`);
});
