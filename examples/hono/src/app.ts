/**
 * The example API on Hono, protected by ONE route policy table (the gateway buckets of the
 * Typograph docs), as in the Express example: every request is matched against the table before
 * any route handler runs. Hono runs on Node.js, Bun, Deno and Workers; `server.ts` serves it on Node.
 */
import { Hono } from 'hono';
import { createVerifier, routePolicy, type RouteRule, type TokenGateEnv } from '@tokengate/hono';

export interface AppOptions {
  issuer: string;
  audience: string;
  /** Defaults to discovery from the issuer's metadata. */
  jwksUri?: string;
}

/** First matching row wins; a request that matches no row gets 403 `access_denied`. */
export const routes: readonly RouteRule[] = [
  { path: '/health', public: true },
  // User-owned resources need a user token (authorization_code flow).
  { path: '/v1/file/*', token: 'user' },
  { path: '/v1/webhook/*', token: 'user' },
  { path: '/v1/subscription/*', token: 'user' },
  { path: '/v1/identity/*', token: 'user' },
  // Stateless operations accept user and client tokens alike.
  { path: '/v1/document/validate', token: 'any' },
  { path: '/v1/publisher/jobs*', token: 'any' },
  { path: '/v1/converter/jobs*', token: 'any' },
  { path: '/oauth/userinfo', token: 'any' },
  { path: '/v1/me', token: 'any' },
  // Scoped routes (the Monotype scopes).
  { path: '/v1/fonts/:id', methods: ['GET'], scopes: ['read:font:data'] },
  { path: '/v1/kits', methods: ['POST'], token: 'user', scopes: ['create:webfonts:kit'] },
];

export function createApp({ issuer, audience, jwksUri }: AppOptions): Hono<TokenGateEnv> {
  // One verifier: one JWKS cache shared by every route.
  const verifier = createVerifier({ issuer, audience, jwksUri });
  const app = new Hono<TokenGateEnv>();
  app.use(routePolicy(routes, { source: verifier }));

  app.get('/health', (c) => c.json({ status: 'ok' }));
  // Who is calling? (like Monta's /auth/me). c.get('auth') is the verified token.
  app.get('/v1/me', (c) => {
    const { type, subject, clientId, scopes } = c.get('auth');
    return c.json({ type, subject, clientId, scopes });
  });
  app.get('/v1/file/templates', (c) => c.json({ owner: c.get('auth').subject, templates: [{ id: 'tpl-1', name: 'Invoice' }] }));
  app.get('/v1/publisher/jobs', (c) => c.json({ jobs: [{ id: 'job-1', status: 'done' }] }));
  app.post('/v1/publisher/jobs', (c) => c.json({ id: 'job-2', status: 'queued', submittedBy: c.get('auth').clientId }, 202));
  app.get('/v1/fonts/:id', (c) => c.json({ id: c.req.param('id'), family: 'Helvetica Now', format: 'woff2' }));
  app.post('/v1/kits', (c) => c.json({ id: 'kit-1', owner: c.get('auth').subject }, 201));
  return app;
}
