/**
 * The conformance app on Web-standard `Request`/`Response` code: Hono on `@hono/node-server`, and
 * `createWebGate` behind a plain `node:http` server that turns each request into a Web `Request`
 * (as Next.js, Bun, Deno and Workers hand one to a handler) and writes the `Response` back.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AccessToken, VerifierOptions } from '@tokengate/core';
import * as ho from '@tokengate/hono';
import { createWebGate, problemResponse, TokenGateError, WebRequestContext, type WebGate, type WebRequirement } from '@tokengate/web';
import { toWebRequest, writeWebResponse } from '../../examples/web/src/node.js';
import { echo, listen, OPTIONAL_PATH, ROUTES, type Guard, type Running } from './servers.js';

// ---------------------------------------------------------------- Hono 4 on @hono/node-server

/** One middleware per route (Hono's typed routes take a fixed list): `none` only goes on. */
const honoGuards: Record<Guard, () => ho.TokenGateMiddleware> = {
  none: () => (_c, next) => next(),
  user: () => ho.requireUserToken(),
  client: () => ho.requireClientToken(),
  fonts: () => ho.requireScopes('read:font:data'),
  'any-scope': () => ho.requireAnyScope('a', 'b'),
};

/** Hono: `auth()` on every request (optional on the optional route), the route's guard, the handler. */
export async function startHono(options: VerifierOptions): Promise<Running> {
  const verifier = ho.createVerifier(options);
  const strict = ho.auth(verifier);
  const optional = ho.auth(verifier, { optional: true });
  const app = new Hono<ho.TokenGateEnv>();
  app.use((c, next) => (c.req.path === OPTIONAL_PATH ? optional : strict)(c, next));
  for (const route of ROUTES) {
    // `c.get('auth')` is unset on the optional route without credentials: `echo` answers `{ auth: null }`.
    app.get(route.path, honoGuards[route.guard](), (c) => c.json(echo(c.get('auth') as AccessToken | undefined)));
  }
  // `@hono/node-server` (with its default, global lightweight Request/Response) on 127.0.0.1.
  const server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started as Server));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

// ---------------------------------------------------------------- createWebGate behind node:http

/** A Web handler served by `node:http` on 127.0.0.1; `unrepresentable` answers what cannot become a `Request`. */
async function serveWeb(handle: (request: Request) => Promise<Response>, unrepresentable: (error: unknown) => Response): Promise<Running> {
  let origin = '';
  const server = createServer((incoming, outgoing) => {
    toWebRequest(incoming, origin)
      .then(handle, unrepresentable)
      .then((response) => writeWebResponse(response, outgoing, incoming.method === 'HEAD'))
      .catch((error: unknown) => {
        console.error(error);
        outgoing.destroy();
      });
  });
  const running = await listen(server);
  origin = running.url;
  return running;
}

const webRequirements: Record<Guard, WebRequirement | undefined> = {
  none: undefined,
  user: { token: 'user' },
  client: { token: 'client' },
  fonts: { scopes: ['read:font:data'] },
  'any-scope': { anyScopes: ['a', 'b'] },
};

/**
 * The optional route: a request without any credentials gets `{ auth: null }`, any other is
 * checked like the rest (`authenticateOptional` is the verifier's own optional form, as the
 * Node adapters' `auth(verifier, { optional: true })` use it; a bad token still fails).
 */
function optionalRoute(gate: WebGate): (request: Request) => Promise<Response> {
  return async (request) => {
    try {
      return Response.json(echo(await gate.verifier.authenticateOptional(new WebRequestContext(request))));
    } catch (error) {
      return problemResponse(gate.verifier.fail(error));
    }
  };
}

/**
 * `createWebGate`: each route is `gate.withAuth(handler, requirement)` (the optional route see
 * above); GET and HEAD only, exact paths, 404 for the rest. A request `node:http` parsed but a
 * `Request` cannot represent gets a 400 `invalid_request` problem from the gate's verifier.
 */
export function startWeb(options: VerifierOptions): Promise<Running> {
  const gate = createWebGate(options);
  const handler = (_request: Request, auth: AccessToken): Response => Response.json(echo(auth));
  const table = new Map(ROUTES.map((route) => [route.path, route.path === OPTIONAL_PATH ? optionalRoute(gate) : gate.withAuth(handler, webRequirements[route.guard])]));
  const handle = async (request: Request): Promise<Response> => {
    const route = request.method === 'GET' || request.method === 'HEAD' ? table.get(new URL(request.url).pathname) : undefined;
    return route === undefined ? Response.json({ error: 'not_found' }, { status: 404 }) : route(request);
  };
  const unrepresentable = (): Response => problemResponse(gate.verifier.fail(new TokenGateError('invalid_request', 'The request cannot be represented as a Web Request')));
  return serveWeb(handle, unrepresentable);
}
