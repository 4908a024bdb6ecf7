// DPoP (RFC 9449): every check of §4.3 on every request, the verified-token cache included, and
// the binding of §7: a DPoP-bound token only with a proof by its key, the proof only once.
import { createVerifier, type Store, type Verifier, type VerifierOptions } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { beyondLatin1, rejection } from '@tokengate/test-support';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspectingVerifier } from '../opaque/introspect-support.js';
import { ath, HTU, makeProof, ORIGIN, proofKeys, URL_PATH, type ProofKeys } from './proofs.js';

let issuer: TestIssuer;
let keys: ProofKeys;
let token: string;
beforeAll(async () => {
  issuer = await createTestIssuer();
  keys = proofKeys('ES256');
  token = await issuer.mintUserToken({ claims: { cnf: { jkt: keys.thumbprint } } });
});
afterAll(() => issuer.close());

function dpopVerifier(dpop: VerifierOptions['dpop'] = {}, extra: Partial<VerifierOptions> = {}): Verifier {
  return createVerifier({ issuer: issuer.issuer, audience: issuer.audience, dpop, publicOrigin: ORIGIN, ...extra });
}

interface Sent {
  readonly proof?: string | readonly string[];
  readonly method?: string;
  readonly target?: string;
  readonly token?: string;
  readonly scheme?: string;
  readonly headers?: Record<string, string>;
}

function request({ proof, method = 'GET', target = URL_PATH, token: sent = token, scheme = 'DPoP', headers = {} }: Sent) {
  const proofs = proof === undefined ? [] : typeof proof === 'string' ? [proof] : proof;
  const rawHeaders = ['Authorization', `${scheme} ${sent}`, ...proofs.flatMap((value) => ['DPoP', value])];
  const header = proofs.length === 0 ? {} : { dpop: proofs.join(', ') };
  return { method, target, headers: { host: 'api.example.com', authorization: `${scheme} ${sent}`, ...header, ...headers }, rawHeaders };
}

async function refused(verifier: Verifier, sent: Sent): Promise<{ code: string; description: string; challenge: string | undefined }> {
  const error = await rejection(verifier.authenticate(request(sent)));
  expect(error.status).toBe(error.code === 'temporarily_unavailable' ? 503 : 401);
  return { code: error.code, description: error.description, challenge: error.headers['WWW-Authenticate'] };
}

const proof = (parts: Omit<Parameters<typeof makeProof>[1], 'token'> = {}, by: ProofKeys = keys, forToken = token) => makeProof(by, { token: forToken, ...parts });

describe('a valid proof', () => {
  it('admits the bound token, which shows its binding', async () => {
    const accepted = await dpopVerifier().authenticate(request({ proof: proof() }));
    expect(accepted.confirmation).toEqual({ jkt: keys.thumbprint });
    expect(accepted.subject).toBeDefined();
  });

  for (const alg of ['ES384', 'PS256', 'RS256', 'EdDSA', 'Ed25519']) {
    it(`signed with ${alg}`, async () => {
      const other = proofKeys(alg);
      const bound = await issuer.mintUserToken({ claims: { cnf: { jkt: other.thumbprint } } });
      await expect(dpopVerifier().authenticate(request({ token: bound, proof: makeProof(other, { token: bound }) }))).resolves.toMatchObject({ confirmation: { jkt: other.thumbprint } });
    });
  }

  it('is checked on every request, also when the cache answers for the token', async () => {
    const verifier = dpopVerifier();
    for (let use = 0; use < 3; use += 1) await verifier.authenticate(request({ proof: proof() }));
    expect(verifier.stats().cachedTokens).toBe(1);
    expect((await refused(verifier, { proof: proof({ claims: { htm: 'POST' } }) })).code).toBe('invalid_dpop_proof');
    expect((await refused(verifier, { proof: proof({}, proofKeys()) })).code).toBe('invalid_token');
  });

  it('the scheme is case-insensitive, and a query string is not part of htu', async () => {
    await expect(dpopVerifier().authenticate(request({ scheme: 'dpop', target: `${URL_PATH}?page=2#x`, proof: proof() }))).resolves.toBeDefined();
    await expect(dpopVerifier().authenticate(request({ proof: proof({ claims: { htu: `${HTU}?page=9#frag` } }) }))).resolves.toBeDefined();
  });

  it('htu and the request URL are compared after RFC 3986 normalisation', async () => {
    for (const htu of ['HTTPS://API.EXAMPLE.COM/v1/files', 'https://api.example.com:443/v1/files', 'https://api.example.com/v1/./x/../files', 'https://api.example.com/v1/%66iles']) {
      await expect(dpopVerifier().authenticate(request({ proof: proof({ claims: { htu } }) })), htu).resolves.toBeDefined();
    }
    await expect(dpopVerifier().authenticate(request({ target: '/v1/%7efiles/../files', proof: proof() }))).resolves.toBeDefined();
  });
});

