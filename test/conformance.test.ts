/**
 * Adapter conformance: the same table of requests against the same app built with Express 5,
 * Express 4, Koa, Fastify, Hono and `createWebGate`, over real HTTP. Every adapter must give the
 * same status, problem body, `WWW-Authenticate` and `Retry-After`; a final cross-check names any
 * adapter that differs. The one documented difference: adapters reading a Web `Request` see
 * repeated header lines joined into one (a row's `webRequest` says what they answer instead).
 */
import { request as httpRequest } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { CASES, type AuthorizationValue, type Case } from './support/cases.js';
import { SERVERS, type Running, type ServerFactory } from './support/servers.js';

/** What one response looked like. */
interface Observed {
  readonly status: number;
  readonly challenge: string | null;
  readonly contentType: string | null;
  readonly retryAfter: string | null;
  readonly body: Record<string, unknown>;
}

/** The part of a response every adapter must agree on (the body without its per-response `instance`). */
interface Tuple {
  readonly status: number;
  readonly error: unknown;
  readonly challenge: string | null;
  readonly bodyKeys: readonly string[];
  readonly body: Record<string, unknown>;
  readonly retryAfter: boolean;
}

function tupleOf(observed: Observed): Tuple {
  const { instance: _instance, ...body } = observed.body;
  const { status, challenge } = observed;
  return { status, error: observed.body.error, challenge, bodyKeys: Object.keys(observed.body).sort(), body, retryAfter: observed.retryAfter !== null };
}

/** The tuple most adapters gave (the first adapter's on a tie), so the odd one out is named. */
function majority(tuples: readonly Tuple[]): Tuple | undefined {
  const votes = (tuple: Tuple) => tuples.filter((other) => isDeepStrictEqual(other, tuple)).length;
  return tuples.reduce<Tuple | undefined>((best, tuple) => (best === undefined || votes(tuple) > votes(best) ? tuple : best), undefined);
}

let up: TestIssuer;
let down: TestIssuer;
const apps = new Map<string, { main: Running; down: Running }>();
const authorizations = new Map<string, AuthorizationValue | undefined>();
const tuples = new Map<string, Map<string, Tuple>>();
const instances = new Set<string>();

function parse(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`Expected a JSON object, got ${text}`);
  return value as Record<string, unknown>;
}

async function viaFetch(url: string, authorization: AuthorizationValue | undefined): Promise<Observed> {
  const headers = new Headers();
  // Several values: fetch joins them into one `Authorization: a, b` line.
  for (const value of typeof authorization === 'string' ? [authorization] : (authorization ?? [])) headers.append('authorization', value);
  const response = await fetch(url, { headers });
  const get = (name: string) => response.headers.get(name);
  return { status: response.status, challenge: get('www-authenticate'), contentType: get('content-type'), retryAfter: get('retry-after'), body: parse(await response.text()) };
}

/** `node:http` sends an array header as one line per value, which `fetch` cannot do. */
function viaNode(url: string, authorization: AuthorizationValue | undefined): Promise<Observed> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('error', reject);
      res.on('end', () => {
        const one = (name: string) => {
          const value = res.headers[name];
          return typeof value === 'string' ? value : null;
        };
        try {
          resolve({ status: res.statusCode ?? 0, challenge: one('www-authenticate'), contentType: one('content-type'), retryAfter: one('retry-after'), body: parse(text) });
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('error', reject);
    if (authorization !== undefined) req.setHeader('authorization', authorization);
    req.end();
  });
}

function matches(actual: string | null, expected: string | RegExp | null): void {
  if (expected instanceof RegExp) expect(actual).toMatch(expected);
  else expect(actual).toBe(expected);
}

/** The `error` parameter of a Bearer challenge, or undefined. */
function challengeError(challenge: string): string | undefined {
  return /(?:^Bearer |, )error="([^"]*)"/.exec(challenge)?.[1];
}

function expectProblem(row: Case, observed: Observed): void {
  const { body } = observed;
  expect(observed.contentType ?? '').toMatch(/^application\/problem\+json(;|$)/);
  expect(typeof body.type).toBe('string');
  expect(() => new URL(body.type as string)).not.toThrow();
  expect(body.title).toEqual(expect.any(String));
  expect(body.status).toBe(observed.status);
  expect(body.detail).toEqual(expect.any(String));
  if (row.detail !== undefined) matches(body.detail as string, row.detail);
  expect(body.instance).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
  expect(instances.has(body.instance as string), `instance ${String(body.instance)} repeated`).toBe(false);
  instances.add(body.instance as string);
  if (row.error === undefined) {
    expect(body).not.toHaveProperty('error');
    expect(body).not.toHaveProperty('error_description');
  } else {
    expect(body.error).toBe(row.error);
    expect(body.error_description).toBe(body.detail);
  }
  if (observed.challenge !== null) expect(challengeError(observed.challenge)).toBe(body.error);
  if (row.body !== undefined) expect(body).toMatchObject(row.body);
  if (row.retryAfter === true) expect(observed.retryAfter).toMatch(/^\d+$/);
  else expect(observed.retryAfter).toBeNull();
}

