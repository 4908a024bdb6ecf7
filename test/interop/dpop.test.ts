/**
 * DPoP (RFC 9449) with a real authorization server: oidc-provider binds client_credentials
 * tokens to the client's proof key (after a server-nonce round trip at its token endpoint), as a
 * JWT (`cnf.jkt`) for one resource and as an opaque token (`cnf.jkt`, `token_type: DPoP` in the
 * introspection answer) for the other. The Express, Koa and Fastify APIs then check every proof
 * of RFC 9449 §4.3 (made with the `dpop` client library, or by hand for the broken ones), refuse
 * replays, and challenge with both schemes; with nonces on, a client gets one and retries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calculateThumbprint, generateKeyPair, generateProof, type KeyPair } from 'dpop';
import { exportJWK } from 'jose';
import { createVerifier, type DpopOptions, type Verifier } from '@tokengate/core';
import { API_AUDIENCE, OPAQUE_AUDIENCE, startProvider, type ProviderHarness } from './provider.js';
import { clientCredentials, decodeJwt, introspect } from './flows.js';
import { ADAPTERS } from './apis.js';
import {
  ADMIN,
  ADMIN_SCOPE,
  dpopClientCredentials,
  dpopHeaders,
  FILES,
  hmacProof,
  proofClaims,
  publicJwk,
  send,
  signedProof,
  startDpopApi,
  unsecuredProof,
  type DpopApi,
  type DpopTokenResult,
  type Reply,
} from './dpop-support.js';

const SCOPE = 'read:font:data';
const NONCE_SECRET = 'tokengate interop dpop nonce secret, 32+ bytes long';
const PROBLEM_MEDIA_TYPE = 'application/problem+json';
const KEY_MISMATCH = 'The DPoP proof key is not the key the access token is bound to';
const BOUND_AS_BEARER = 'The access token is DPoP-bound and must be sent with the DPoP scheme and a proof, not as a bearer token';

type Format = 'jwt' | 'opaque';

/** The tokens of one format: bound to the ES256 key, bound to the Ed25519 key, and not bound. */
interface Tokens {
  readonly bound: string;
  readonly boundEd25519: string;
  readonly unbound: string;
}

let provider: ProviderHarness;
/** The client's proof key (ES256; extractable, so one test can leak its private part). */
let key: KeyPair;
let edKey: KeyPair;
/** A key no token is bound to. */
let otherKey: KeyPair;
const thumbprints = { es256: '', ed25519: '' };
const issued: Partial<Record<Format, Tokens & { readonly results: readonly DpopTokenResult[] }>> = {};
const closers: (() => Promise<void>)[] = [];
/** Every problem `instance` seen: each 401 must have its own. */
const instances = new Set<string>();

function tokensOf(format: Format): Tokens {
  const tokens = issued[format];
  if (!tokens) throw new Error(`no ${format} tokens issued`);
  return tokens;
}

async function issue(resource: string): Promise<Tokens & { readonly results: readonly DpopTokenResult[] }> {
  const es256 = await dpopClientCredentials(provider, key, SCOPE, resource);
  const ed25519 = await dpopClientCredentials(provider, edKey, SCOPE, resource);
  const unbound = await clientCredentials(provider, SCOPE, resource);
  return { bound: es256.tokens.access_token, boundEd25519: ed25519.tokens.access_token, unbound: unbound.access_token, results: [es256, ed25519] };
}

beforeAll(async () => {
  provider = await startProvider({ dpop: { requireNonce: true } });
  closers.push(() => provider.close());
  [key, edKey, otherKey] = await Promise.all([generateKeyPair('ES256', { extractable: true }), generateKeyPair('Ed25519'), generateKeyPair('ES256')]);
  thumbprints.es256 = await calculateThumbprint(key.publicKey);
  thumbprints.ed25519 = await calculateThumbprint(edKey.publicKey);
  issued.jwt = await issue(API_AUDIENCE);
  issued.opaque = await issue(OPAQUE_AUDIENCE);
});

