/**
 * The three example APIs (examples/{express,koa,fastify}/src/app.ts), each listening on
 * 127.0.0.1:0 and configured with the issuer only: keys come from the provider's discovery.
 * The examples take no verifier, so opaque tokens go through a two-route app per adapter built
 * on a given verifier (`startVerifierApi`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import type { Verifier } from '@tokengate/core';
import * as tgExpress from '@tokengate/express';
import * as tgKoa from '@tokengate/koa';
import tokengate from '@tokengate/fastify';
import { createApp as createExpressApp } from '../../examples/express/src/app.js';
import { createApp as createKoaApp } from '../../examples/koa/src/app.js';
import { createApp as createFastifyApp } from '../../examples/fastify/src/app.js';

export type AdapterName = 'express' | 'koa' | 'fastify';
export const ADAPTERS: readonly AdapterName[] = ['express', 'koa', 'fastify'];

export interface RunningApi {
  readonly url: string;
  close(): Promise<void>;
}

export interface ApiOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUri?: string;
}

async function listenFastify(app: ReturnType<typeof Fastify>): Promise<RunningApi> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

async function listen(server: Server): Promise<RunningApi> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Start the example API of `adapter`. Always `close()` it. */
export async function startApi(adapter: AdapterName, options: ApiOptions): Promise<RunningApi> {
  switch (adapter) {
    case 'express':
      return listen(createServer(createExpressApp(options)));
    case 'koa':
      return listen(createServer(createKoaApp(options).callback()));
    case 'fastify':
      return listenFastify(createFastifyApp(options));
  }
}

const identity = (token: { format: string; type: string; subject?: string; clientId?: string; scopes: readonly string[] } | null | undefined) =>
  token ? { format: token.format, type: token.type, subject: token.subject, clientId: token.clientId, scopes: token.scopes } : {};

/** `GET /v1/me` (any token; echoes format, type, subject, clientId, scopes) and `GET /v1/file/templates` (user only), on `verifier`. */
export async function startVerifierApi(adapter: AdapterName, verifier: Verifier): Promise<RunningApi> {
  switch (adapter) {
    case 'express': {
      const app = express();
      app.use(tgExpress.auth(verifier));
      app.get('/v1/me', (req, res) => void res.json(identity(req.auth)));
      app.get('/v1/file/templates', tgExpress.requireUserToken(), (req, res) => void res.json({ owner: req.auth?.subject }));
      return listen(createServer(app));
    }
    case 'koa': {
      const app = new Koa();
      app.use(tgKoa.auth(verifier));
      const templates = tgKoa.requireUserToken();
      app.use(async (ctx) => {
        if (ctx.path === '/v1/me') ctx.body = identity(ctx.state.auth);
        else if (ctx.path === '/v1/file/templates') await templates(ctx, async () => void (ctx.body = { owner: ctx.state.auth?.subject }));
      });
      return listen(createServer(app.callback()));
    }
    case 'fastify': {
      const app = Fastify();
      await app.register(tokengate, { verifier });
      app.get('/v1/me', async (request) => identity(request.auth));
      app.get('/v1/file/templates', { config: { tokengate: { token: 'user' } } }, async (request) => ({ owner: request.auth?.subject }));
      return listenFastify(app);
    }
  }
}
