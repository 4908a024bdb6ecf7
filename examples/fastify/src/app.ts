/**
 * The example API on Fastify, protected per route: the tokengate plugin authenticates every
 * route, and each route states what it needs in `config: { tokengate: { ... } }`.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import tokengate from '@tokengate/fastify';

export interface AppOptions {
  issuer: string;
  audience: string;
  /** Defaults to discovery from the issuer's metadata. */
  jwksUri?: string;
}

export function createApp({ issuer, audience, jwksUri }: AppOptions): FastifyInstance {
  const app = Fastify();
  // Every route of the app now needs a valid token, unless its config says `tokengate: false`.
  // (Fastify loads the plugin before the server starts; `await` it if you prefer.)
  app.register(tokengate, { issuer, audience, jwksUri });

  app.get('/health', { config: { tokengate: false } }, async () => ({ status: 'ok' }));
  // Who is calling? (like Monta's /auth/me). request.auth is the verified token.
  app.get('/v1/me', { config: { tokengate: { token: 'any' } } }, async (request) => {
    const { type, subject, clientId, scopes } = request.auth!;
    return { type, subject, clientId, scopes };
  });
  app.get('/v1/file/templates', { config: { tokengate: { token: 'user' } } }, async (request) => ({
    owner: request.auth!.subject,
    templates: [{ id: 'tpl-1', name: 'Invoice' }],
  }));
  app.get('/v1/publisher/jobs', { config: { tokengate: { token: 'any' } } }, async () => ({ jobs: [{ id: 'job-1', status: 'done' }] }));
  app.post('/v1/publisher/jobs', { config: { tokengate: { token: 'any' } } }, async (request, reply) => {
    return reply.code(202).send({ id: 'job-2', status: 'queued', submittedBy: request.auth!.clientId });
  });
  app.get<{ Params: { id: string } }>('/v1/fonts/:id', { config: { tokengate: { scopes: ['read:font:data'] } } }, async (request) => ({
    id: request.params.id,
    family: 'Helvetica Now',
    format: 'woff2',
  }));
  app.post('/v1/kits', { config: { tokengate: { token: 'user', scopes: ['create:webfonts:kit'] } } }, async (request, reply) => {
    return reply.code(201).send({ id: 'kit-1', owner: request.auth!.subject });
  });
  return app;
}