describe('the proof is refused (401 invalid_dpop_proof)', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const cases: ReadonlyArray<readonly [string, () => Sent, RegExp]> = [
    ['without a DPoP header', () => ({}), /needs a DPoP proof header/],
    ['with two DPoP headers', () => ({ proof: [proof(), proof()] }), /exactly one DPoP proof header/],
    ['with two proofs joined in one header', () => ({ proof: `${proof()}, ${proof()}` }), /exactly one/],
    ['with an empty DPoP header', () => ({ proof: ' ' }), /The DPoP proof header is empty/],
    ['not a JWS', () => ({ proof: 'not-a-jws' }), /not a compact JWS/],
    ['too large', () => ({ proof: `${proof()}${'A'.repeat(9_000)}` }), /too large/],
    ['typ missing', () => ({ proof: proof({ header: { typ: undefined } }) }), /typ must be dpop\+jwt/],
    ['typ JWT', () => ({ proof: proof({ header: { typ: 'JWT' } }) }), /typ must be dpop\+jwt/],
    ['typ in other case', () => ({ proof: proof({ header: { typ: 'DPOP+JWT' } }) }), /typ must be dpop\+jwt/],
    ['alg none', () => ({ proof: `${proof().split('.').slice(0, 2).join('.')}.` }), /not a compact JWS/],
    ['alg none, signed anyway', () => ({ proof: proof({ header: { alg: 'none' } }) }), /algorithm is not accepted/],
    ['alg HS256 with a symmetric key', () => ({ proof: proof({ header: { alg: 'HS256', jwk: { kty: 'oct', k: 'c2VjcmV0' } } }) }), /algorithm is not accepted/],
    ['no jwk', () => ({ proof: proof({ header: { jwk: undefined } }) }), /no jwk public key/],
    ['a private key in jwk', () => ({ proof: proof({ header: { jwk: keys.privateKey.export({ format: 'jwk' }) } }) }), /private key material/],
    ['a jwk of another type', () => ({ proof: proof({ header: { jwk: { kty: 'oct', x: 'y' } } }) }), /not an RSA, EC or OKP public key/],
    ...['constructor', 'toString', '__proto__', 'hasOwnProperty'].map((kty) => [`a jwk of kty ${kty} (an Object.prototype member)`, () => ({ proof: proof({ header: { jwk: { kty, x: 'y' } } }) }), /not an RSA, EC or OKP public key/] as const),
    ['a claims segment with a character beyond latin1 standing for an ASCII one', () => ({ proof: beyondLatin1(proof(), 1) }), /signature is invalid/],
    ['a jwk that does not fit alg', () => ({ proof: proof({ header: { alg: 'ES384' } }) }), /not a usable ES384 public key/],
    ['signed by another key than its jwk', () => ({ proof: proof({ signer: proofKeys() }) }), /signature is invalid/],
    ['critical header parameters', () => ({ proof: proof({ header: { crit: ['exp'] } }) }), /critical header/],
    ['no jti', () => ({ proof: proof({ claims: { jti: undefined } }) }), /no jti claim/],
    ['a jti too long', () => ({ proof: proof({ claims: { jti: 'j'.repeat(257) } }) }), /jti is too long/],
    ['htm of another method', () => ({ proof: proof({ claims: { htm: 'POST' } }) }), /htm does not match/],
    ['htm in lower case', () => ({ proof: proof({ claims: { htm: 'get' } }) }), /htm does not match/],
    ['htu of another path', () => ({ proof: proof({ claims: { htu: `${ORIGIN}/v1/other` } }) }), /htu does not match/],
    ['htu of another host', () => ({ proof: proof({ claims: { htu: `https://evil.example.com${URL_PATH}` } }) }), /htu does not match/],
    ['htu of another scheme', () => ({ proof: proof({ claims: { htu: `http://api.example.com${URL_PATH}` } }) }), /htu does not match/],
    ['htu of another port', () => ({ proof: proof({ claims: { htu: `https://api.example.com:8443${URL_PATH}` } }) }), /htu does not match/],
    ['htu with credentials', () => ({ proof: proof({ claims: { htu: `https://user@api.example.com${URL_PATH}` } }) }), /htu does not match/],
    ['htu with a trailing slash', () => ({ proof: proof({ claims: { htu: `${HTU}/` } }) }), /htu does not match/],
    ['htu relative', () => ({ proof: proof({ claims: { htu: URL_PATH } }) }), /htu does not match/],
    ['no iat', () => ({ proof: proof({ claims: { iat: undefined } }) }), /numeric iat/],
    ['iat a string', () => ({ proof: proof({ claims: { iat: String(now()) } }) }), /numeric iat/],
    ['iat too old', () => ({ proof: proof({ claims: { iat: now() - 306 } }) }), /too old/],
    ['iat in the future', () => ({ proof: proof({ claims: { iat: now() + 60 } }) }), /in the future/],
    ['no ath', () => ({ proof: proof({ claims: { ath: undefined } }) }), /no ath claim/],
    ['ath of another token', () => ({ proof: proof({ claims: { ath: ath(`${token}x`) } }) }), /ath does not match/],
  ];
  for (const [name, sent, description] of cases) {
    it(name, async () => {
      const failure = await refused(dpopVerifier(), sent());
      expect(failure.code).toBe('invalid_dpop_proof');
      expect(failure.description).toMatch(description);
      expect(failure.challenge).toMatch(/^DPoP realm="api", error="invalid_dpop_proof", error_description="[^"]+", algs="[^"]+", Bearer realm="api"$/);
    });
  }

  it('a second DPoP header is seen in the raw header list and in a header array', async () => {
    const one = proof();
    const raw = { ...request({ proof: one }), rawHeaders: ['Authorization', `DPoP ${token}`, 'DPoP', one, 'dpop', proof()] };
    expect((await rejection(dpopVerifier().authenticate(raw))).description).toBe('The DPoP scheme needs exactly one DPoP proof header');
    const listed = request({ headers: { dpop: [one, proof()] as unknown as string } });
    expect((await rejection(dpopVerifier().authenticate(listed))).description).toBe('The DPoP scheme needs exactly one DPoP proof header');
  });

  it('a key imported before is still checked against the algorithm of each proof', async () => {
    const verifier = dpopVerifier();
    await verifier.authenticate(request({ proof: proof() }));
    const failure = await refused(verifier, { proof: proof({ header: { alg: 'ES384' } }) });
    expect(failure.description).toBe('The DPoP proof jwk is not a usable ES384 public key');
    expect((await refused(verifier, { proof: proof({ header: { jwk: { ...keys.jwk, d: 'AAAA' } } }) })).description).toMatch(/private key material/);
  });

  it('a proof within the clock tolerance (iat 3 s ahead, or 304 s old) passes', async () => {
    await expect(dpopVerifier().authenticate(request({ proof: proof({ claims: { iat: now() + 3 } }) }))).resolves.toBeDefined();
    await expect(dpopVerifier().authenticate(request({ proof: proof({ claims: { iat: now() - 303 } }) }))).resolves.toBeDefined();
  });

  it('proofMaxAge and the algorithm list are honoured', async () => {
    expect((await refused(dpopVerifier({ proofMaxAge: 10 }), { proof: proof({ claims: { iat: now() - 20 } }) })).description).toMatch(/too old/);
    const only = await refused(dpopVerifier({ algorithms: ['EdDSA'] }), { proof: proof() });
    expect(only.description).toBe('The DPoP proof algorithm is not accepted (accepted: EdDSA)');
    expect(only.challenge).toContain('algs="EdDSA"');
  });
});

