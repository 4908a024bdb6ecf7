/**
 * The HTTP family's servers, shared by `http.ts` and `http-server.ts`.
 */

/** What the servers need to know about the issuer. */
export interface ServerSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUri: string;
  readonly algorithm: string;
  readonly publicKeyPem: string;
}

/** Every server, in run order; each framework's bare server comes first (ratios use it). */
export const SERVER_IDS = [
  'express-bare',
  'express-noop',
  'express-tokengate',
  'express-lookup',
  'express-oauth2-jwt-bearer',
  'express-jwt',
  'fastify-bare',
  'fastify-noop',
  'fastify-tokengate',
  'fastify-lookup',
  'fastify-jwt-static',
  'fastify-jwt-get-jwks',
  'koa-bare',
  'koa-noop',
  'koa-tokengate',
  'koa-lookup',
  'koa-jwt',
] as const;
export type ServerId = (typeof SERVER_IDS)[number];