afterAll(async () => {
  // Reverse order: the APIs, then the provider they introspect at.
  for (const close of closers.reverse()) await close();
});

/** A verifier for the `format` API at `origin`, with `dpop` options. */
function verifierFor(format: Format, origin: string, dpop: DpopOptions = {}): Verifier {
  const { id, secret } = provider.clients.resourceServer;
  return format === 'jwt'
    ? createVerifier({ issuer: provider.issuer, audience: API_AUDIENCE, publicOrigin: origin, dpop })
    : createVerifier({ issuer: provider.issuer, audience: OPAQUE_AUDIENCE, publicOrigin: origin, dpop, introspection: { clientId: id, clientSecret: secret } });
}

/** Seconds since the epoch, now. */
const now = (): number => Math.floor(Date.now() / 1000);

// ---------------------------------------------------------------------------------------------
// What a response must be.

/** A token the handler saw: its format, the client, and the key it is bound to (if any). */
interface Accepted {
  readonly status: 200;
  readonly bound: 'es256' | 'ed25519' | 'none';
}

/** A 401: the scheme whose challenge comes first and carries the error, the error, and why. */
interface Refused {
  readonly status: 401;
  readonly scheme: 'DPoP' | 'Bearer';
  readonly error: 'invalid_dpop_proof' | 'invalid_token' | 'use_dpop_nonce';
  readonly description: RegExp;
}

const QUOTED = '"(?:[^"\\\\]|\\\\.)*"';

/**
 * The `WWW-Authenticate` of a refusal: the scheme used first, with the error; the other scheme
 * after it when `both`. The DPoP challenge lists the accepted proof algorithms (`algs`).
 */
function challengePattern(refused: Refused, both: boolean): RegExp {
  const error = `error="${refused.error}", error_description=${QUOTED}`;
  const dpop = (withError: boolean) => `DPoP realm="api"${withError ? `, ${error}` : ''}, algs="[^"]+"`;
  if (refused.scheme === 'Bearer') return new RegExp(`^Bearer realm="api", ${error}, ${dpop(false)}$`);
  return new RegExp(`^${dpop(true)}${both ? ', Bearer realm="api"' : ''}$`);
}

function expectAccepted(reply: Reply, format: Format, accepted: Accepted): void {
  expect(reply, JSON.stringify(reply.body)).toMatchObject({ status: 200, challenge: undefined });
  const confirmation = accepted.bound === 'none' ? undefined : { jkt: thumbprints[accepted.bound] };
  // oidc-provider's introspection answer for a client_credentials token has no sub.
  const subject = format === 'jwt' ? { subject: 'm2m' } : {};
  expect(reply.body).toEqual({ format, ...subject, clientId: 'm2m', ...(confirmation ? { confirmation } : {}) });
}

/** A 401 as `refused` says; `both` when the API accepts both schemes; `nonce` when it issues nonces. */
function expectRefused(reply: Reply, refused: Refused, { both = true, nonce = false }: { both?: boolean; nonce?: boolean } = {}): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(401);
  expect(reply.contentType?.split(';')[0]).toBe(PROBLEM_MEDIA_TYPE);
  expect(reply.body).toMatchObject({ status: 401, error: refused.error, error_description: expect.stringMatching(refused.description) });
  expect(reply.body.detail).toBe(reply.body.error_description);
  expect(reply.challenge).toMatch(challengePattern(refused, both));
  const algs = /algs="([^"]+)"/.exec(reply.challenge ?? '')?.[1]?.split(' ') ?? [];
  expect(algs).toEqual(expect.arrayContaining(['ES256', 'PS256', 'RS256', 'EdDSA', 'Ed25519']));
  expect(algs.filter((alg) => alg.startsWith('HS') || alg === 'none')).toEqual([]);
  if (nonce) expect(reply.nonce).toMatch(/^\S+$/);
  else expect(reply.nonce).toBeUndefined();
  const instance = String(reply.body.instance);
  expect(instances.has(instance), `instance ${instance} seen twice`).toBe(false);
  instances.add(instance);
}

