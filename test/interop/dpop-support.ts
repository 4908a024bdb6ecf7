/**
 * DPoP (RFC 9449) for the interop suite: DPoP-bound tokens from oidc-provider's token endpoint
 * (a proof made with the `dpop` package, the server nonce round trip done once when asked for),
 * an API per adapter whose verifier knows the API's own origin, requests sent over node:http
 * (so a header can really be sent twice), and hand-made proofs for the refusals.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import { generateProof, type KeyPair } from 'dpop';
import { exportJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import type { AccessToken, Verifier } from '@tokengate/core';
import * as tgExpress from '@tokengate/express';
import * as tgKoa from '@tokengate/koa';
import tokengate from '@tokengate/fastify';
import type { AdapterName } from './apis.js';
import { basic, endpoint, type TokenResponse } from './flows.js';
import type { ProviderHarness } from './provider.js';

const TIMEOUT = 5_000;
/** The protected route of every DPoP API. */
export const FILES = '/v1/files';
/** A route that needs a scope the tokens do not have (`ADMIN_SCOPE`). */
export const ADMIN = '/v1/files/admin';
export const ADMIN_SCOPE = 'admin:files';

/** A DPoP token endpoint answer and how many requests it took (2 after a `use_dpop_nonce` round). */
export interface DpopTokenResult {
  readonly tokens: TokenResponse;
  readonly attempts: number;
}

/**
 * client_credentials at the token endpoint with a DPoP proof by `keypair` (htu the token
 * endpoint, htm POST); answered `use_dpop_nonce`, it is asked once more with the nonce given.
 */
