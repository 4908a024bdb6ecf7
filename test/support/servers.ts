/**
 * The conformance app, built from one route spec by each framework adapter and served over real
 * HTTP on 127.0.0.1 (ephemeral port): `auth()` on every route (optional on `/v1/optional`),
 * then the route's guard, then a handler echoing the verified token. Hono and `createWebGate`
 * (Web `Request`/`Response` code) are in `web-servers.ts`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express5 from 'express';
import express4 from 'express4';
import Fastify from 'fastify';
import Koa, { type Context, type Middleware, type Next } from 'koa';
import Koa2 from 'koa2';
import type { AccessToken, VerifierOptions } from '@tokengate/core';
import * as ex from '@tokengate/express';
import tokengate, * as fy from '@tokengate/fastify';
import * as ko from '@tokengate/koa';
import { startHono, startWeb } from './web-servers.js';

/** The guard a route applies after `auth()`. */
export type Guard = 'none' | 'user' | 'client' | 'fonts' | 'any-scope';

/** The route spec every framework builds. */
export const ROUTES: ReadonlyArray<{ readonly path: string; readonly guard: Guard }> = [
  { path: '/v1/me', guard: 'none' },
  { path: '/v1/optional', guard: 'none' },
  { path: '/v1/user-only', guard: 'user' },
  { path: '/v1/client-only', guard: 'client' },
  { path: '/v1/fonts', guard: 'fonts' },
  { path: '/v1/any-scope', guard: 'any-scope' },
];

/** The one route where authentication is optional. */
export const OPTIONAL_PATH = '/v1/optional';

/** What every handler answers: the token as the adapter exposes it, or `{ auth: null }`. */
export function echo(token: AccessToken | null | undefined): Record<string, unknown> {
  if (token === undefined || token === null) return { auth: null };
  return { type: token.type, subject: token.subject ?? null, clientId: token.clientId ?? null, scopes: token.scopes };
}

/** A running app. */
export interface Running {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * What an adapter reads a request from: Node's `IncomingMessage` (whose `rawHeaders` keep each
 * header line), or a Web `Request` (whose `Headers` join repeated lines into one value with ", ").
 */
export type RequestModel = 'node' | 'web';

/** One framework under test: builds and serves the app for the given verifier options. */
export interface ServerFactory {
  readonly name: string;
  readonly request: RequestModel;
  start(options: VerifierOptions): Promise<Running>;
}

/** Serve `server` on 127.0.0.1 (ephemeral port). */
export async function listen(server: Server): Promise<Running> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

// ---------------------------------------------------------------- Express 5 and Express 4

type ExpressResponse = ex.ExpressResponseLike & { json(body: unknown): unknown };
type ExpressHandler = (req: ex.ExpressRequestLike, res: ExpressResponse, next: ex.NextFunction) => void;

/** The part of an Express 4 or 5 application used here (both versions' apps fit it). */
interface ExpressApp {
  (req: IncomingMessage, res: ServerResponse): void;
  use(...handlers: ExpressHandler[]): unknown;
  get(path: string, ...handlers: ExpressHandler[]): unknown;
}

const expressGuards: Record<Guard, () => ExpressHandler[]> = {
  none: () => [],
  user: () => [ex.requireUserToken()],
  client: () => [ex.requireClientToken()],
  fonts: () => [ex.requireScopes('read:font:data')],
  'any-scope': () => [ex.requireAnyScope('a', 'b')],
};

function startExpress(createApp: () => ExpressApp, options: VerifierOptions): Promise<Running> {
  const verifier = ex.createVerifier(options);
  const strict = ex.auth(verifier);
  const optional = ex.auth(verifier, { optional: true });
  const app = createApp();
  app.use((req, res, next) => (pathOf(req.originalUrl) === OPTIONAL_PATH ? optional : strict)(req, res, next));
  for (const route of ROUTES) {
    app.get(route.path, ...expressGuards[route.guard](), (req, res) => {
      res.json(echo(req.auth));
    });
  }
  return listen(createServer(app));
}

/** Express 5 (`express`). */
export function startExpress5(options: VerifierOptions): Promise<Running> {
  return startExpress(express5, options);
}