// ---------------------------------------------------------------------------------------------
// The cases, run for each adapter and each token format.

/** The API under test and the tokens of its format. */
interface Target {
  readonly api: DpopApi;
  readonly tokens: Tokens;
}

interface Case {
  readonly name: string;
  readonly send: (target: Target) => Promise<Reply>;
  readonly expected: Accepted | Refused;
}

const urlOf = (target: Target, path = FILES): string => `${target.api.url}${path}`;

/** A proof made with the `dpop` library: by `key`, for `GET /v1/files` and the bound token, unless told otherwise. */
function proof(target: Target, options: { key?: KeyPair; htu?: string; htm?: string; token?: string | null } = {}): Promise<string> {
  const token = options.token === null ? undefined : (options.token ?? target.tokens.bound);
  return generateProof(options.key ?? key, options.htu ?? urlOf(target), options.htm ?? 'GET', undefined, token);
}

/** `GET path` with `Authorization: DPoP <token>` and one `DPoP: <proof>`. */
async function withProof(target: Target, made: Promise<string>, { path = FILES, token = target.tokens.bound }: { path?: string; token?: string } = {}): Promise<Reply> {
  return send(target.api.url, path, dpopHeaders(token, await made));
}

/** A hand-made proof's parts: the bound key's public JWK header, claims for `GET /v1/files` and the bound token. */
async function parts(target: Target): Promise<{ header: Record<string, unknown>; claims: ReturnType<typeof proofClaims> }> {
  return { header: { typ: 'dpop+jwt', jwk: await publicJwk(key) }, claims: proofClaims('GET', urlOf(target), target.tokens.bound) };
}

const badProof = (description: RegExp): Refused => ({ status: 401, scheme: 'DPoP', error: 'invalid_dpop_proof', description });
const badToken = (scheme: 'DPoP' | 'Bearer', description: RegExp): Refused => ({ status: 401, scheme, error: 'invalid_token', description });
const exactly = (text: string): RegExp => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

