/**
 * One benchmark server per process (started by `http.ts`, pinned to its own core when `taskset`
 * exists). Listens on 127.0.0.1, reports its port over IPC, and reports its CPU use between a
 * `mark` and a `read` message.
 *
 *   node --import tsx bench/http-server.ts <server-id> '<json settings>'
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import Koa from 'koa';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyJwt from '@fastify/jwt';
import type { Algorithm as FastJwtAlgorithm } from 'fast-jwt';
import buildGetJwks from 'get-jwks';
import koaJwt from 'koa-jwt';
import { auth as oauth2JwtBearer } from 'express-oauth2-jwt-bearer';
import { expressjwt, type GetVerificationKey } from 'express-jwt';
import { expressJwtSecret, koaJwtSecret } from 'jwks-rsa';
import { auth as tokengateExpress, createVerifier, type Verifier } from '@tokengate/express';
import { tokengate as tokengateFastify } from '@tokengate/fastify';
import { auth as tokengateKoa } from '@tokengate/koa';
import { SERVER_IDS, type ServerId, type ServerSettings } from './lib/servers.js';
import { createLookupFloor, type LookupAuth } from './lib/lookup-floor.js';

/** The verifier of the tokengate servers, shared with the adapter so its cache can be reported. */
let verifier: Verifier | undefined;
function tokengateVerifier(settings: ServerSettings): Verifier {
  verifier = createVerifier({ issuer: settings.issuer, audience: settings.audience, jwksUri: settings.jwksUri });
  return verifier;
}

interface Started {
  readonly listen: () => Promise<number>;
  readonly close: () => Promise<void>;
}

function closeNode(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

// ---- Express 5 --------------------------------------------------------------------------------

function expressErrors(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(error);
  const status = (error as { status?: number }).status ?? 500;
  res.status(status).json({ error: 'unauthorized' });
}

function expressServer(id: ServerId, settings: ServerSettings): Started {
  const app = express();
  const { issuer, audience, jwksUri, algorithm } = settings;
  if (id === 'express-bare' || id === 'express-noop') {
    // The no-op row measures what one more middleware layer costs the framework itself.
    if (id === 'express-noop') app.use((_req, _res, next) => next());
    app.get('/me', (_req, res) => {
      res.json({ sub: 'anonymous', scopes: 0 });
    });
  } else if (id === 'express-lookup') {
    const lookup = createLookupFloor();
    app.use((req, _res, next) => {
      (req as Request & { found?: LookupAuth }).found = lookup(req.headers.authorization);
      next();
    });
    app.get('/me', (req, res) => {
      const found = (req as Request & { found?: LookupAuth }).found;
      res.json({ sub: found?.subject, scopes: found?.scopes.length });
    });
  } else if (id === 'express-tokengate') {
    app.use(tokengateExpress(tokengateVerifier(settings)));
    app.get('/me', (req, res) => {
      res.json({ sub: req.auth?.subject, scopes: req.auth?.scopes.length });
    });
  } else if (id === 'express-oauth2-jwt-bearer') {
    app.use(oauth2JwtBearer({ issuerBaseURL: issuer, audience, tokenSigningAlg: algorithm }));
    app.get('/me', (req, res) => {
      const payload = (req as unknown as { auth: { payload: { sub?: string; scope?: string } } }).auth.payload;
      res.json({ sub: payload.sub, scopes: payload.scope?.split(' ').length });
    });
  } else {
    app.use(
      expressjwt({
        secret: expressJwtSecret({ jwksUri, cache: true, rateLimit: true, jwksRequestsPerMinute: 10 }) as GetVerificationKey,
        algorithms: [algorithm as 'RS256'],
        audience,
        issuer,
      }),
    );
    app.get('/me', (req, res) => {
      const payload = (req as unknown as { auth: { sub?: string; scope?: string } }).auth;
      res.json({ sub: payload.sub, scopes: payload.scope?.split(' ').length });
    });
  }
  app.use(expressErrors);
  let server: Server | undefined;
  return {
    listen: () => {
      server = app.listen(0, '127.0.0.1');
      return new Promise((resolve, reject) => {
        server?.once('error', reject);
        server?.once('listening', () => resolve((server?.address() as AddressInfo).port));
      });
    },
    close: () => (server ? closeNode(server) : Promise.resolve()),
  };
}

// ---- Fastify 5 --------------------------------------------------------------------------------

interface JwtUser {
  sub?: string;
  scope?: string;
}

async function fastifyServer(id: ServerId, settings: ServerSettings): Promise<Started> {
  const app: FastifyInstance = Fastify({ logger: false });
  const { issuer, audience, jwksUri, algorithm, publicKeyPem } = settings;
  const verify = { algorithms: [algorithm as FastJwtAlgorithm], allowedIss: issuer, allowedAud: audience };
  if (id === 'fastify-bare' || id === 'fastify-noop') {
    if (id === 'fastify-noop') app.addHook('onRequest', (_request, _reply, done) => done());
    app.get('/me', async () => ({ sub: 'anonymous', scopes: 0 }));
  } else if (id === 'fastify-lookup') {
    const lookup = createLookupFloor();
    app.decorateRequest('found', undefined);
    app.addHook('onRequest', (request, _reply, done) => {
      (request as { found?: LookupAuth }).found = lookup(request.headers.authorization);
      done();
    });
    app.get('/me', async (request) => {
      const found = (request as { found?: LookupAuth }).found;
      return { sub: found?.subject, scopes: found?.scopes.length };
    });
  } else if (id === 'fastify-tokengate') {
    await app.register(tokengateFastify, { verifier: tokengateVerifier(settings) });
    app.get('/me', async (request) => ({ sub: request.auth?.subject, scopes: request.auth?.scopes.length }));
  } else {
    if (id === 'fastify-jwt-static') {
      await app.register(fastifyJwt, { secret: { public: publicKeyPem, private: 'unused-for-verification' }, verify });
    } else {
      const getJwks = buildGetJwks({ jwksPath: new URL(jwksUri).pathname, issuersWhitelist: [issuer] });
      await app.register(fastifyJwt, {
        decode: { complete: true },
        secret: (_request: unknown, token: unknown) => {
          const { header, payload } = token as { header: { kid: string; alg: string }; payload: { iss: string } };
          return getJwks.getPublicKey({ kid: header.kid, alg: header.alg, domain: payload.iss });
        },
        verify,
      });
    }
    app.addHook('onRequest', async (request) => {
      await request.jwtVerify();
    });
    app.get('/me', async (request) => {
      const user = request.user as JwtUser;
      return { sub: user.sub, scopes: user.scope?.split(' ').length };
    });
  }
  return {
    listen: async () => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      return (app.server.address() as AddressInfo).port;
    },
    close: () => app.close(),
  };
}

