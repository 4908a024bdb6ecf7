/**
 * What a benchmark server process runs: an app that listens on 127.0.0.1 and can be closed, with
 * the Express / Fastify / Koa / Hono plumbing shared by the default servers and the anchors'.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Express, NextFunction, Request, Response } from 'express';
import type { FastifyInstance } from 'fastify';
import type Koa from 'koa';
import type { Env, Hono } from 'hono';
import { createAdaptorServer } from '@hono/node-server';

export interface Started {
  readonly listen: () => Promise<number>;
  readonly close: () => Promise<void>;
  /** Entries in tokengate's verified-token cache (tokengate servers only). */
  readonly cachedTokens?: () => number;
}

/** The answer of `GET /me`: the token's `sub` and its number of scopes. */
export interface Me {
  readonly sub: string | undefined;
  readonly scopes: number | undefined;
}

function closeNode(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function listenNode(listen: () => Server): Started {
  let server: Server | undefined;
  return {
    listen: () => {
      const listening = listen();
      server = listening;
      return new Promise((resolve, reject) => {
        listening.once('error', reject);
        listening.once('listening', () => resolve((listening.address() as AddressInfo).port));
      });
    },
    close: () => (server ? closeNode(server) : Promise.resolve()),
  };
}

/** Rejected tokens answer 401 (or the error's status) with a small JSON body. */
function expressErrors(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(error);
  const status = (error as { status?: number }).status ?? 500;
  res.status(status).json({ error: 'unauthorized' });
}

export function listenExpress(app: Express): Started {
  app.use(expressErrors);
  return listenNode(() => app.listen(0, '127.0.0.1'));
}

export function listenFastify(app: FastifyInstance): Started {
  return {
    listen: async () => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      return (app.server.address() as AddressInfo).port;
    },
    close: () => app.close(),
  };
}

export function listenKoa(app: Koa): Started {
  return listenNode(() => app.listen(0, '127.0.0.1'));
}

/** Hono on @hono/node-server with its defaults (as `serve()` would start it: HTTP/1.1, the global `Request`/`Response` replaced by its lighter ones). */
export function listenHono<E extends Env>(app: Hono<E>): Started {
  return listenNode(() => (createAdaptorServer({ fetch: app.fetch }) as Server).listen(0, '127.0.0.1'));
}
