/**
 * The anchors' HTTP servers (only with `pnpm bench --anchors`), each configured as its
 * documentation suggests; built in the server process by bench/http-server.ts.
 */
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import Koa from 'koa';
import fastifyJwt from '@fastify/jwt';
import type { Algorithm as FastJwtAlgorithm } from 'fast-jwt';
import buildGetJwks from 'get-jwks';
import koaJwt from 'koa-jwt';
import { auth as oauth2JwtBearer } from 'express-oauth2-jwt-bearer';
import { expressjwt, type GetVerificationKey } from 'express-jwt';
import { expressJwtSecret, koaJwtSecret } from 'jwks-rsa';
import { listenExpress, listenFastify, listenKoa, type Me, type Started } from '../lib/server-app.js';
import type { ServerSettings } from '../lib/servers.js';
import type { AnchorId } from './servers.js';

interface JwtUser {
  sub?: string;
  scope?: string;
}

const me = (user: JwtUser): Me => ({ sub: user.sub, scopes: user.scope?.split(' ').length });

function oauth2Server({ issuer, audience, algorithm }: ServerSettings): Started {
  const app = express();
  app.use(oauth2JwtBearer({ issuerBaseURL: issuer, audience, tokenSigningAlg: algorithm }));
  app.get('/me', (req, res) => {
    res.json(me((req as unknown as { auth: { payload: JwtUser } }).auth.payload));
  });
  return listenExpress(app);
}

function expressJwtServer({ issuer, audience, jwksUri, algorithm }: ServerSettings): Started {
  const app = express();
  const secret = expressJwtSecret({ jwksUri, cache: true, rateLimit: true, jwksRequestsPerMinute: 10 }) as GetVerificationKey;
  app.use(expressjwt({ secret, algorithms: [algorithm as 'RS256'], audience, issuer }));
  app.get('/me', (req, res) => {
    res.json(me((req as unknown as { auth: JwtUser }).auth));
  });
  return listenExpress(app);
}

/** @fastify/jwt verifying in `onRequest`, with the key set up by `register`. */
async function fastifyJwtServer(register: (app: FastifyInstance, verify: object) => PromiseLike<unknown>, settings: ServerSettings): Promise<Started> {
  const app = Fastify({ logger: false });
  await register(app, { algorithms: [settings.algorithm as FastJwtAlgorithm], allowedIss: settings.issuer, allowedAud: settings.audience });
  app.addHook('onRequest', async (request) => {
    await request.jwtVerify();
  });
  app.get('/me', async (request) => me(request.user as JwtUser));
  return listenFastify(app);
}

function fastifyJwtStatic(settings: ServerSettings): Promise<Started> {
  const secret = { public: settings.publicKeyPem, private: 'unused-for-verification' };
  return fastifyJwtServer((app, verify) => app.register(fastifyJwt, { secret, verify }), settings);
}

function fastifyJwtGetJwks(settings: ServerSettings): Promise<Started> {
  const getJwks = buildGetJwks({ jwksPath: new URL(settings.jwksUri).pathname, issuersWhitelist: [settings.issuer] });
  const secret = (_request: unknown, token: unknown) => {
    const { header, payload } = token as { header: { kid: string; alg: string }; payload: { iss: string } };
    return getJwks.getPublicKey({ kid: header.kid, alg: header.alg, domain: payload.iss });
  };
  return fastifyJwtServer((app, verify) => app.register(fastifyJwt, { decode: { complete: true }, secret, verify }), settings);
}

function koaJwtServer({ issuer, audience, jwksUri, algorithm }: ServerSettings): Started {
  const app = new Koa();
  app.use(koaJwt({ secret: koaJwtSecret({ jwksUri, cache: true, rateLimit: true, jwksRequestsPerMinute: 10 }), audience, issuer, algorithms: [algorithm] }));
  app.use((ctx) => {
    if (ctx.path === '/me') ctx.body = me(ctx.state.user as JwtUser);
  });
  return listenKoa(app);
}

const BUILDERS: Record<AnchorId, (settings: ServerSettings) => Started | Promise<Started>> = {
  'express-oauth2-jwt-bearer': oauth2Server,
  'express-jwt': expressJwtServer,
  'fastify-jwt-static': fastifyJwtStatic,
  'fastify-jwt-get-jwks': fastifyJwtGetJwks,
  'koa-jwt': koaJwtServer,
};

export async function anchorServer(id: AnchorId, settings: ServerSettings): Promise<Started> {
  return BUILDERS[id](settings);
}