describe('the binding', () => {
  it('a proof by another key than cnf.jkt is invalid_token', async () => {
    const failure = await refused(dpopVerifier(), { proof: proof({}, proofKeys()) });
    expect(failure).toMatchObject({ code: 'invalid_token', description: 'The DPoP proof key is not the key the access token is bound to' });
    expect(failure.challenge).toMatch(/^DPoP realm="api", error="invalid_token"/);
  });

  it('an unbound token with the DPoP scheme is refused', async () => {
    const unbound = await issuer.mintUserToken();
    const failure = await refused(dpopVerifier(), { token: unbound, proof: proof({}, keys, unbound) });
    expect(failure).toMatchObject({ code: 'invalid_token', description: 'The access token is not DPoP-bound; send it with the Bearer scheme' });
  });

  it('the bound token as Bearer is refused, with both challenges, the error on Bearer', async () => {
    const failure = await refused(dpopVerifier(), { scheme: 'Bearer' });
    expect(failure.description).toBe('The access token is DPoP-bound and must be sent with the DPoP scheme and a proof, not as a bearer token');
    expect(failure.challenge).toMatch(/^Bearer realm="api", error="invalid_token", error_description="[^"]+", DPoP realm="api", algs="[^"]+"$/);
  });

  it('unbound Bearer tokens keep working; with required, Bearer is refused and only DPoP is challenged', async () => {
    const unbound = await issuer.mintUserToken();
    await expect(dpopVerifier().authenticate(request({ scheme: 'Bearer', token: unbound }))).resolves.toBeDefined();
    const failure = await refused(dpopVerifier({ required: true }), { scheme: 'Bearer', token: unbound });
    expect(failure.description).toBe('This API accepts only DPoP-bound access tokens, sent with the DPoP scheme and a proof');
    expect(failure.challenge).toMatch(/^DPoP realm="api", error="invalid_token", error_description="[^"]+", algs="[^"]+"$/);
    const missing = await rejection(dpopVerifier({ required: true }).authenticate({ headers: {} }));
    expect(missing.headers['WWW-Authenticate']).toMatch(/^DPoP realm="api", algs="RS256 [^"]*Ed25519"$/);
  });

  it('without the dpop option the DPoP scheme is not ours: a bare Bearer challenge', async () => {
    const verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience });
    const failure = await rejection(verifier.authenticate(request({ proof: proof() })));
    expect(failure.code).toBe('missing_token');
    expect(failure.headers['WWW-Authenticate']).toBe('Bearer realm="api"');
  });

  it('guard failures of a DPoP request are challenged under DPoP', async () => {
    const verifier = dpopVerifier();
    const accepted = await verifier.authenticate(request({ proof: proof() }));
    const failure = verifier.fail(new (await import('@tokengate/core')).TokenGateError('insufficient_scope', 'Missing scope', { requiredScopes: ['files:write'] }), accepted);
    expect(failure.headers['WWW-Authenticate']).toMatch(/^DPoP realm="api", error="insufficient_scope", error_description="Missing scope", scope="files:write", algs="[^"]+", Bearer realm="api"$/);
  });
});

