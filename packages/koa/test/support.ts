/**
 * Shared test helpers: serve a Koa app on 127.0.0.1, dispatch paths to middleware chains,
 * send GET requests.
 */
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import type { Context, Middleware, Next } from 'koa';

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
