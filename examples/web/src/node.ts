/**
 * What Next.js (or Bun, Deno, a Workers runtime) does around a route handler, on `node:http`: each
 * request becomes a Web `Request`, the route module's method answers it, its `Response` is written back.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A route module: a handler per HTTP method, like the exports of a Next.js `route.ts`. */
export type RouteModule = Partial<Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', (request: Request) => Promise<Response>>>;

/** The largest request body read. */
const MAX_BODY = 1024 * 1024;

/** The request's body, or `undefined` for GET and HEAD (a Web `Request` refuses one there). */
async function bodyOf(incoming: IncomingMessage): Promise<Buffer | undefined> {
  if (incoming.method === 'GET' || incoming.method === 'HEAD') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new RangeError('Request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The Web `Request` of a Node request, as a runtime builds one: `origin` + the target as
 * received, the method, every raw header line as its own `append` (so `Headers` joins repeated
 * lines with ", " as a runtime does) and the body. Throws where a `Request` cannot represent the
 * request (`TRACE`, an absolute-form or `*` target).
 */
export async function toWebRequest(incoming: IncomingMessage, origin: string): Promise<Request> {
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let at = 0; at + 1 < raw.length; at += 2) headers.append(raw[at] as string, raw[at + 1] as string);
  const body = await bodyOf(incoming);
  return new Request(`${origin}${incoming.url ?? '/'}`, { method: incoming.method, headers, ...(body === undefined ? {} : { body }) });
}

async function answer(routes: Readonly<Record<string, RouteModule>>, request: Request): Promise<Response> {
  const route = routes[new URL(request.url).pathname];
  if (route === undefined) return Response.json({ error: 'Not found' }, { status: 404 });
  const handler = route[(request.method === 'HEAD' ? 'GET' : request.method) as keyof RouteModule];
  if (handler === undefined) return Response.json({ error: 'Method not allowed' }, { status: 405, headers: { Allow: Object.keys(route).join(', ') } });
  return handler(request);
}

/** Write a Web `Response` to Node: status, every header (each `Set-Cookie` on its own line), body. */
export async function writeWebResponse(response: Response, outgoing: ServerResponse, head: boolean): Promise<void> {
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
    toWebRequest(incoming, `http://127.0.0.1:${incoming.socket.localPort ?? 80}`)
      .then(
        (request) =>
          answer(routes, request).catch((error: unknown) => {
            console.error(error);
            return Response.json({ error: 'Internal server error' }, { status: 500 });
          }),
        () => Response.json({ error: 'Bad request' }, { status: 400 }),
      )
      .then((response) => writeWebResponse(response, outgoing, incoming.method === 'HEAD'))
      .catch(() => outgoing.destroy());
  });
}