describe('replay (RFC 9449 §11.1)', () => {
  it('the same proof is accepted once', async () => {
    const verifier = dpopVerifier();
    const once = proof();
    await verifier.authenticate(request({ proof: once }));
    const failure = await refused(verifier, { proof: once });
    expect(failure).toMatchObject({ code: 'invalid_dpop_proof', description: 'The DPoP proof was already used (replay)' });
  });

  it('the same jti from another key is another proof', async () => {
    const verifier = dpopVerifier();
    const other = proofKeys();
    const otherToken = await issuer.mintUserToken({ claims: { cnf: { jkt: other.thumbprint } } });
    const jti = randomUUID();
    await verifier.authenticate(request({ proof: proof({ claims: { jti } }) }));
    await expect(verifier.authenticate(request({ token: otherToken, proof: makeProof(other, { token: otherToken, claims: { jti } }) }))).resolves.toBeDefined();
  });

  it('goes through the configured store with set-if-absent, for the rest of the window, keyed by digest', async () => {
    const calls: Array<[string, number]> = [];
    const seen = new Set<string>();
    const store: Store = {
      get: async () => undefined,
      set: async () => undefined,
      increment: async () => 1,
      delete: async () => undefined,
      setIfAbsent: async (key, _value, ttl) => {
        calls.push([key, ttl]);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      },
    };
    const verifier = dpopVerifier({ replayStore: store });
    const jti = randomUUID();
    const once = proof({ claims: { jti, iat: Math.floor(Date.now() / 1000) - 100 } });
    await verifier.authenticate(request({ proof: once }));
    expect((await refused(verifier, { proof: once })).description).toMatch(/replay/);
    const [key, ttl] = calls[0] as [string, number];
    expect(key).toMatch(/^tokengate:dpop:jti:[A-Za-z0-9_-]{43}$/);
    expect(key).not.toContain(jti);
    expect(ttl).toBeGreaterThan(200);
    expect(ttl).toBeLessThanOrEqual(205);
  });

  it('a failing store refuses with 503, never accepts', async () => {
    const broken: Store = { get: async () => undefined, set: async () => undefined, increment: async () => 1, delete: async () => undefined, setIfAbsent: async () => Promise.reject(new Error('down')) };
    const failure = await refused(dpopVerifier({ replayStore: broken }), { proof: proof() });
    expect(failure.code).toBe('temporarily_unavailable');
    const odd: Store = { ...broken, setIfAbsent: async () => 'yes' as unknown as boolean };
    expect((await refused(dpopVerifier({ replayStore: odd }), { proof: proof() })).description).toMatch(/replay/);
  });

  it('a store that does not answer refuses within its time bound (503)', async () => {
    const hanging: Store = { get: async () => undefined, set: async () => undefined, increment: async () => 1, delete: async () => undefined, setIfAbsent: () => new Promise<boolean>(() => undefined) };
    const started = Date.now();
    const failure = await refused(dpopVerifier({ replayStore: hanging }), { proof: proof() });
    expect(failure.code).toBe('temporarily_unavailable');
    expect(Date.now() - started).toBeLessThan(4_000);
  }, 10_000);
});