const CASES: readonly Case[] = [
  {
    name: 'accepts a fresh proof by the bound key; the handler sees cnf.jkt',
    send: (target) => withProof(target, proof(target)),
    expected: { status: 200, bound: 'es256' },
  },
  {
    name: 'accepts an Ed25519 proof key',
    send: (target) => withProof(target, proof(target, { key: edKey, token: target.tokens.boundEd25519 }), { token: target.tokens.boundEd25519 }),
    expected: { status: 200, bound: 'ed25519' },
  },
  {
    name: 'ignores the query of the request: a proof htu without it passes for /v1/files?x=1',
    send: (target) => withProof(target, proof(target), { path: `${FILES}?x=1` }),
    expected: { status: 200, bound: 'es256' },
  },
  {
    name: 'ignores the query and fragment in the proof htu',
    send: (target) => withProof(target, proof(target, { htu: `${urlOf(target)}?y=2#part` })),
    expected: { status: 200, bound: 'es256' },
  },
  {
    name: 'reads the scheme name case-insensitively (dpop)',
    send: async (target) => send(target.api.url, FILES, [['Authorization', `dpop ${target.tokens.bound}`], ['DPoP', await proof(target)]]),
    expected: { status: 200, bound: 'es256' },
  },
  {
    name: 'compares htu after RFC 3986 normalisation (scheme and host case, %-encoded unreserved characters)',
    send: (target) => withProof(target, proof(target, { htu: urlOf(target, '/v1/%66iles').replace('http://', 'HTTP://') })),
    expected: { status: 200, bound: 'es256' },
  },
  {
    name: 'refuses a replayed proof (the same request again)',
    send: async (target) => {
      const made = await proof(target);
      const first = await withProof(target, Promise.resolve(made));
      expect(first.status).toBe(200);
      return withProof(target, Promise.resolve(made));
    },
    expected: badProof(/already used|replay/i),
  },
  {
    name: 'refuses a proof for another method (htm POST on a GET)',
    send: (target) => withProof(target, proof(target, { htm: 'POST' })),
    expected: badProof(/\bhtm\b/),
  },
  {
    name: 'refuses a proof for another path',
    send: (target) => withProof(target, proof(target, { htu: urlOf(target, '/v1/files/other') })),
    expected: badProof(/\bhtu\b/),
  },
  {
    name: 'refuses a proof for another host',
    send: (target) => withProof(target, proof(target, { htu: urlOf(target).replace('127.0.0.1', 'localhost') })),
    expected: badProof(/\bhtu\b/),
  },
  {
    name: 'refuses a proof for another scheme',
    send: (target) => withProof(target, proof(target, { htu: urlOf(target).replace('http://', 'https://') })),
    expected: badProof(/\bhtu\b/),
  },
  {
    name: 'refuses a stale proof (iat older than proofMaxAge and the clock tolerance)',
    send: async (target) => withProof(target, signedProof(key, proofClaims('GET', urlOf(target), target.tokens.bound, { iat: now() - 306 }))),
    expected: badProof(/too old/),
  },
  {
    name: 'refuses a proof from the future (iat beyond the clock tolerance)',
    send: async (target) => withProof(target, signedProof(key, proofClaims('GET', urlOf(target), target.tokens.bound, { iat: now() + 60 }))),
    expected: badProof(/future/),
  },
  {
    name: 'refuses a proof whose ath is the hash of another token',
    send: (target) => withProof(target, proof(target, { token: target.tokens.unbound })),
    expected: badProof(/\bath\b/),
  },
  {
    name: 'refuses a proof without ath',
    send: (target) => withProof(target, proof(target, { token: null })),
    expected: badProof(/\bath\b/),
  },
  {
    name: 'refuses a valid proof by a key the token is not bound to (invalid_token)',
    send: (target) => withProof(target, proof(target, { key: otherKey })),
    expected: badToken('DPoP', exactly(KEY_MISMATCH)),
  },
  {
    name: 'refuses a proof whose header jwk carries the private key',
    send: async (target) => withProof(target, signedProof(key, (await parts(target)).claims, { jwk: await exportJWK(key.privateKey) })),
    expected: badProof(/private/),
  },
  {
    name: 'refuses an unsecured proof (alg none, empty signature)',
    send: async (target) => {
      const { header, claims } = await parts(target);
      return withProof(target, Promise.resolve(unsecuredProof(header, claims)));
    },
    expected: badProof(/not a compact JWS|algorithm/),
  },
  {
    name: 'refuses alg none with a signature part',
    send: async (target) => {
      const { header, claims } = await parts(target);
      return withProof(target, Promise.resolve(unsecuredProof(header, claims, Buffer.from('signature').toString('base64url'))));
    },
    expected: badProof(/algorithm/),
  },
  {
    name: 'refuses a proof signed with a shared secret (HS256)',
    send: async (target) => {
      const { header, claims } = await parts(target);
      return withProof(target, Promise.resolve(hmacProof(NONCE_SECRET, header, claims)));
    },
    expected: badProof(/algorithm/),
  },
  {
    name: 'refuses a proof whose typ is not dpop+jwt',
    send: async (target) => withProof(target, signedProof(key, (await parts(target)).claims, { typ: 'JWT' })),
    expected: badProof(/\btyp\b/),
  },
  {
    name: 'refuses a proof signed by another key than its header jwk',
    send: async (target) => withProof(target, signedProof(otherKey, (await parts(target)).claims, { jwk: await publicJwk(key) })),
    expected: badProof(/signature/),
  },
  {
    name: 'refuses the DPoP scheme without a DPoP header',
    send: (target) => send(target.api.url, FILES, dpopHeaders(target.tokens.bound)),
    expected: badProof(/DPoP proof header/),
  },
  {
    name: 'refuses two DPoP headers, each a valid proof',
    send: async (target) => send(target.api.url, FILES, dpopHeaders(target.tokens.bound, await proof(target), await proof(target))),
    expected: badProof(/exactly one/),
  },
  {
    name: 'refuses the bound token sent as a bearer token; the challenge offers both schemes',
    send: (target) => send(target.api.url, FILES, [['Authorization', `Bearer ${target.tokens.bound}`]]),
    expected: badToken('Bearer', exactly(BOUND_AS_BEARER)),
  },
  {
    name: 'refuses an unbound token sent with the DPoP scheme and a valid proof',
    send: (target) => withProof(target, proof(target, { token: target.tokens.unbound }), { token: target.tokens.unbound }),
    expected: badToken('DPoP', /not DPoP-bound/),
  },
  {
    name: 'accepts an unbound token as a bearer token (both schemes accepted)',
    send: (target) => send(target.api.url, FILES, [['Authorization', `Bearer ${target.tokens.unbound}`]]),
    expected: { status: 200, bound: 'none' },
  },
];

