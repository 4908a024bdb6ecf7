/**
 * The hostile-token corpus through every adapter over real HTTP: each case ends in a defined
 * status with a problem-details body (or Node's own 400/431 for bytes it refuses to parse),
 * never a 500, never a hang.
 *
 * Hono and `createWebGate` read a Web `Request`, which cannot hold everything a raw request can:
 * `Headers` joins repeated header lines into one value with ", ", `new Request` refuses `TRACE`
 * and targets that are not a path, and the WHATWG URL reads `\` as `/`. Where that changes the
 * answer, the cases below say what each adapter answers and why.
 */
import { createForeignKey, createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { ONE_BEARER_TOKEN, SEVERAL_AUTHORIZATION_HEADERS } from '@tokengate/test-support';
import { generateKeyPairSync, createHmac, createSign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, type Answer } from './support/raw-http.js';
import { SERVERS, type Running, type ServerFactory } from './support/servers.js';

const bearer = (token: string) => `Authorization: Bearer ${token}\r\n`;
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

interface HostileCase {
  readonly name: string;
  readonly strict?: boolean;
  readonly path?: string;
  readonly headers: (issuer: TestIssuer) => Promise<string> | string;
  readonly status: number;
  readonly error?: string;
  /** The problem `detail`, where the case pins it. */
  readonly detail?: string;
  /** What adapters reading a Web `Request` answer instead (see the case). */
  readonly webRequest?: { readonly detail: string };
}

let issuer: TestIssuer;
const now = () => Math.floor(Date.now() / 1000);
const claims = () => ({ iss: issuer.issuer, aud: issuer.audience, sub: 'user-1', client_id: 'app', iat: now(), exp: now() + 600, jti: 'j' });

function rsaSigned(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createSign('sha256').update(input).sign(attackerKey).toString('base64url')}`;
}
const attackerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
function respell(token: string): string {
  return token.slice(0, -1) + ALPHABET.charAt(ALPHABET.indexOf(token.charAt(token.length - 1)) | 0x0f);
}

const CASES: HostileCase[] = [
  { name: 'alg none', headers: (i) => bearer(i.mintUnsignedToken(claims())), status: 401, error: 'invalid_token' },
  {
    name: 'HS256 signed with the issuer public key',
    headers: (i) => {
      const input = `${b64({ alg: 'HS256', kid: i.currentKid })}.${b64(claims())}`;
      return bearer(`${input}.${createHmac('sha256', JSON.stringify(i.currentPublicJwk())).update(input).digest('base64url')}`);
    },
    status: 401,
    error: 'invalid_token',
  },
  { name: 'kid absent, attacker key', headers: () => bearer(rsaSigned({ alg: 'RS256' }, claims())), status: 401, error: 'invalid_token' },
  { name: 'unknown kid', headers: async (i) => bearer(await i.mintUserToken({ kid: 'nope' })), status: 401, error: 'invalid_token' },
  { name: 'kid with path characters', headers: async (i) => bearer(await i.mintUserToken({ kid: '../../../etc/passwd' })), status: 401, error: 'invalid_token' },
  { name: 'kid with SQL', headers: async (i) => bearer(await i.mintUserToken({ kid: "x' OR '1'='1" })), status: 401, error: 'invalid_token' },
  ...(['jku', 'x5u', 'jwk', 'x5c'] as const).map((member) => ({
    name: `${member} pointing at an attacker key`,
    headers: (i: TestIssuer) =>
      bearer(rsaSigned({ alg: 'RS256', kid: i.currentKid, [member]: member === 'x5c' ? ['MIIB'] : member === 'jwk' ? { kty: 'RSA', n: 'x', e: 'AQAB' } : 'http://127.0.0.1:9/k' }, claims())),
    status: 401,
    error: 'invalid_token',
  })),
  { name: 'unknown crit', headers: async (i) => bearer(await i.mintUserToken({ header: { crit: ['zip2'], zip2: 1 } })), status: 401, error: 'invalid_token' },
  { name: "another issuer's key with our kid", headers: async (i) => bearer(await i.mintUserToken({ signingKey: await createForeignKey() })), status: 401, error: 'invalid_token' },
  { name: 'expired', headers: async (i) => bearer(await i.mintUserToken({ expiresIn: -60 })), status: 401, error: 'invalid_token' },
  // A valid token respelled: the same signature bytes with the last character's spare bits set.
  { name: 'a valid token with its signature respelled', headers: async (i) => bearer(respell(await i.mintUserToken())), status: 401, error: 'invalid_token' },
  { name: 'a sender-constrained token sent as Bearer', headers: async (i) => bearer(await i.mintUserToken({ claims: { cnf: { jkt: 'x' } } })), status: 401, error: 'invalid_token' },
  { name: 'not yet valid', headers: async (i) => bearer(await i.mintUserToken({ notBefore: 600 })), status: 401, error: 'invalid_token' },
  { name: 'issued in the future', headers: async (i) => bearer(await i.mintUserToken({ issuedAt: now() + 600 })), status: 401, error: 'invalid_token' },
  { name: 'wrong iss', headers: async (i) => bearer(await i.mintUserToken({ issuer: 'https://evil.example' })), status: 401, error: 'invalid_token' },
  { name: 'wrong aud', headers: async (i) => bearer(await i.mintUserToken({ audience: 'https://other.api' })), status: 401, error: 'invalid_token' },
  { name: 'aud array with ours', headers: async (i) => bearer(await i.mintUserToken({ audience: ['https://other.api', i.audience] })), status: 200 },
  { name: 'aud array without ours', headers: async (i) => bearer(await i.mintUserToken({ audience: ['https://a.api', 'https://b.api'] })), status: 401, error: 'invalid_token' },
  { name: 'missing exp', headers: async (i) => bearer(await i.mintUserToken({ expiresIn: null })), status: 401, error: 'invalid_token' },
  { name: 'typ JWT in strict mode', strict: true, headers: async (i) => bearer(await i.mintUserToken({ typ: 'JWT' })), status: 401, error: 'invalid_token' },
  { name: 'an ID token in strict mode', strict: true, headers: async (i) => bearer(await i.mintToken({ typ: 'JWT', claims: { sub: 'user-1', nonce: 'n', azp: 'app' } })), status: 401, error: 'invalid_token' },
  { name: 'two segments', headers: async (i) => bearer((await i.mintUserToken()).split('.').slice(0, 2).join('.')), status: 401, error: 'invalid_token' },
  { name: 'four segments', headers: async (i) => bearer(`${await i.mintUserToken()}.AAAA`), status: 401, error: 'invalid_token' },
  { name: 'five segments', headers: () => bearer('a.b.c.d.e'), status: 401, error: 'invalid_token' },
  { name: 'bad base64url', headers: async (i) => bearer((await i.mintUserToken()).replace('.', '.~')), status: 401, error: 'invalid_token' },
  { name: 'header JSON but not an object', headers: () => bearer(`${b64('[1]')}.${b64(claims())}.AAAA`), status: 401, error: 'invalid_token' },
  { name: 'payload not JSON', headers: () => bearer(`${b64({ alg: 'RS256' })}.${b64('not json')}.AAAA`), status: 401, error: 'invalid_token' },
  { name: 'duplicate JSON keys', headers: () => bearer(`${b64('{"alg":"RS256","alg":"none"}')}.${b64(claims())}.AAAA`), status: 401, error: 'invalid_token' },
  { name: 'scope as a number', headers: async (i) => bearer(await i.mintUserToken({ claims: { scope: 5 } })), status: 401, error: 'invalid_token' },
  { name: 'permissions as a string', headers: async (i) => bearer(await i.mintUserToken({ claims: { permissions: 'read' } })), status: 401, error: 'invalid_token' },
  { name: 'exp as a string', headers: async (i) => bearer(await i.mintUserToken({ claims: { exp: String(now() + 60) } })), status: 401, error: 'invalid_token' },
  { name: '8 KB token', headers: () => bearer(`${'a'.repeat(8 * 1024)}.b.c`), status: 401, error: 'invalid_token' },
  { name: 'non-ASCII in the header value', headers: () => 'Authorization: Bearer t\u00e9st.x.y\r\n', status: 400, error: 'invalid_request' },
  // Hono and the Web gate see one `Authorization: Bearer a, Bearer b` (Headers joins the lines): 400 all the same.
  {
    name: 'several Authorization headers',
    headers: async (i) => bearer(await i.mintUserToken()) + bearer(await i.mintClientToken()),
    status: 400,
    error: 'invalid_request',
    detail: SEVERAL_AUTHORIZATION_HEADERS,
    webRequest: { detail: ONE_BEARER_TOKEN },
  },
  { name: 'token in the query string when that method is off', path: '/v1/me?access_token=abc', headers: () => '', status: 401 },
];

/** A problem answer: status, media type, body members, and a challenge naming the same `error` (none: the bare one). */
function expectProblem(answer: Answer, expected: { readonly status: number; readonly error?: string | undefined; readonly detail?: string | undefined }): void {
  const problem = JSON.parse(answer.body) as Record<string, unknown>;
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(problem.status).toBe(expected.status);
  expect(problem.instance).toMatch(/^urn:uuid:/);
  expect(problem.error).toBe(expected.error);
  if (expected.detail !== undefined) expect(problem.detail).toBe(expected.detail);
  if (expected.error) expect(answer.headers['www-authenticate']).toContain(`error="${expected.error}"`);
  else expect(answer.headers['www-authenticate']).toMatch(/^Bearer realm="api"(, error="invalid_request".*)?$/);
}

/** The adapters by framework: both Express and both Koa versions answer alike here. */
type Family = 'express' | 'koa' | 'fastify' | 'hono' | 'web';

function familyOf(server: ServerFactory): Family {
  return server.name.split(' ')[0] as Family;
}

/** One answer: a problem from tokengate, or (`problem: false`) the HTTP layer's or the router's own. */
interface Expected {
  readonly status: number;
  readonly problem: boolean;
  readonly error?: string;
  readonly detail?: string;
}

/** Requests a Web `Request` cannot carry as sent, and what each adapter answers. */
interface RepresentationCase {
  readonly name: string;
  readonly head: (issuer: TestIssuer) => Promise<string> | string;
  readonly answers: Readonly<Record<Family, Expected>>;
}

const NO_TOKEN: Expected = { status: 401, problem: true };
const NOT_FOUND: Expected = { status: 404, problem: false };
/** `@hono/node-server` refuses a target it cannot make a URL of: an empty 400, before Hono runs. */
const NODE_SERVER_REFUSES: Expected = { status: 400, problem: false };
/** The Web server of the tests (standing for the runtime) answers a request `new Request` refuses with this problem. */
const NOT_A_WEB_REQUEST: Expected = { status: 400, problem: true, error: 'invalid_request', detail: 'The request cannot be represented as a Web Request' };

const REPRESENTATION: readonly RepresentationCase[] = [
  {
    // Node keeps both lines (400, several headers); `Headers` makes one value ", Bearer …", which
    // is no Bearer credential: 401 as without a token. Refused either way, never let through.
    name: 'an empty Authorization line, then one with a valid token',
    head: async (i) => `GET /v1/me HTTP/1.1\r\nAuthorization:\r\n${bearer(await i.mintUserToken())}`,
    answers: {
      ...everyAdapter({ status: 400, problem: true, error: 'invalid_request', detail: SEVERAL_AUTHORIZATION_HEADERS }),
      hono: NO_TOKEN,
      web: NO_TOKEN,
    },
  },
  {
    // `new Request` refuses the TRACE method; @hono/node-server builds its request around that.
    name: 'TRACE without a token',
    head: () => 'TRACE /v1/me HTTP/1.1\r\n',
    answers: { ...everyAdapter(NO_TOKEN), web: NOT_A_WEB_REQUEST },
  },
  {
    // Node routes the path of an absolute-form target; `origin + target` is no URL.
    name: 'an absolute-form target naming another host, without a token',
    head: () => 'GET http://evil.example/v1/me HTTP/1.1\r\n',
    answers: { ...everyAdapter(NO_TOKEN), web: NOT_A_WEB_REQUEST },
  },
  {
    name: 'the asterisk-form target (OPTIONS *)',
    head: () => 'OPTIONS * HTTP/1.1\r\n',
    answers: { ...everyAdapter(NO_TOKEN), hono: NODE_SERVER_REFUSES, web: NOT_A_WEB_REQUEST },
  },
  {
    // Node routers have no `/v1\me` route (404 after auth() passed); @hono/node-server refuses a
    // `\` in the path; the WHATWG URL reads it as `/`, so the Web server routes and checks `/v1/me`.
    name: 'a backslash in the path, with a valid token',
    head: async (i) => `GET /v1\\me HTTP/1.1\r\n${bearer(await i.mintUserToken())}`,
    answers: { ...everyAdapter(NOT_FOUND), hono: NODE_SERVER_REFUSES, web: { status: 200, problem: false } },
  },
];

/** The same answer from every adapter (callers override the ones that differ). */
function everyAdapter(expected: Expected): Record<Family, Expected> {
  return { express: expected, koa: expected, fastify: expected, hono: expected, web: expected };
}

describe.each(SERVERS)('hostile tokens through $name', (server) => {
  let app: Running;
  let strictApp: Running;
  beforeAll(async () => {
    issuer ??= await createTestIssuer();
    app = await server.start({ issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri });
    strictApp = await server.start({ issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri, strict: true });
  });
  afterAll(async () => {
    await Promise.all([app.close(), strictApp.close()]);
  });

  it.each(CASES)('$name → $status', async (hostile) => {
    const target = hostile.strict ? strictApp : app;
    const answer = await send(target.url, `GET ${hostile.path ?? '/v1/me'} HTTP/1.1\r\n${await hostile.headers(issuer)}`);
    expect(answer.status).toBe(hostile.status);
    if (hostile.status === 200) return;
    const detail = server.request === 'web' && hostile.webRequest !== undefined ? hostile.webRequest.detail : hostile.detail;
    expectProblem(answer, { status: hostile.status, error: hostile.error, detail });
  });

  it.each(REPRESENTATION)('$name', async (raw) => {
    const expected = raw.answers[familyOf(server)];
    const answer = await send(app.url, await raw.head(issuer));
    expect(answer.status).toBe(expected.status);
    if (expected.problem) expectProblem(answer, expected);
  });

  it('answers a valid token after all of the above (nothing crashed or wedged)', async () => {
    const answer = await send(app.url, `GET /v1/me HTTP/1.1\r\n${bearer(await issuer.mintUserToken())}`);
    expect(answer.status).toBe(200);
  });

  it('a 1 MB token is refused by the HTTP layer with 431, quickly, without reaching tokengate', async () => {
    const started = Date.now();
    const answer = await send(app.url, `GET /v1/me HTTP/1.1\r\n${bearer(`${'a'.repeat(1024 * 1024)}.b.c`)}`);
    expect(answer.status).toBe(431);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('control characters in the header value are refused by the HTTP parser with 400, never a 500', async () => {
    const answer = await send(app.url, 'GET /v1/me HTTP/1.1\r\nAuthorization: Bearer a\u0001b\r\n');
    expect(answer.status).toBe(400);
  });
});

afterAll(async () => {
  await issuer?.close();
});