/** Express 4 (`express4`, an alias of express@4). */
export function startExpress4(options: VerifierOptions): Promise<Running> {
  return startExpress(express4, options);
}

// ---------------------------------------------------------------- Koa 3 and Koa 2

const koaGuards: Record<Guard, () => Middleware[]> = {
  none: () => [],
  user: () => [ko.requireUserToken()],
  client: () => [ko.requireClientToken()],
  fonts: () => [ko.requireScopes('read:font:data')],
  'any-scope': () => [ko.requireAnyScope('a', 'b')],
};

function runChain(chain: readonly Middleware[], index: number, ctx: Context, next: Next): Promise<unknown> {
  const middleware = chain[index];
  if (middleware === undefined) return next();
  return Promise.resolve(middleware(ctx, () => runChain(chain, index + 1, ctx, next)));
}

/** What the conformance app needs of a Koa application, whichever major version made it. */
interface KoaApp {
  silent: boolean;
  use(middleware: Middleware): unknown;
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
}

/** Koa 3 (`koa`). */
export function startKoa(options: VerifierOptions): Promise<Running> {
  return startKoaWith(new Koa(), options);
}

/**
 * Koa 2 (`koa2`, an alias of koa@2: the adapter's peer range includes it). Its middleware
 * signature is Koa 3's; only the type packages differ, hence the cast.
 */
export function startKoa2(options: VerifierOptions): Promise<Running> {
  return startKoaWith(new Koa2() as unknown as KoaApp, options);
}

/** A Koa app with a minimal exact-path GET router (no router package in the workspace). */
function startKoaWith(app: KoaApp, options: VerifierOptions): Promise<Running> {
  const verifier = ko.createVerifier(options);
  const strict = ko.auth(verifier);
  const optional = ko.auth(verifier, { optional: true });
  const handler: Middleware = (ctx) => {
    ctx.body = echo(ctx.state.auth);
  };
  const table = new Map(ROUTES.map((route) => [route.path, [...koaGuards[route.guard](), handler]]));
  app.silent = true;
  app.use((ctx, next) => (ctx.path === OPTIONAL_PATH ? optional : strict)(ctx, next));
  app.use(async (ctx, next) => {
    const chain = ctx.method === 'GET' ? table.get(ctx.path) : undefined;
    if (chain === undefined) return next();
    await runChain(chain, 0, ctx, next);
  });
  return listen(createServer(app.callback()));
}

// ---------------------------------------------------------------- Fastify 5

const fastifyGuards: Record<Guard, () => fy.TokenGateHook[]> = {
  none: () => [],
  user: () => [fy.requireUserToken()],
  client: () => [fy.requireClientToken()],
  fonts: () => [fy.requireScopes('read:font:data')],
  'any-scope': () => [fy.requireAnyScope('a', 'b')],
};

/** Fastify 5: the plugin on every route, `config.tokengate.optional` on the optional one, guards as `preHandler`. */
export async function startFastify(options: VerifierOptions): Promise<Running> {
  const verifier = fy.createVerifier(options);
  const app = Fastify();
  await app.register(tokengate, { verifier });
  for (const route of ROUTES) {
    const config = route.path === OPTIONAL_PATH ? { tokengate: { optional: true } } : {};
    app.get(route.path, { config, preHandler: fastifyGuards[route.guard]() }, async (request) => echo(request.auth));
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    close() {
      app.server.closeAllConnections();
      return app.close();
    },
  };
}

/** Every framework under test; the Node ones are the reference of the cross-check (the Web ones answer alike but for what a `Request` cannot carry). */
export const SERVERS: readonly ServerFactory[] = [
  { name: 'express 5', request: 'node', start: startExpress5 },
  { name: 'express 4', request: 'node', start: startExpress4 },
  { name: 'koa', request: 'node', start: startKoa },
  { name: 'koa 2', request: 'node', start: startKoa2 },
  { name: 'fastify', request: 'node', start: startFastify },
  { name: 'hono', request: 'web', start: startHono },
  { name: 'web', request: 'web', start: startWeb },
];