describe('oidc-provider issues DPoP-bound tokens', () => {
  it('asks for a DPoP nonce at the token endpoint, then issues token_type DPoP', () => {
    for (const format of ['jwt', 'opaque'] as const) {
      for (const { tokens, attempts } of issued[format]?.results ?? []) {
        expect(attempts).toBe(2);
        expect(tokens.token_type).toBe('DPoP');
      }
    }
    expect(issued.jwt?.results).toHaveLength(2);
    expect(issued.opaque?.results).toHaveLength(2);
  });

  it('binds the JWT to the proof key: cnf.jkt is its RFC 7638 thumbprint', () => {
    const { header, payload } = decodeJwt(tokensOf('jwt').bound);
    expect(header).toMatchObject({ typ: 'at+jwt', alg: 'RS256' });
    expect(payload).toMatchObject({ aud: API_AUDIENCE, client_id: 'm2m', cnf: { jkt: thumbprints.es256 } });
    expect(decodeJwt(tokensOf('jwt').boundEd25519).payload.cnf).toEqual({ jkt: thumbprints.ed25519 });
    expect(decodeJwt(tokensOf('jwt').unbound).payload).not.toHaveProperty('cnf');
  });

  it('answers cnf.jkt and token_type DPoP when the opaque token is introspected', async () => {
    expect(tokensOf('opaque').bound.split('.')).toHaveLength(1);
    const answer = await introspect(provider, tokensOf('opaque').bound);
    expect(answer).toMatchObject({ status: 200, body: { active: true, aud: OPAQUE_AUDIENCE, token_type: 'DPoP', cnf: { jkt: thumbprints.es256 } } });
  });

  it('a verifier without DPoP refuses a DPoP-bound token presented as a bearer token', async () => {
    const plain = createVerifier({ issuer: provider.issuer, audience: API_AUDIENCE });
    await expect(plain.verify(tokensOf('jwt').bound)).rejects.toMatchObject({ status: 401, code: 'invalid_token', description: BOUND_AS_BEARER });
    await expect(plain.verify(tokensOf('jwt').unbound)).resolves.toMatchObject({ clientId: 'm2m' });
  });
});