export async function dpopClientCredentials(provider: ProviderHarness, keypair: KeyPair, scope: string, resource: string): Promise<DpopTokenResult> {
  const url = endpoint(provider, 'token_endpoint');
  let nonce: string | undefined;
  for (let attempt = 1; attempt <= 2; attempt++) {
    const response = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        authorization: basic(provider.clients.m2m),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        dpop: await generateProof(keypair, url, 'POST', nonce),
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource }).toString(),
      signal: AbortSignal.timeout(TIMEOUT),
    });
    const body = (await response.json()) as Record<string, unknown>;
    const next = response.headers.get('dpop-nonce');
    if (response.status === 400 && body.error === 'use_dpop_nonce' && next !== null && nonce === undefined) {
      nonce = next;
      continue;
    }
    if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}: ${JSON.stringify(body)}`);
    return { tokens: body as unknown as TokenResponse, attempts: attempt };
  }
  throw new Error('token endpoint kept asking for a DPoP nonce');
}

/** A running DPoP API: its base URL (the origin its verifier checks `htu` against). */
export interface DpopApi {
  readonly url: string;
  close(): Promise<void>;
}

/** What the route answers: the token as the handler sees it. */
function seen(token: AccessToken | undefined): Record<string, unknown> {
  return token ? { format: token.format, subject: token.subject, clientId: token.clientId, confirmation: token.confirmation } : {};
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * `GET /v1/files` behind `auth(verifier)` on `adapter`, and `GET /v1/files/admin` that also
 * requires `ADMIN_SCOPE`. The server listens first, so the
 * verifier is made (`makeVerifier(origin)`) knowing the origin proofs name. Always `close()` it.
 */
export async function startDpopApi(adapter: AdapterName, makeVerifier: (origin: string) => Verifier): Promise<DpopApi> {
  const server = createServer();
  try {
    const url = await listen(server);
    const verifier = makeVerifier(url);
    switch (adapter) {
      case 'express': {
        const app = express();
        app.use(tgExpress.auth(verifier));
        app.get(FILES, (req, res) => void res.json(seen(req.auth)));
        app.get(ADMIN, tgExpress.requireScopes(ADMIN_SCOPE), (req, res) => void res.json(seen(req.auth)));
        server.on('request', app);
        return { url, close: () => closeServer(server) };
      }
      case 'koa': {
        const app = new Koa();
        app.use(tgKoa.auth(verifier));
        const admin = tgKoa.requireScopes(ADMIN_SCOPE);
        app.use(async (ctx) => {
          if (ctx.path === FILES) ctx.body = seen(ctx.state.auth);
          else if (ctx.path === ADMIN) await admin(ctx, async () => void (ctx.body = seen(ctx.state.auth)));
        });
        server.on('request', app.callback());
        return { url, close: () => closeServer(server) };
      }
      case 'fastify': {
        // The server already listens: Fastify only routes its requests.
        const app = Fastify({
          serverFactory: (handler) => {
            server.on('request', handler);
            return server;
          },
        });
        await app.register(tokengate, { verifier });
        app.get(FILES, async (request) => seen(request.auth));
        app.get(ADMIN, { config: { tokengate: { scopes: ADMIN_SCOPE } } }, async (request) => seen(request.auth));
        await app.ready();
        return {
          url,
          close: async () => {
            await app.close();
            await closeServer(server);
          },
        };
      }
    }
  } catch (error) {
    await closeServer(server);
    throw error;
  }
}

/** An API answer read over node:http. */
export interface Reply {
  readonly status: number;
  readonly challenge: string | undefined;
  readonly nonce: string | undefined;
  readonly contentType: string | undefined;
  readonly body: Record<string, unknown>;
}

/**
 * Send `method path` to `base` with exactly the header lines given, in order (a name given
 * twice is sent twice).
 */
export function send(base: string, path: string, headers: readonly (readonly [string, string])[], method = 'GET'): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const url = new URL(path, base);
    // Given as a list, the headers are sent exactly so: Host included.
    const lines = [['Host', url.host], ...headers].flat();
    const outgoing = httpRequest(url, { method, headers: lines, signal: AbortSignal.timeout(TIMEOUT) }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const header = (name: string): string | undefined => {
          const value = response.headers[name];
          return Array.isArray(value) ? value.join(', ') : value;
        };
        resolve({
          status: response.statusCode ?? 0,
          challenge: header('www-authenticate'),
          nonce: header('dpop-nonce'),
          contentType: header('content-type'),
          body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
        });
      });
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** The header lines of a DPoP request: `Authorization: DPoP <token>` and each proof as a `DPoP` header. */
export function dpopHeaders(token: string, ...proofs: readonly string[]): [string, string][] {
  return [['Authorization', `DPoP ${token}`], ...proofs.map((proof): [string, string] => ['DPoP', proof])];
}

/** base64url(SHA-256(`value`)): a proof's `ath` for the access token `value`. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** The claims of a well-formed proof for `htm htu` and `accessToken`, made now; `changes` replace or (undefined) drop members. */
export function proofClaims(htm: string, htu: string, accessToken: string, changes: Readonly<Record<string, unknown>> = {}): JWTPayload {
  const claims: Record<string, unknown> = { jti: randomUUID(), htm, htu, iat: Math.floor(Date.now() / 1000), ath: sha256(accessToken), ...changes };
  for (const name of Object.keys(claims)) if (claims[name] === undefined) delete claims[name];
  return claims;
}

/** The public JWK of `keypair`, as a proof header carries it. */
export async function publicJwk(keypair: KeyPair): Promise<JWK> {
  const { kty, crv, x, y, n, e } = await exportJWK(keypair.publicKey);
  return Object.fromEntries(Object.entries({ kty, crv, x, y, n, e }).filter(([, value]) => value !== undefined));
}

/**
 * A proof signed (ES256) by `keypair` with the header and claims given: `typ` `dpop+jwt` and the
 * key's public JWK unless `header` says otherwise.
 */
export async function signedProof(keypair: KeyPair, claims: JWTPayload, header: Readonly<Record<string, unknown>> = {}): Promise<string> {
  const protectedHeader = { alg: 'ES256', typ: 'dpop+jwt', jwk: await publicJwk(keypair), ...header };
  return new SignJWT(claims).setProtectedHeader(protectedHeader).sign(keypair.privateKey);
}

const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsecured JWS (`alg: none`) with the header and claims given; its signature part empty unless `signature` is given. */
export function unsecuredProof(header: Readonly<Record<string, unknown>>, claims: JWTPayload, signature = ''): string {
  return `${part({ ...header, alg: 'none' })}.${part(claims)}.${signature}`;
}

/** A JWS signed with HMAC SHA-256 under `secret` (`alg: HS256`) with the header and claims given. */
export function hmacProof(secret: string, header: Readonly<Record<string, unknown>>, claims: JWTPayload): string {
  const input = `${part({ ...header, alg: 'HS256' })}.${part(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