// ---- Koa 3 ------------------------------------------------------------------------------------

function koaServer(id: ServerId, settings: ServerSettings): Started {
  const app = new Koa();
  const { issuer, audience, jwksUri, algorithm } = settings;
  if (id === 'koa-bare' || id === 'koa-noop') {
    if (id === 'koa-noop') app.use((_ctx, next) => next());
    app.use((ctx) => {
      if (ctx.path === '/me') ctx.body = { sub: 'anonymous', scopes: 0 };
    });
  } else if (id === 'koa-lookup') {
    const lookup = createLookupFloor();
    app.use((ctx, next) => {
      ctx.state.found = lookup(ctx.req.headers.authorization);
      return next();
    });
    app.use((ctx) => {
      const found = ctx.state.found as LookupAuth | undefined;
      if (ctx.path === '/me') ctx.body = { sub: found?.subject, scopes: found?.scopes.length };
    });
  } else if (id === 'koa-tokengate') {
    app.use(tokengateKoa(tokengateVerifier(settings)));
    app.use((ctx) => {
      if (ctx.path === '/me') ctx.body = { sub: ctx.state.auth?.subject, scopes: ctx.state.auth?.scopes.length };
    });
  } else {
    app.use(koaJwt({ secret: koaJwtSecret({ jwksUri, cache: true, rateLimit: true, jwksRequestsPerMinute: 10 }), audience, issuer, algorithms: [algorithm] }));
    app.use((ctx) => {
      const user = ctx.state.user as JwtUser;
      if (ctx.path === '/me') ctx.body = { sub: user.sub, scopes: user.scope?.split(' ').length };
    });
  }
  const server = app.listen(0, '127.0.0.1');
  const ready = new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => resolve((server.address() as AddressInfo).port));
  });
  return { listen: () => ready, close: () => closeNode(server) };
}

async function start(id: ServerId, settings: ServerSettings): Promise<Started> {
  if (id.startsWith('express-')) return expressServer(id, settings);
  if (id.startsWith('fastify-')) return fastifyServer(id, settings);
  return koaServer(id, settings);
}

async function main(): Promise<void> {
  const id = process.argv[2] as ServerId;
  if (!SERVER_IDS.includes(id)) throw new Error(`Unknown server ${id}`);
  const settings = JSON.parse(process.argv[3] ?? '{}') as ServerSettings;
  const server = await start(id, settings);
  const port = await server.listen();
  let cpuMark = process.cpuUsage();
  let timeMark = process.hrtime.bigint();
  process.on('message', (message: { type: string }) => {
    if (message.type === 'mark') {
      cpuMark = process.cpuUsage();
      timeMark = process.hrtime.bigint();
      process.send?.({ type: 'marked' });
    } else if (message.type === 'read') {
      const used = process.cpuUsage(cpuMark);
      const elapsedUs = Number(process.hrtime.bigint() - timeMark) / 1000;
      const total = process.cpuUsage();
      process.send?.({
        type: 'cpu',
        percent: ((used.user + used.system) / elapsedUs) * 100,
        totalSeconds: (total.user + total.system) / 1e6,
        cachedTokens: verifier?.stats().cachedTokens,
      });
    } else if (message.type === 'stop') {
      void server.close().finally(() => process.exit(0));
    }
  });
  // Never outlive the benchmark that started this server.
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'listening', port });
}

await main();
