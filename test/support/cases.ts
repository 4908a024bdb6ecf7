/**
 * The conformance table: one row per request, with the exact answer every adapter must give.
 * Tokens are minted once per row (in `beforeAll`) and the same request goes to every adapter.
 */
import type { TestIssuer } from '@tokengate/testing';
import { BARE_CHALLENGE, bearerChallenge, CLIENT_REQUIRED, INSUFFICIENT_SCOPE, ONE_BEARER_TOKEN, SEVERAL_AUTHORIZATION_HEADERS, SEVERAL_METHODS, SIGNATURE_INVALID, UNKNOWN_KID, USER_REQUIRED, WRONG_AUDIENCE, WRONG_ISSUER } from '@tokengate/test-support';

/** The issuers rows mint tokens from: a working one, and one whose connections are reset. */
export interface Issuers {
  readonly up: TestIssuer;
  readonly down: TestIssuer;
}

/** `Authorization` value(s). With several values, `fetch` joins them into one header line; `node:http` sends one line each. */
export type AuthorizationValue = string | readonly string[];

/** One row of the table. */
export interface Case {
  readonly name: string;
  /** `main`: the app trusting the working issuer (default); `down`: the app trusting the down issuer. */
  readonly app?: 'main' | 'down';
  readonly path: string;
  /** How the request is sent (default `fetch`). */
  readonly transport?: 'fetch' | 'node';
  /** The `Authorization` header(s), or none. */
  readonly authorization?: (issuers: Issuers) => AuthorizationValue | Promise<AuthorizationValue>;
  readonly status: number;
  /** The OAuth `error` of the problem body and challenge; absent when none may be sent. */
  readonly error?: string;
  /** `WWW-Authenticate`, exactly (a RegExp only where the description is dynamic); `null`: must be absent. */
  readonly challenge: string | RegExp | null;
  /** The problem `detail` (error rows). */
  readonly detail?: string | RegExp;
  /** Success rows: the whole JSON body. Error rows: extra members the problem must have. */
  readonly body?: Readonly<Record<string, unknown>>;
  /** The 503 must carry `Retry-After` (delta-seconds). */
  readonly retryAfter?: boolean;
  /**
   * Where adapters reading a Web `Request` (Hono, `createWebGate`) cannot answer like the Node
   * ones, their answer: everything else as above, only this `detail` (and `error_description`)
   * and challenge. `Headers` joins repeated header lines into one value with ", ", so a request
   * with several `Authorization` lines reaches them as one header carrying two tokens.
   */
  readonly webRequest?: { readonly detail: string; readonly challenge: string };
}

/** An `invalid_token` row: 401 with exactly this description. */
function invalidToken(name: string, authorization: Case['authorization'], detail: string, path = '/v1/me'): Case {
  return { name, path, authorization, status: 401, error: 'invalid_token', challenge: bearerChallenge('invalid_token', detail), detail };
}

const bearer = (token: string): string => `Bearer ${token}`;
const ISO = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z';
const EXPIRED = new RegExp(`^The token expired at ${ISO}$`);

