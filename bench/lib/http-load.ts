/**
 * The load side of the HTTP family: autocannon's requests (one `Authorization` header per token,
 * each connection with its own rotation of the pool) and the sanity check before any timing.
 */
import autocannon from 'autocannon';
import { peekPayload } from './tokens.js';

export const CONNECTIONS = 10;

export function requestsFor(tokens: readonly string[]): autocannon.Request[] {
  return tokens.map((token) => ({ method: 'GET', path: '/me', headers: { authorization: `Bearer ${token}` } }));
}

/**
 * The requests of each connection. autocannon starts every connection (and every run) at the
 * first request of its list, so with one shared list all connections would send token 0, then
 * token 1, … together, and a short run would never reach the end of the pool. Each connection
 * gets the pool rotated by its share instead: the first POOL_SIZE / CONNECTIONS requests of all
 * connections together cover the whole pool.
 */
export function perConnection(requests: autocannon.Request[]): autocannon.Request[][] {
  const step = Math.ceil(requests.length / CONNECTIONS);
  return Array.from({ length: CONNECTIONS }, (_, k) => [...requests.slice(k * step), ...requests.slice(0, k * step)]);
}

export async function load(port: number, requests: autocannon.Request[][], seconds: number): Promise<autocannon.Result> {
  let next = 0;
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: seconds,
    requests: (requests[0] as autocannon.Request[]).slice(0, 1),
    setupClient: (client) => client.setRequests(requests[next++ % requests.length] as autocannon.Request[]),
  });
}

/**
 * One real request, checked before any timing: a benchmark whose tokens are rejected is invalid.
 * Servers that do not authenticate answer `sub: "anonymous"`.
 */
export async function sanity(port: number, id: string, token: string, anonymous: boolean): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/me`, { headers: { authorization: `Bearer ${token}` } });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${id}: status ${response.status} ${body.slice(0, 120)}`);
  const expected = anonymous ? 'anonymous' : peekPayload(token).sub;
  const sub = (JSON.parse(body) as { sub?: unknown }).sub;
  if (sub !== expected) throw new Error(`${id}: answered sub ${JSON.stringify(sub)}, expected ${JSON.stringify(expected)}`);
}
