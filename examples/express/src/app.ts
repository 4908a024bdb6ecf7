/**
 * The example API on Express, protected by ONE route policy table (the gateway buckets of the
 * Typograph docs): every request is matched against the table before any route handler runs.
 */
import express from 'express';
import { createVerifier, routePolicy, type RouteRule } from '@tokengate/express';

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

export function createApp({ issuer, audience, jwksUri }: AppOptions): express.Express {
  // One verifier: one JWKS cache shared by every route.
  const verifier = createVerifier({ issuer, audience, jwksUri });
  const app = express();
  app.use(routePolicy(routes, { source: verifier }));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Who is calling? (like Monta's /auth/me). req.auth is the verified token.
  app.get('/v1/me', (req, res) => {
    const { type, subject, clientId, scopes } = req.auth!;
    res.json({ type, subject, clientId, scopes });
  });
  app.get('/v1/file/templates', (req, res) => {
    res.json({ owner: req.auth!.subject, templates: [{ id: 'tpl-1', name: 'Invoice' }] });
  });
  app.get('/v1/publisher/jobs', (_req, res) => {
    res.json({ jobs: [{ id: 'job-1', status: 'done' }] });
  });
  app.post('/v1/publisher/jobs', (req, res) => {
    res.status(202).json({ id: 'job-2', status: 'queued', submittedBy: req.auth!.clientId });
  });
  app.get('/v1/fonts/:id', (req, res) => {
    res.json({ id: req.params.id, family: 'Helvetica Now', format: 'woff2' });
  });
  app.post('/v1/kits', (req, res) => {
    res.status(201).json({ id: 'kit-1', owner: req.auth!.subject });
  });
  return app;
}
