/**
 * The anchors' micro rows (only with `pnpm bench --anchors`): other verifiers and middleware
 * called directly, on the same tokens as tokengate's rows. Middleware is called with a small fake
 * request built per call.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Context } from 'koa';
import Fastify from 'fastify';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createVerifier as createFastJwtVerifier, type Algorithm as FastJwtAlgorithm } from 'fast-jwt';
import { auth as oauth2JwtBearer } from 'express-oauth2-jwt-bearer';
import { expressjwt, type GetVerificationKey } from 'express-jwt';
import { expressJwtSecret, koaJwtSecret } from 'jwks-rsa';
import fastifyJwt from '@fastify/jwt';
import koaJwt from 'koa-jwt';
import { AUDIENCE } from '../lib/tokens.js';
import { fromAsync, fromSync, type MicroContext, type RowSpec } from '../lib/micro-spec.js';

type Sub = { sub?: string };

function oauth2Request(authorization: string): Request {
  const headers: Record<string, string> = { host: '127.0.0.1:3000', authorization };
  const get = (name: string) => headers[name.toLowerCase()];
  const req = { headers, method: 'GET', protocol: 'http', originalUrl: '/me', url: '/me', query: {}, body: undefined, socket: { remoteAddress: '127.0.0.1' }, get, is: () => false };
  return req as unknown as Request;
}

const fakeResponse = {} as Response;

function viaNext(middleware: (req: Request, res: Response, next: NextFunction) => unknown, req: Request): Promise<Request> {
  return new Promise((resolve, reject) => {
    middleware(req, fakeResponse, (error?: unknown) => (error === undefined ? resolve(req) : reject(error instanceof Error ? error : new Error(String(error)))));
  });
}

function koaContext(authorization: string): Context {
  const ctx = {
    header: { authorization },
    headers: { authorization },
    state: {} as Record<string, unknown>,
    cookies: { get: () => undefined },
    throw(status: number, message: string) {
      throw Object.assign(new Error(message), { status });
    },
  };
  return ctx as unknown as Context;
}

const koaNext = () => Promise.resolve();

/** How an anchor verifies one token and where its result keeps the `sub`. */
interface AnchorCall<T> {
  /** Given the token, or with `bearer` the `Authorization` header. */
  readonly verifyOne: (input: string) => T;
  readonly subOf: (output: Awaited<T>) => unknown;
  readonly bearer?: boolean;
  /** Called in a plain loop rather than awaited. */
  readonly sync?: boolean;
}

function anchorRow<T>(ctx: MicroContext, id: string, name: string, same: boolean, make: () => AnchorCall<T> | Promise<AnchorCall<T>>): RowSpec {
  return {
    id,
    name,
    tokens: same ? 'same token' : '1,000 pool',
    setup: async () => {
      const { verifyOne, subOf, bearer, sync } = await make();
      const list = same ? [ctx.sameToken] : bearer ? ctx.bearerPool : ctx.pool;
      const op = sync ? fromSync(verifyOne, list) : fromAsync(verifyOne as (input: string) => Promise<unknown>, list);
      return { op, check: async (token) => subOf(await verifyOne(bearer ? `Bearer ${token}` : token)) };
    },
  };
}

function fastJwtRows(ctx: MicroContext): RowSpec[] {
  const fastJwt = (cache: boolean): AnchorCall<Sub> => {
    const options = { key: ctx.publicPem, algorithms: [ctx.algorithm as FastJwtAlgorithm], allowedIss: ctx.issuer.issuer, allowedAud: AUDIENCE, cache };
    return { verifyOne: createFastJwtVerifier(options) as (token: string) => Sub, subOf: (payload) => payload.sub, sync: true };
  };
  return [
    anchorRow(ctx, 'fast-jwt-nocache', 'fast-jwt `createVerifier` (static key, cache off)', false, () => fastJwt(false)),
    anchorRow(ctx, 'fast-jwt-cache', 'fast-jwt `createVerifier` (static key, cache on: 1,000 entries)', false, () => fastJwt(true)),
    anchorRow(ctx, 'fast-jwt-same', 'fast-jwt `createVerifier` (static key, cache on)', true, () => fastJwt(true)),
  ];
}

