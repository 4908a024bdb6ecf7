import { Buffer } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FetchCounts } from './counts.js';
import type { FaultSwitches } from './faults.js';
import { GARBAGE_BODY } from './faults.js';
import type { Route, RouteRequest, RouteResponse, RouteTable } from './routes.js';
import { jsonResponse } from './routes.js';

/**
 * What {@link startServer} needs: the routes (built once the origin is known), the fault
 * switches and the counters to update.
 *
 * @example
 * ```ts
 * const options: ServerOptions = { routes: (origin) => buildIssuerRoutes({ ... }), faults, counts };
 * ```
 */
export interface ServerOptions {
  readonly routes: (origin: string) => RouteTable;
  readonly faults: FaultSwitches;
  readonly counts: FetchCounts;
}

/**
 * A listening server on 127.0.0.1.
 *
 * @example
 * ```ts
 * const server = await startServer(options);
 * await server.close();
 * ```
 */
export interface RunningServer {
  readonly origin: string;
  readonly port: number;
  /** Stops listening, drops every connection and pending delayed response. Idempotent. */
  close(): Promise<void>;
}

const NO_BODY_STATUSES = new Set([204, 205, 304]);
/** Request bodies larger than this are answered with 413. */
const MAX_REQUEST_BYTES = 65_536;

/** The request body as UTF-8 text, or `undefined` when it exceeds {@link MAX_REQUEST_BYTES} (the rest is drained, not kept). */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
  }
  return size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks, size).toString('utf8');
}

function notFound(request: Pick<RouteRequest, 'url'>): RouteResponse {
  return jsonResponse(404, { error: 'not_found', path: request.url.pathname });
}

/** The answer that replaces the route handler: 404, 405 or an active fault; `undefined` when the handler answers. */
function overrideResponse(route: Route | undefined, request: Pick<RouteRequest, 'method' | 'url'>, faults: FaultSwitches): RouteResponse | undefined {
  if (route === undefined || !route.enabled) return notFound(request);
  if (!route.methods.includes(request.method)) {
    return jsonResponse(405, { error: 'method_not_allowed' }, { allow: route.methods.join(', ') });
  }
  if (!route.faultable) return undefined;
  if (faults.redirectLoop) return { status: 302, body: '', headers: { location: request.url.href } };
  if (faults.status !== null) {
    const headers = { 'content-type': 'application/json', ...(faults.retryAfter === null ? {} : { 'retry-after': faults.retryAfter }) };
    return { status: faults.status, body: faults.statusBody ?? JSON.stringify({ error: 'injected_fault', status: faults.status }), headers };
  }
  if (faults.garbage) return { status: 200, body: GARBAGE_BODY, headers: { 'content-type': 'application/json' } };
  return undefined;
}

function write(req: IncomingMessage, res: ServerResponse, response: RouteResponse): void {
  if (res.destroyed || res.writableEnded) return;
  const bodyless = req.method === 'HEAD' || NO_BODY_STATUSES.has(response.status);
  const headers: Record<string, string | number> = { ...response.headers };
  if (!NO_BODY_STATUSES.has(response.status)) headers['content-length'] = Buffer.byteLength(response.body);
  res.writeHead(response.status, headers);
  res.end(bodyless ? undefined : response.body);
}

/**
 * Starts an HTTP server on `127.0.0.1` with an ephemeral port and serves the route table.
 *
 * Every request is counted first; then `down` resets the connection, `slowMs` delays the
 * answer, and the remaining switches replace the answer of faultable routes. Route handlers
 * get the request body as text (up to 64 KiB; larger bodies are answered with 413).
 *
 * @example
 * ```ts
 * const server = await startServer({ routes: () => new Map(), faults: createFaultSwitches(), counts: createFetchCounts() });
 * await fetch(`${server.origin}/anything`); // 404
 * ```
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { faults, counts } = options;
  const timers = new Set<NodeJS.Timeout>();
  let routes: RouteTable = new Map();
  let origin = '';

  const answer = async (req: IncomingMessage, res: ServerResponse, route: Route | undefined, target: Omit<RouteRequest, 'body'>) => {
    try {
      const replaced = overrideResponse(route, target, faults);
      if (replaced !== undefined || route === undefined) {
        write(req, res, replaced ?? notFound(target));
        return;
      }
      const body = await readBody(req);
      if (body === undefined) {
        write(req, res, jsonResponse(413, { error: 'request_too_large' }));
        return;
      }
      write(req, res, await route.handle({ ...target, body }));
    } catch {
      res.destroy();
    }
  };

  const server = createServer((req, res) => {
    const request: Omit<RouteRequest, 'body'> = { method: req.method ?? 'GET', url: new URL(req.url ?? '/', origin), headers: req.headers };
    const route = routes.get(request.url.pathname);
    for (const name of route?.counters ?? []) counts[name] += 1;
    if (faults.down) {
      req.socket.resetAndDestroy();
      return;
    }
    if (faults.slowMs <= 0) {
      void answer(req, res, route, request);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      void answer(req, res, route, request);
    }, faults.slowMs);
    timer.unref();
    timers.add(timer);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  routes = options.routes(origin);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  return { origin, port, close };
}
