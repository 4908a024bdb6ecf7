/**
 * The example API on Koa, protected per route: each route puts the guard it needs in front of
 * its handler. Koa has no router built in, so a small `route()` helper is included below; with
 * @koa/router it reads the same: `router.get('/v1/me', anyToken, handler)`.
 */
import Koa, { type Context, type Middleware } from 'koa';
import { createVerifier, requireScopes, requireToken } from '@tokengate/koa';

export interface AppOptions {
  issuer: string;
  audience: string;
  /** Defaults to discovery from the issuer's metadata. */
  jwksUri?: string;
}

export function createApp({ issuer, audience, jwksUri }: AppOptions): Koa {
  // One verifier: one JWKS cache shared by every guard.
  const source = createVerifier({ issuer, audience, jwksUri });
  const anyToken = requireToken({ token: 'any' }, { source });
  const userToken = requireToken({ token: 'user' }, { source });

  const app = new Koa();
  // No guard: public.
  app.use(route('GET', '/health', undefined, (ctx) => {
    ctx.body = { status: 'ok' };
  }));
  // Who is calling? (like Monta's /auth/me). ctx.state.auth is the verified token.
  app.use(route('GET', '/v1/me', anyToken, (ctx) => {
    const { type, subject, clientId, scopes } = ctx.state.auth!;
    ctx.body = { type, subject, clientId, scopes };
  }));
  app.use(route('GET', '/v1/file/templates', userToken, (ctx) => {
    ctx.body = { owner: ctx.state.auth!.subject, templates: [{ id: 'tpl-1', name: 'Invoice' }] };
  }));
  app.use(route('GET', '/v1/publisher/jobs', anyToken, (ctx) => {
    ctx.body = { jobs: [{ id: 'job-1', status: 'done' }] };
  }));
  app.use(route('POST', '/v1/publisher/jobs', anyToken, (ctx) => {
    ctx.status = 202;
    ctx.body = { id: 'job-2', status: 'queued', submittedBy: ctx.state.auth!.clientId };
  }));
  app.use(route('GET', '/v1/fonts/:id', requireScopes('read:font:data', { source }), (ctx, id) => {
    ctx.body = { id, family: 'Helvetica Now', format: 'woff2' };
  }));
  app.use(route('POST', '/v1/kits', requireToken({ token: 'user', scopes: ['create:webfonts:kit'] }, { source }), (ctx) => {
    ctx.status = 201;
    ctx.body = { id: 'kit-1', owner: ctx.state.auth!.subject };
  }));
  return app; // no route matched: Koa answers 404
}

/**
 * A route: when method and path match, run `guard` (none for a public route), then `handler`
 * only if the guard lets the request through; otherwise pass on. One `:param` at most.
 */
function route(method: string, path: string, guard: Middleware | undefined, handler: (ctx: Context, param?: string) => void): Middleware {
  const pattern = new RegExp(`^${path.replace(/:\w+/, '([^/]+)')}$`);
  return async (ctx, next) => {
    const match = (ctx.method === 'HEAD' ? 'GET' : ctx.method) === method ? pattern.exec(ctx.path) : null;
    if (!match) return next();
    const handle = async () => handler(ctx, match[1]);
    return guard ? guard(ctx, handle) : handle();
  };
}