function joseRow(ctx: MicroContext): RowSpec {
  return anchorRow(ctx, 'jose', 'jose `jwtVerify` + `createRemoteJWKSet` (warm)', false, () => {
    const jwks = createRemoteJWKSet(new URL(ctx.issuer.jwksUri));
    const options = { issuer: ctx.issuer.issuer, audience: AUDIENCE, algorithms: [ctx.algorithm] };
    return { verifyOne: (token: string) => jwtVerify(token, jwks, options), subOf: (result) => result.payload.sub };
  });
}

function oauth2Row(ctx: MicroContext): RowSpec {
  return anchorRow(ctx, 'express-oauth2-jwt-bearer', 'express-oauth2-jwt-bearer `auth()` middleware, called with a fake req', false, () => {
    const middleware = oauth2JwtBearer({ issuerBaseURL: ctx.issuer.issuer, audience: AUDIENCE, tokenSigningAlg: ctx.algorithm });
    const verifyOne = (authorization: string) => viaNext(middleware, oauth2Request(authorization));
    return { verifyOne, subOf: (req) => (req.auth as unknown as { payload: Sub }).payload.sub, bearer: true };
  });
}

function expressJwtRow(ctx: MicroContext): RowSpec {
  return anchorRow(ctx, 'express-jwt', 'express-jwt + jwks-rsa `expressJwtSecret`, called with a fake req', false, () => {
    const secret = expressJwtSecret({ jwksUri: ctx.issuer.jwksUri, cache: true, rateLimit: true, jwksRequestsPerMinute: 10 }) as GetVerificationKey;
    const middleware = expressjwt({ secret, algorithms: [ctx.algorithm as 'RS256'], audience: AUDIENCE, issuer: ctx.issuer.issuer });
    const verifyOne = (authorization: string) => viaNext(middleware, { headers: { authorization }, method: 'GET' } as unknown as Request);
    return { verifyOne, subOf: (req) => (req as unknown as { auth: Sub }).auth.sub, bearer: true };
  });
}

function fastifyJwtRow(ctx: MicroContext): RowSpec {
  return anchorRow(ctx, 'fastify-jwt', '@fastify/jwt `fastify.jwt.verify()` (static public key)', false, async () => {
    const app = Fastify({ logger: false });
    await app.register(fastifyJwt, {
      secret: { public: ctx.publicPem, private: 'unused-for-verification' },
      verify: { algorithms: [ctx.algorithm], allowedIss: ctx.issuer.issuer, allowedAud: AUDIENCE },
    });
    await app.ready();
    return { verifyOne: (token: string) => app.jwt.verify<Sub>(token), subOf: (payload) => payload.sub, sync: true };
  });
}

function koaJwtRow(ctx: MicroContext): RowSpec {
  return anchorRow(ctx, 'koa-jwt', 'koa-jwt + jwks-rsa `koaJwtSecret`, called with a fake ctx', false, () => {
    const secret = koaJwtSecret({ jwksUri: ctx.issuer.jwksUri, cache: true, rateLimit: true, jwksRequestsPerMinute: 10 });
    const middleware = koaJwt({ secret, audience: AUDIENCE, issuer: ctx.issuer.issuer, algorithms: [ctx.algorithm], debug: true });
    const verifyOne = async (authorization: string) => {
      const koaCtx = koaContext(authorization);
      await middleware(koaCtx, koaNext);
      return koaCtx;
    };
    return { verifyOne, subOf: (koaCtx) => (koaCtx.state.user as Sub).sub, bearer: true };
  });
}

/** Every anchor row, in report order. */
export function anchorRows(ctx: MicroContext): RowSpec[] {
  return [...fastJwtRows(ctx), joseRow(ctx), oauth2Row(ctx), expressJwtRow(ctx), fastifyJwtRow(ctx), koaJwtRow(ctx)];
}