beforeAll(async () => {
  up = await createTestIssuer();
  down = await createTestIssuer();
  down.faults.down = true;
  // One request per row, shared by every adapter (same token, same expiry time).
  for (const row of CASES) authorizations.set(row.name, await row.authorization?.({ up, down }));
  for (const server of SERVERS) {
    const main = await server.start({ issuer: up.issuer, audience: up.audience, jwksUri: up.jwksUri });
    const downApp = await server.start({ issuer: down.issuer, audience: down.audience, jwksUri: down.jwksUri });
    apps.set(server.name, { main, down: downApp });
  }
});

afterAll(async () => {
  await Promise.all([...apps.values()].flatMap((app) => [app.main.close(), app.down.close()]));
  await Promise.all([up?.close(), down?.close()]);
});

/** The row as `server` must answer it: its `webRequest` answer for adapters reading a Web `Request`. */
function expectedOf(row: Case, server: ServerFactory): Case {
  return server.request === 'web' && row.webRequest !== undefined ? { ...row, ...row.webRequest } : row;
}

/** The Node adapters' tuple as a Web `Request` adapter must give it for `row`. */
function webTuple(row: Case, reference: Tuple | undefined): Tuple | undefined {
  if (reference === undefined || row.webRequest === undefined) return reference;
  const { detail, challenge } = row.webRequest;
  return { ...reference, challenge, body: { ...reference.body, detail, error_description: detail } };
}

describe.each(SERVERS)('$name', (server) => {
  it.each(CASES.map((row) => expectedOf(row, server)))('$name', async (row) => {
    const app = apps.get(server.name);
    if (app === undefined) throw new Error(`${server.name} did not start`);
    const url = `${(row.app === 'down' ? app.down : app.main).url}${row.path}`;
    const authorization = authorizations.get(row.name);
    // Three times: a token is cached from its second success, so the third request takes the
    // adapters' cached (synchronous) path and must be answered exactly like the first.
    const observations: Observed[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1) observations.push(await (row.transport === 'node' ? viaNode : viaFetch)(url, authorization));
    const observed = observations[0] as Observed;

    const byServer = tuples.get(row.name) ?? new Map<string, Tuple>();
    tuples.set(row.name, byServer);
    byServer.set(server.name, tupleOf(observed));

    for (const each of observations) {
      expect({ status: each.status, body: each.body }).toMatchObject({ status: row.status });
      matches(each.challenge, row.challenge);
      if (row.status < 400) {
        expect(each.contentType ?? '').toMatch(/^application\/json(;|$)/);
        expect(each.body).toEqual(row.body);
      } else {
        expectProblem(row, each);
      }
    }
    expect(observations.map(tupleOf), 'answers once the token is cached').toEqual(observations.map(() => tupleOf(observed)));
  });
});

describe('cross-check: every adapter answers every row alike', () => {
  it.each(CASES)('$name', (row) => {
    const byServer = tuples.get(row.name) ?? new Map<string, Tuple>();
    const missing = SERVERS.filter((server) => !byServer.has(server.name)).map((server) => server.name);
    expect(missing, 'adapters that recorded no response').toEqual([]);
    // The majority of the Node adapters; Web `Request` adapters must give it too, but for the documented difference.
    const reference = majority(SERVERS.filter((server) => server.request === 'node').map((server) => byServer.get(server.name) as Tuple));
    const expected = (server: ServerFactory) => (server.request === 'web' ? webTuple(row, reference) : reference);
    const deviating = SERVERS.filter((server) => !isDeepStrictEqual(byServer.get(server.name), expected(server))).map((server) => server.name);
    expect.soft(deviating, `adapters answering "${row.name}" unlike the majority`).toEqual([]);
    // Keyed by adapter name, the diff shows what the deviating adapter answered.
    const observed = Object.fromEntries(SERVERS.map((server) => [server.name, byServer.get(server.name)]));
    expect(observed).toEqual(Object.fromEntries(SERVERS.map((server) => [server.name, expected(server)])));
  });
});