/** Re-sign nothing: change the payload of a valid token and keep its signature. */
function tamper(token: string): string {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  return [header, Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url'), signature].join('.');
}

const DPOP_BOUND = 'The access token is DPoP-bound and must be sent with the DPoP scheme and a proof, not as a bearer token';
const USER = { type: 'user', subject: 'user-123', clientId: 'test-client' } as const;
const CLIENT = { type: 'client', subject: 'billing', clientId: 'billing' } as const;

export const CASES: readonly Case[] = [
  // ---- credentials missing or malformed
  { name: 'missing token', path: '/v1/me', status: 401, challenge: BARE_CHALLENGE },
  { name: 'other scheme (Basic abc)', path: '/v1/me', authorization: () => 'Basic abc', status: 401, challenge: BARE_CHALLENGE },
  {
    name: 'malformed header (Bearer a b)',
    path: '/v1/me',
    authorization: () => 'Bearer a b',
    status: 400,
    error: 'invalid_request',
    challenge: bearerChallenge('invalid_request', ONE_BEARER_TOKEN),
    detail: ONE_BEARER_TOKEN,
  },
  {
    name: 'two tokens in one header (fetch joins repeated Authorization headers)',
    path: '/v1/me',
    authorization: async ({ up }) => [bearer(await up.mintUserToken()), bearer(await up.mintClientToken())],
    status: 400,
    error: 'invalid_request',
    challenge: bearerChallenge('invalid_request', ONE_BEARER_TOKEN),
    detail: ONE_BEARER_TOKEN,
  },
  {
    name: 'several Authorization header lines, each a valid token (node:http)',
    path: '/v1/me',
    transport: 'node',
    authorization: async ({ up }) => [bearer(await up.mintUserToken()), bearer(await up.mintClientToken({ clientId: 'billing' }))],
    status: 400,
    error: 'invalid_request',
    challenge: bearerChallenge('invalid_request', SEVERAL_AUTHORIZATION_HEADERS),
    detail: SEVERAL_AUTHORIZATION_HEADERS,
    webRequest: { detail: ONE_BEARER_TOKEN, challenge: bearerChallenge('invalid_request', ONE_BEARER_TOKEN) },
  },
  {
    name: 'a Bearer header and an access_token query parameter, the query method off (RFC 6750 §2)',
    path: '/v1/me?access_token=leaked',
    authorization: async ({ up }) => bearer(await up.mintUserToken()),
    status: 400,
    error: 'invalid_request',
    challenge: bearerChallenge('invalid_request', SEVERAL_METHODS),
    detail: SEVERAL_METHODS,
  },
  { name: 'an access_token query parameter alone, the query method off', path: '/v1/me?access_token=leaked', status: 401, challenge: BARE_CHALLENGE },
  // ---- sender-constrained tokens presented as bearer tokens (RFC 9449 §7.2, RFC 8705 §3)
  invalidToken('a DPoP-bound token (cnf.jkt) sent as Bearer', async ({ up }) => bearer(await up.mintUserToken({ claims: { cnf: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' } } })), DPOP_BOUND),
  invalidToken('a certificate-bound token (cnf x5t#S256) sent as Bearer', async ({ up }) => bearer(await up.mintClientToken({ claims: { cnf: { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' } } })), 'The access token is bound to a client certificate (cnf x5t#S256), which this API does not check'),
  invalidToken('a token bound by an unknown confirmation method sent as Bearer', async ({ up }) => bearer(await up.mintUserToken({ claims: { cnf: { kid: 'k1' } } })), 'The access token is bound to a key (cnf) by a method this API does not check'),
  // ---- invalid tokens
  {
    name: 'expired token',
    path: '/v1/me',
    authorization: async ({ up }) => bearer(await up.mintUserToken({ expiresIn: -60 })),
    status: 401,
    error: 'invalid_token',
    challenge: new RegExp(`^Bearer realm="api", error="invalid_token", error_description="The token expired at ${ISO}"$`),
    detail: EXPIRED,
  },
  invalidToken('wrong audience', async ({ up }) => bearer(await up.mintUserToken({ audience: 'https://elsewhere.test' })), WRONG_AUDIENCE),
  invalidToken('wrong issuer', async ({ up }) => bearer(await up.mintUserToken({ issuer: 'https://evil.example' })), WRONG_ISSUER),
  invalidToken('bad signature (tampered payload)', async ({ up }) => bearer(tamper(await up.mintUserToken())), SIGNATURE_INVALID),
  invalidToken('unknown kid', async ({ up }) => bearer(await up.mintUserToken({ kid: 'no-such-kid' })), UNKNOWN_KID),
  invalidToken('alg none', ({ up }) => bearer(up.mintUnsignedToken({ iss: up.issuer, aud: up.audience, sub: 'mallory' })), 'The token is unsigned'),
  // ---- token types
  {
    name: 'client token on a user route',
    path: '/v1/user-only',
    authorization: async ({ up }) => bearer(await up.mintClientToken({ clientId: 'billing' })),
    status: 403,
    error: 'invalid_token_type',
    challenge: bearerChallenge('invalid_token_type', USER_REQUIRED),
    detail: USER_REQUIRED,
    body: { required_token_type: 'user', token_type: 'client' },
  },
  {
    name: 'user token on a client route',
    path: '/v1/client-only',
    authorization: async ({ up }) => bearer(await up.mintUserToken()),
    status: 403,
    error: 'invalid_token_type',
    challenge: bearerChallenge('invalid_token_type', CLIENT_REQUIRED),
    detail: CLIENT_REQUIRED,
    body: { required_token_type: 'client', token_type: 'user' },
  },
  { name: 'user token on the user route', path: '/v1/user-only', authorization: async ({ up }) => bearer(await up.mintUserToken()), status: 200, challenge: null, body: { ...USER, scopes: [] } },
  {
    name: 'client token on the client route',
    path: '/v1/client-only',
    authorization: async ({ up }) => bearer(await up.mintClientToken({ clientId: 'billing' })),
    status: 200,
    challenge: null,
    body: { ...CLIENT, scopes: [] },
  },
  {
    name: 'user token on the any-type route',
    path: '/v1/me',
    authorization: async ({ up }) => bearer(await up.mintUserToken({ scopes: ['profile'] })),
    status: 200,
    challenge: null,
    body: { ...USER, scopes: ['profile'] },
  },
  {
    name: 'client token on the any-type route',
    path: '/v1/me',
    authorization: async ({ up }) => bearer(await up.mintClientToken({ clientId: 'billing', scopes: ['jobs:run'] })),
    status: 200,
    challenge: null,
    body: { ...CLIENT, scopes: ['jobs:run'] },
  },
  // ---- scopes
  {
    name: 'missing scope',
    path: '/v1/fonts',
    authorization: async ({ up }) => bearer(await up.mintUserToken({ scopes: ['other'] })),
    status: 403,
    error: 'insufficient_scope',
    challenge: bearerChallenge('insufficient_scope', INSUFFICIENT_SCOPE, { scope: 'read:font:data' }),
    detail: INSUFFICIENT_SCOPE,
    body: { missing_scopes: ['read:font:data'], required_scopes: ['read:font:data'] },
  },
  ...(['scope', 'scp', 'permissions'] as const).map(
    (scopeClaim): Case => ({
      name: `scope granted via the "${scopeClaim}" claim`,
      path: '/v1/fonts',
      authorization: async ({ up }) => bearer(await up.mintUserToken({ scopes: ['read:font:data', 'extra'], scopeClaim })),
      status: 200,
      challenge: null,
      body: { ...USER, scopes: ['read:font:data', 'extra'] },
    }),
  ),
  {
    name: 'requireAnyScope satisfied (b)',
    path: '/v1/any-scope',
    authorization: async ({ up }) => bearer(await up.mintUserToken({ scopes: ['b'] })),
    status: 200,
    challenge: null,
    body: { ...USER, scopes: ['b'] },
  },
  {
    name: 'requireAnyScope unsatisfied (c)',
    path: '/v1/any-scope',
    authorization: async ({ up }) => bearer(await up.mintUserToken({ scopes: ['c'] })),
    status: 403,
    error: 'insufficient_scope',
    challenge: bearerChallenge('insufficient_scope', INSUFFICIENT_SCOPE, { scope: 'a b' }),
    detail: INSUFFICIENT_SCOPE,
    body: { missing_scopes: ['a', 'b'], required_scopes: ['a', 'b'] },
  },
  // ---- optional authentication
  { name: 'optional route without a token', path: '/v1/optional', status: 200, challenge: null, body: { auth: null } },
  { name: 'optional route with a valid token', path: '/v1/optional', authorization: async ({ up }) => bearer(await up.mintUserToken()), status: 200, challenge: null, body: { ...USER, scopes: [] } },
  invalidToken('optional route with a bad token', () => 'Bearer not-a-jwt', 'The token is not a JWT (expected three segments)', '/v1/optional'),
  // ---- issuer unreachable
  {
    name: 'issuer down, cold key cache',
    app: 'down',
    path: '/v1/me',
    authorization: async ({ down }) => bearer(await down.mintUserToken()),
    status: 503,
    error: 'temporarily_unavailable',
    challenge: null,
    detail: "The token issuer's signing keys cannot be fetched right now",
    retryAfter: true,
  },
];
