/**
 * The default HTTP servers, per framework (Express, Fastify, Koa, Hono on @hono/node-server):
 * bare, bare + a no-op layer (diagnostic), bare + the lookup-only layer (lookup-floor.ts) and
 * tokengate's adapter with a default verifier.
 */
import express, { type Express, type Request } from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import Koa from 'koa';
import { Hono } from 'hono';
import { auth as tokengateExpress, createVerifier, type Verifier } from '@tokengate/express';
import { tokengate as tokengateFastify } from '@tokengate/fastify';
import { auth as tokengateKoa } from '@tokengate/koa';
import { auth as tokengateHono, type TokenGateVariables } from '@tokengate/hono';
import { createLookupFloor, type LookupAuth } from './lookup-floor.js';
import { listenExpress, listenFastify, listenHono, listenKoa, type Started } from './server-app.js';
import type { CoreVariant, ServerSettings, ServerSpec } from './servers.js';

/** Adds a variant's layer and `GET /me` to an app; tokengate's returns its verifier. */
type Installer<App> = (app: App, settings: ServerSettings) => Verifier | void | Promise<Verifier | void>;
type Found = { found?: LookupAuth };

/** The verifier of the tokengate servers, kept so the server can report its cache size. */
function newVerifier(settings: ServerSettings): Verifier {
  return createVerifier({ issuer: settings.issuer, audience: settings.audience, jwksUri: settings.jwksUri });
}

const EXPRESS: Record<CoreVariant, Installer<Express>> = {
  bare: (app) => {
    app.get('/me', (_req, res) => {
      res.json({ sub: 'anonymous', scopes: 0 });
    });
  },
  // What one more middleware layer costs the framework itself.
  noop: (app, settings) => {
    app.use((_req, _res, next) => next());
    return EXPRESS.bare(app, settings);
  },
  lookup: (app) => {
    const lookup = createLookupFloor();
    app.use((req, _res, next) => {
      (req as Request & Found).found = lookup(req.headers.authorization);
      next();
    });
    app.get('/me', (req, res) => {
      const found = (req as Request & Found).found;
      res.json({ sub: found?.subject, scopes: found?.scopes.length });
    });
  },
  tokengate: (app, settings) => {
    const verifier = newVerifier(settings);
    app.use(tokengateExpress(verifier));
    app.get('/me', (req, res) => {
      res.json({ sub: req.auth?.subject, scopes: req.auth?.scopes.length });
    });
    return verifier;
  },
};

const FASTIFY: Record<CoreVariant, Installer<FastifyInstance>> = {
  bare: (app) => {
    app.get('/me', async () => ({ sub: 'anonymous', scopes: 0 }));
  },
  noop: (app, settings) => {
    app.addHook('onRequest', (_request, _reply, done) => done());
    return FASTIFY.bare(app, settings);
  },
  lookup: (app) => {
    const lookup = createLookupFloor();
    app.decorateRequest('found', undefined);
    app.addHook('onRequest', (request, _reply, done) => {
      (request as Found).found = lookup(request.headers.authorization);
      done();
    });
    app.get('/me', async (request) => {
      const found = (request as Found).found;
      return { sub: found?.subject, scopes: found?.scopes.length };
    });
  },
  tokengate: async (app, settings) => {
    const verifier = newVerifier(settings);
    await app.register(tokengateFastify, { verifier });
    app.get('/me', async (request) => ({ sub: request.auth?.subject, scopes: request.auth?.scopes.length }));
    return verifier;
  },
};

const KOA: Record<CoreVariant, Installer<Koa>> = {
  bare: (app) => {
    app.use((ctx) => {
      if (ctx.path === '/me') ctx.body = { sub: 'anonymous', scopes: 0 };
    });
  },
  noop: (app, settings) => {
    app.use((_ctx, next) => next());
    return KOA.bare(app, settings);
  },
  lookup: (app) => {
    const lookup = createLookupFloor();
    app.use((ctx, next) => {
      ctx.state.found = lookup(ctx.req.headers.authorization);
      return next();
    });
    app.use((ctx) => {
      const found = ctx.state.found as LookupAuth | undefined;
      if (ctx.path === '/me') ctx.body = { sub: found?.subject, scopes: found?.scopes.length };
    });
  },
  tokengate: (app, settings) => {
    const verifier = newVerifier(settings);
    app.use(tokengateKoa(verifier));
    app.use((ctx) => {
      if (ctx.path === '/me') ctx.body = { sub: ctx.state.auth?.subject, scopes: ctx.state.auth?.scopes.length };
    });
    return verifier;
  },
};

/** The Hono servers' variables: tokengate's `auth`, the lookup-only row's `found`. */
interface HonoEnv {
  Variables: TokenGateVariables & { found: LookupAuth | undefined };
}

const HONO: Record<CoreVariant, Installer<Hono<HonoEnv>>> = {
  bare: (app) => {
    app.get('/me', (c) => c.json({ sub: 'anonymous', scopes: 0 }));
  },
  noop: (app, settings) => {
    app.use((_c, next) => next());
    return HONO.bare(app, settings);
  },
  lookup: (app) => {
    const lookup = createLookupFloor();
    app.use((c, next) => {
      c.set('found', lookup(c.req.header('authorization')));
      return next();
    });
    app.get('/me', (c) => {
      const found = c.get('found');
      return c.json({ sub: found?.subject, scopes: found?.scopes.length });
    });
  },
  tokengate: (app, settings) => {
    const verifier = newVerifier(settings);
    app.use(tokengateHono(verifier));
    app.get('/me', (c) => c.json({ sub: c.get('auth').subject, scopes: c.get('auth').scopes.length }));
    return verifier;
  },
};

function withCache(started: Started, verifier: Verifier | void): Started {
  return verifier ? { ...started, cachedTokens: () => verifier.stats().cachedTokens } : started;
}

/** Builds a default server; the routes go in before `listenExpress` adds the error handler after them. */
export async function coreServer(spec: ServerSpec & { readonly variant: CoreVariant }, settings: ServerSettings): Promise<Started> {
  if (spec.framework === 'express') {
    const app = express();
    const verifier = await EXPRESS[spec.variant](app, settings);
    return withCache(listenExpress(app), verifier);
  }
  if (spec.framework === 'fastify') {
    const app = Fastify({ logger: false });
    const verifier = await FASTIFY[spec.variant](app, settings);
    return withCache(listenFastify(app), verifier);
  }
  if (spec.framework === 'hono') {
    const app = new Hono<HonoEnv>();
    const verifier = await HONO[spec.variant](app, settings);
    return withCache(listenHono(app), verifier);
  }
  const app = new Koa();
  const verifier = await KOA[spec.variant](app, settings);
  return withCache(listenKoa(app), verifier);
}
