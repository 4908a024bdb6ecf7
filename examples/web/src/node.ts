/**
 * What Next.js (or Bun, Deno, a Workers runtime) does around a route handler, on `node:http`: each
 * request becomes a Web `Request`, the route module's method answers it, its `Response` is written back.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A route module: a handler per HTTP method, like the exports of a Next.js `route.ts`. */
export type RouteModule = Partial<Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', (request: Request) => Promise<Response>>>;

const MAX_BODY = 1024 * 1024;

async function toRequest(incoming: IncomingMessage): Promise<Request> {
  const headers = new Headers();
  for (let at = 0; at + 1 < incoming.rawHeaders.length; at += 2) headers.append(incoming.rawHeaders[at] as string, incoming.rawHeaders[at + 1] as string);
  const url = `http://127.0.0.1:${incoming.socket.localPort ?? 80}${incoming.url ?? '/'}`;
  if (incoming.method === 'GET' || incoming.method === 'HEAD') return new Request(url, { method: incoming.method, headers });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new RangeError('Request body too large');
    chunks.push(chunk);
  }
  return new Request(url, { method: incoming.method, headers, body: Buffer.concat(chunks) });
}

async function answer(routes: Readonly<Record<string, RouteModule>>, request: Request): Promise<Response> {
  const route = routes[new URL(request.url).pathname];
  if (route === undefined) return Response.json({ error: 'Not found' }, { status: 404 });
  const handler = route[(request.method === 'HEAD' ? 'GET' : request.method) as keyof RouteModule];
  if (handler === undefined) return Response.json({ error: 'Method not allowed' }, { status: 405, headers: { Allow: Object.keys(route).join(', ') } });
  return handler(request);
}

async function write(response: Response, outgoing: ServerResponse, head: boolean): Promise<void> {
  outgoing.statusCode = response.status;
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') outgoing.setHeader(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) outgoing.setHeader('set-cookie', cookies);
  const body = Buffer.from(await response.arrayBuffer());
  outgoing.end(head ? undefined : body);
}

/**
 * A `node:http` server for route modules by path. A request a `Request` cannot hold gets 400;
 * a handler that throws, 500 (as Next.js answers).
 * @example createNodeServer({ '/v1/kits': { GET, POST } }).listen(3000, '127.0.0.1');
 */
export function createNodeServer(routes: Readonly<Record<string, RouteModule>>): Server {
  return createServer((incoming, outgoing) => {
    toRequest(incoming)
      .then(
        (request) =>
          answer(routes, request).catch((error: unknown) => {
            console.error(error);
            return Response.json({ error: 'Internal server error' }, { status: 500 });
          }),
        () => Response.json({ error: 'Bad request' }, { status: 400 }),
      )
      .then((response) => write(response, outgoing, incoming.method === 'HEAD'))
      .catch(() => outgoing.destroy());
  });
}