describe('the public URL of htu', () => {
  it('comes from publicOrigin, never from the request Host', async () => {
    const failure = await refused(dpopVerifier(), { headers: { host: 'evil.example.com' }, proof: proof({ claims: { htu: `https://evil.example.com${URL_PATH}` } }) });
    expect(failure.description).toMatch(/htu does not match/);
    await expect(dpopVerifier().authenticate(request({ headers: { host: 'evil.example.com' }, proof: proof() }))).resolves.toBeDefined();
  });

  it('comes from the origin of resource when no publicOrigin is given', async () => {
    const verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, resource: `${ORIGIN}/v1`, dpop: {} });
    await expect(verifier.authenticate(request({ proof: proof() }))).resolves.toBeDefined();
  });

  it('comes from forwarding headers only with trustProxy', async () => {
    const forwarded = { host: '10.0.0.5:8080', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.com' };
    const trusting = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, trustProxy: true, dpop: {} });
    await expect(trusting.authenticate(request({ headers: forwarded, proof: proof() }))).resolves.toBeDefined();
    const failure = await refused(trusting, { headers: { ...forwarded, 'x-forwarded-host': 'evil.example.com' }, proof: proof() });
    expect(failure.description).toMatch(/htu does not match/);
    const fixed = await refused(dpopVerifier({}, { publicOrigin: 'https://other.example.com' }), { headers: forwarded, proof: proof() });
    expect(fixed.description).toMatch(/htu does not match/);
  });

  it('a request without a target cannot be checked', async () => {
    const failure = await rejection(dpopVerifier().authenticate({ headers: { authorization: `DPoP ${token}`, dpop: proof() } }));
    expect(failure.code).toBe('invalid_request');
  });
});

describe('introspected DPoP tokens', () => {
  it('are bound by the answer: cnf.jkt (cached with the answer, the proof checked every time)', async () => {
    const verifier = introspectingVerifier(issuer, { mode: 'introspect', dpop: {}, publicOrigin: ORIGIN });
    const opaque = await issuer.mintOpaqueToken({ claims: { token_type: 'DPoP', cnf: { jkt: keys.thumbprint } } });
    const accepted = await verifier.authenticate(request({ token: opaque, proof: proof({}, keys, opaque) }));
    expect(accepted).toMatchObject({ format: 'opaque', confirmation: { jkt: keys.thumbprint } });
    await expect(verifier.authenticate(request({ token: opaque, proof: proof({}, keys, opaque) }))).resolves.toBeDefined();
    expect((await refused(verifier, { token: opaque, proof: proof({}, proofKeys(), opaque) })).code).toBe('invalid_token');
    expect((await refused(verifier, { token: opaque, scheme: 'Bearer' })).description).toMatch(/DPoP-bound/);
  });

  it('token_type DPoP without cnf.jkt binds to no key: refused under either scheme', async () => {
    const verifier = introspectingVerifier(issuer, { mode: 'introspect', dpop: {}, publicOrigin: ORIGIN });
    const opaque = await issuer.mintOpaqueToken({ claims: { token_type: 'DPoP' } });
    expect((await refused(verifier, { token: opaque, proof: proof({}, keys, opaque) })).description).toBe('The DPoP proof key is not the key the access token is bound to');
    expect((await refused(verifier, { token: opaque, scheme: 'Bearer' })).description).toMatch(/DPoP-bound/);
  });
});