describe.each(ADAPTERS)('%s', (adapter) => {
  const apis: Partial<Record<Format | 'nonce' | 'required', DpopApi>> = {};
  const apiOf = (name: keyof typeof apis): DpopApi => {
    const api = apis[name];
    if (!api) throw new Error(`the ${name} API did not start`);
    return api;
  };

  beforeAll(async () => {
    const start = async (name: keyof typeof apis, make: (origin: string) => Verifier): Promise<void> => {
      const api = await startDpopApi(adapter, make);
      closers.push(() => api.close());
      apis[name] = api;
    };
    await start('jwt', (origin) => verifierFor('jwt', origin));
    await start('opaque', (origin) => verifierFor('opaque', origin));
    await start('nonce', (origin) => verifierFor('jwt', origin, { nonce: { secret: NONCE_SECRET } }));
    await start('required', (origin) => verifierFor('jwt', origin, { required: true }));
  });

  describe.each(['jwt', 'opaque'] as const)('%s DPoP tokens', (format) => {
    it.each(CASES)('$name', async ({ send: run, expected }) => {
      const reply = await run({ api: apiOf(format), tokens: tokensOf(format) });
      if (expected.status === 200) expectAccepted(reply, format, expected);
      else expectRefused(reply, expected);
    });

    it('answers a missing scope with 403 insufficient_scope, challenged under the DPoP scheme', async () => {
      const target: Target = { api: apiOf(format), tokens: tokensOf(format) };
      const reply = await withProof(target, proof(target, { htu: urlOf(target, ADMIN) }), { path: ADMIN });
      expect(reply).toMatchObject({ status: 403, body: { error: 'insufficient_scope', missing_scopes: [ADMIN_SCOPE] } });
      expect(reply.challenge).toMatch(new RegExp(`^DPoP realm="api", error="insufficient_scope", error_description=${QUOTED}, scope="${ADMIN_SCOPE}", algs="[^"]+", Bearer realm="api"$`));
    });
  });

  describe('with server nonces', () => {
    const target = (): Target => ({ api: apiOf('nonce'), tokens: tokensOf('jwt') });
    const needsNonce: Refused = { status: 401, scheme: 'DPoP', error: 'use_dpop_nonce', description: /nonce/ };

    it('answers a proof without a nonce with 401 use_dpop_nonce and a DPoP-Nonce; the retry with it passes', async () => {
      const first = await withProof(target(), proof(target()));
      expectRefused(first, needsNonce, { nonce: true });
      const nonce = first.nonce ?? '';
      const retry = await withProof(target(), generateProof(key, urlOf(target()), 'GET', nonce, target().tokens.bound));
      expectAccepted(retry, 'jwt', { status: 200, bound: 'es256' });
    });

    it('answers a nonce it did not issue with use_dpop_nonce', async () => {
      const reply = await withProof(target(), generateProof(key, urlOf(target()), 'GET', 'made-up', target().tokens.bound));
      expectRefused(reply, needsNonce, { nonce: true });
    });

    it('refuses a bad proof that carries a good nonce for the proof, with a DPoP-Nonce', async () => {
      const { nonce } = await withProof(target(), proof(target()));
      const reply = await withProof(target(), generateProof(key, urlOf(target()), 'POST', nonce, target().tokens.bound));
      expectRefused(reply, badProof(/\bhtm\b/), { nonce: true });
    });

    it('sends a DPoP-Nonce with every 401, a bound token sent as a bearer token included', async () => {
      const reply = await send(target().api.url, FILES, [['Authorization', `Bearer ${target().tokens.bound}`]]);
      expectRefused(reply, badToken('Bearer', exactly(BOUND_AS_BEARER)), { nonce: true });
    });

    it('answers a request without credentials with both challenges, no error, and a DPoP-Nonce', async () => {
      const reply = await send(target().api.url, FILES, []);
      expect(reply).toMatchObject({ status: 401, nonce: expect.stringMatching(/^\S+$/), body: { status: 401 } });
      expect(reply.challenge).toMatch(/^Bearer realm="api", DPoP realm="api", algs="[^"]+"$/);
    });
  });

  describe('with DPoP required', () => {
    const target = (): Target => ({ api: apiOf('required'), tokens: tokensOf('jwt') });

    it('accepts a DPoP-bound token with its proof', async () => {
      expectAccepted(await withProof(target(), proof(target())), 'jwt', { status: 200, bound: 'es256' });
    });

    it('refuses a bearer token with a challenge for the DPoP scheme only', async () => {
      const reply = await send(target().api.url, FILES, [['Authorization', `Bearer ${target().tokens.unbound}`]]);
      expectRefused(reply, badToken('DPoP', /only DPoP-bound/), { both: false });
      expect(reply.challenge).not.toContain('Bearer');
    });
  });
});

describe('afterwards', () => {
  it('gave every 401 its own problem instance, and the provider reported no server errors', () => {
    expect(instances.size).toBeGreaterThan(ADAPTERS.length * 2 * 10);
    expect(provider.serverErrors).toEqual([]);
  });
});
