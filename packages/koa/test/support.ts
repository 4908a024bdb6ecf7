/**
 * Shared test helpers: serve a Koa app on 127.0.0.1, dispatch paths to middleware chains,
 * check problem details responses.
 */
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import type { Context, Middleware, Next } from 'koa';
import { expect } from 'vitest';

/** A running app. */
export interface Served {
  readonly url: string;
  close(): Promise<void>;
}

/** Listen on an ephemeral port of 127.0.0.1. */
export async function serve(app: Koa): Promise<Served> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function runChain(chain: readonly Middleware[], index: number, ctx: Context, next: Next): Promise<unknown> {
  const middleware = chain[index];
  if (middleware === undefined) return next();
  return Promise.resolve(middleware(ctx, () => runChain(chain, index + 1, ctx, next)));
}

/** A minimal exact-path router: each path runs its own middleware chain. */
export function routes(table: Record<string, readonly Middleware[]>): Middleware {
  return async function router(ctx: Context, next: Next): Promise<void> {
    const chain = Object.hasOwn(table, ctx.path) ? table[ctx.path] : undefined;
    if (chain === undefined) return next();
    await runChain(chain, 0, ctx, next);
  };
}

/** A final handler that echoes the attached token. */
export function echo(ctx: Context): void {
  const token = ctx.state.auth;
  ctx.body = token === undefined ? { anonymous: true } : { subject: token.subject ?? null, type: token.type, scopes: token.scopes };
}

/** GET with an optional bearer token (or a raw Authorization value). */
export function get(url: string, token?: string, authorization?: string): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (authorization !== undefined) headers.authorization = authorization;
  return fetch(url, { headers });
}

/** Problem body members checked on every error response. */
export type Problem = Record<string, unknown> & { type: string; title: string; status: number; detail: string; instance: string };

/**
 * Assert an RFC 9457 response with this status and OAuth error code (`undefined`: no `error`
 * member, as for a missing token) and return its body.
 */
export async function expectProblem(response: Response, status: number, error: string | undefined): Promise<Problem> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json(;|$)/);
  const body = (await response.json()) as Problem;
  expect(body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  expect(body.type).toMatch(/^https:\/\/tokengate\.dev\/problems\//);
  expect(body.instance).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  if (error === undefined) {
    expect(body).not.toHaveProperty('error');
    expect(body).not.toHaveProperty('error_description');
  } else {
    expect(body.error).toBe(error);
    expect(body.error_description).toBe(body.detail);
    expect(body.type).toBe(`https://tokengate.dev/problems/${error}`);
  }
  return body;
}

export const USER_REQUIRED =
  'This endpoint requires a user token obtained via authorization_code flow. You provided a client token from client_credentials flow.';
export const CLIENT_REQUIRED =
  'This endpoint requires a client token obtained via client_credentials flow. You provided a user token from authorization_code flow.';
