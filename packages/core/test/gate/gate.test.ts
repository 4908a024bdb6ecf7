import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { createVerifier, TokenGateError, type AccessToken, type ProblemDetails, type RequestLike, type VerifierOptions } from '@tokengate/core';
import { attachToken, compileRequirement, createGate, routeDeniedError, type Gate, type GateSettings } from '@tokengate/core/adapter';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { bearerChallenge, countingSignatureVerifier, INSUFFICIENT_SCOPE, NO_ROUTE_RULE, NOT_CONFIGURED, rejection, SIGNATURE_INVALID, USER_REQUIRED } from '@tokengate/test-support';

const REALM = 'tenant-a';
const PROBLEMS = 'https://errors.example.com/';

let issuer: TestIssuer;
/** Signature checks done by every verifier made with `options()`: one per token verification. */
const signatures = countingSignatureVerifier();
type OnError = (error: TokenGateError, problem: ProblemDetails) => void;
let onError: Mock<OnError>;

function options(extra: Partial<VerifierOptions> = {}): VerifierOptions {
  return {
    issuer: issuer.issuer,
    audience: issuer.audience,
    signatureVerifier: signatures.verify,
    // Count every verification: the verified-token cache would answer repeats without one.
    cache: false,
    realm: REALM,
    problemTypeBase: PROBLEMS,
    onError,
    ...extra,
  };
}

function gateWith(extra: Partial<GateSettings> = {}): Gate {
  return createGate({ source: options(), environment: {}, ...extra });
}

const bearer = (token: string): RequestLike => ({ headers: { authorization: `Bearer ${token}` } });
const anonymous: RequestLike = { headers: {} };
/** A fresh framework request object (the gate keys its per-request state by it). */
const newRequest = (): object => ({});

let userToken: string;
let clientToken: string;

beforeAll(async () => {
  issuer = await createTestIssuer();
  userToken = await issuer.mintUserToken({ sub: 'alice', scopes: ['read:files'] });
  clientToken = await issuer.mintClientToken({ clientId: 'billing', scopes: ['read:files'] });
});
afterAll(() => issuer.close());
beforeEach(() => {
  signatures.reset();
  onError = vi.fn<OnError>();
});

describe('authenticate', () => {
  it('verifies the request token', async () => {
    const token = await gateWith().authenticate(newRequest(), bearer(userToken));
    expect(token).toMatchObject({ subject: 'alice', type: 'user', scopes: ['read:files'], issuer: issuer.issuer, token: userToken });
    expect(signatures.calls()).toBe(1);
  });

  it('verifies at most once per request object', async () => {
    const gate = gateWith();
    const request = newRequest();
    const first = await gate.authenticate(request, bearer(userToken));
    const second = await gate.authenticate(request, bearer(userToken));
    const third = await gate.authenticate(request, bearer(userToken), true);
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(signatures.calls()).toBe(1);
  });

  it('keys the state by the request object, not by its input', async () => {
    const gate = gateWith();
    const request = newRequest();
    const first = await gate.authenticate(request, bearer(userToken));
    // Same request object, different (even missing) credentials: the verified token is reused.
    expect(await gate.authenticate(request, anonymous)).toBe(first);
    expect(await gate.authenticate(request, bearer(clientToken))).toBe(first);
    expect(signatures.calls()).toBe(1);
  });

  it('verifies again for every new request object', async () => {
    const gate = gateWith();
    const input = bearer(userToken);
    const first = await gate.authenticate(newRequest(), input);
    const second = await gate.authenticate(newRequest(), input);
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    expect(signatures.calls()).toBe(2);
  });

  it('does not remember a failed verification as a token', async () => {
    const gate = gateWith();
    const request = newRequest();
    const expired = await issuer.mintUserToken({ expiresIn: -3600 });
    expect((await rejection(gate.authenticate(request, bearer(expired)))).code).toBe('invalid_token');
    expect((await rejection(gate.authenticate(request, bearer(expired)))).code).toBe('invalid_token');
    expect(signatures.calls()).toBe(2);
  });

  it('rejects a request without credentials with a bare 401 challenge', async () => {
    const error = await rejection(gateWith().authenticate(newRequest(), anonymous));
    expect(error.code).toBe('missing_token');
    expect(error.status).toBe(401);
    expect(error.headers()).toEqual({ 'WWW-Authenticate': `Bearer realm="${REALM}"` });
    expect(signatures.calls()).toBe(0);
  });

  it('rejects a token signed with a key the issuer never published', async () => {
    const forged = await issuer.mintWithForeignKey({ iss: issuer.issuer, aud: issuer.audience, sub: 'mallory' });
    const error = await rejection(gateWith().authenticate(newRequest(), bearer(forged)));
    expect(error.code).toBe('invalid_token');
    expect(error.description).toBe(SIGNATURE_INVALID);
    expect(signatures.calls()).toBe(1);
  });

  it('rejects a token for another audience', async () => {
    const error = await rejection(gateWith().authenticate(newRequest(), bearer(await issuer.mintUserToken({ audience: 'https://elsewhere.test' }))));
    expect(error.code).toBe('invalid_token');
    expect(error.status).toBe(401);
  });
});

describe('authenticate with optional', () => {
  it('resolves undefined for a request with no credentials at all', async () => {
    await expect(gateWith().authenticate(newRequest(), anonymous, true)).resolves.toBeUndefined();
    expect(signatures.calls()).toBe(0);
  });

  it('treats another authentication scheme as no credentials', async () => {
    await expect(gateWith().authenticate(newRequest(), { headers: { authorization: 'Basic YWxpY2U6c2VjcmV0' } }, true)).resolves.toBeUndefined();
  });

  it('still verifies a token that is there', async () => {
    const token = await gateWith().authenticate(newRequest(), bearer(clientToken), true);
    expect(token).toMatchObject({ type: 'client', clientId: 'billing' });
    expect(signatures.calls()).toBe(1);
  });

  it('still rejects a bad token', async () => {
    const gate = gateWith();
    const expired = await issuer.mintUserToken({ expiresIn: -3600 });
    const error = await rejection(gate.authenticate(newRequest(), bearer(expired), true));
    expect(error.code).toBe('invalid_token');
    expect(error.status).toBe(401);
    const forged = await issuer.mintWithForeignKey({ iss: issuer.issuer, aud: issuer.audience, sub: 'mallory' });
    expect((await rejection(gate.authenticate(newRequest(), bearer(forged), true))).code).toBe('invalid_token');
    expect((await rejection(gate.authenticate(newRequest(), bearer('not-a-jwt'), true))).code).toBe('invalid_token');
  });

  it('still rejects malformed credentials', async () => {
    const error = await rejection(gateWith().authenticate(newRequest(), { headers: { authorization: 'Bearer ' } }, true));
    expect(error.code).toBe('invalid_request');
    expect(error.status).toBe(400);
  });

  it('does not make a later required authentication pass', async () => {
    const gate = gateWith();
    const request = newRequest();
    expect(await gate.authenticate(request, anonymous, true)).toBeUndefined();
    expect((await rejection(gate.authenticate(request, anonymous))).code).toBe('missing_token');
    expect((await rejection(gate.authorize(request, anonymous, compileRequirement()))).code).toBe('missing_token');
  });

  it('still fails when tokengate is not configured', async () => {
    const gate = createGate({ source: undefined, environment: {} });
    const error = await rejection(gate.authenticate(newRequest(), anonymous, true));
    expect(error.code).toBe('server_error');
    expect(error.status).toBe(500);
  });
});

describe('authorize', () => {
  it('returns the token when the requirement holds', async () => {
    const token = await gateWith().authorize(newRequest(), bearer(userToken), compileRequirement({ token: 'user', scopes: 'read:files' }));
    expect(token).toMatchObject({ subject: 'alice', type: 'user' });
  });

  it('refuses a client token on a user route with the seed text', async () => {
    const error = await rejection(gateWith().authorize(newRequest(), bearer(clientToken), compileRequirement({ token: 'user' })));
    expect(error.code).toBe('invalid_token_type');
    expect(error.status).toBe(403);
    expect(error.description).toBe(USER_REQUIRED);
  });

  it('refuses a missing scope with insufficient_scope and the required scopes', async () => {
    const error = await rejection(gateWith().authorize(newRequest(), bearer(userToken), compileRequirement({ scopes: 'read:files write:files' })));
    expect(error.code).toBe('insufficient_scope');
    expect(error.status).toBe(403);
    expect(error.requiredScopes).toEqual(['read:files', 'write:files']);
  });

  it('checks the type before the scopes', async () => {
    const error = await rejection(gateWith().authorize(newRequest(), bearer(clientToken), compileRequirement({ token: 'user', scopes: 'admin' })));
    expect(error.code).toBe('invalid_token_type');
  });

  it('reuses the token of an earlier authenticate on the same request', async () => {
    const gate = gateWith();
    const request = newRequest();
    const token = await gate.authenticate(request, bearer(userToken));
    expect(await gate.authorize(request, bearer(userToken), compileRequirement({ token: 'user' }))).toBe(token);
    expect(await gate.authorize(request, anonymous, compileRequirement({ scopes: 'read:files' }))).toBe(token);
    expect(signatures.calls()).toBe(1);
  });

  it('checks each requirement against the one token', async () => {
    const gate = gateWith();
    const request = newRequest();
    await gate.authorize(request, bearer(clientToken), compileRequirement({ token: 'client' }));
    expect((await rejection(gate.authorize(request, bearer(clientToken), compileRequirement({ token: 'user' })))).code).toBe('invalid_token_type');
    expect(signatures.calls()).toBe(1);
  });

  it('rejects a request without credentials', async () => {
    expect((await rejection(gateWith().authorize(newRequest(), anonymous, compileRequirement()))).code).toBe('missing_token');
  });

  it('does not report requirement failures by itself (fail() does)', async () => {
    await rejection(gateWith().authorize(newRequest(), bearer(clientToken), compileRequirement({ token: 'user' })));
    expect(onError).not.toHaveBeenCalled();
  });
});

describe('attachToken and the one token-reuse rule', () => {
  let attached: AccessToken;
  beforeAll(async () => {
    attached = await createVerifier({ issuer: issuer.issuer, audience: issuer.audience }).verify(clientToken);
  });
  /** A guard without a source of its own (and no configuration in the environment). */
  const sourceless = (): Gate => createGate({ source: undefined, environment: {} });

  it('a gate without a source reuses an attached token without verifying anything', async () => {
    const gate = sourceless();
    const request = newRequest();
    attachToken(request, attached);
    expect(await gate.authenticate(request, anonymous)).toBe(attached);
    expect(await gate.authenticate(request, bearer('garbage'), true)).toBe(attached);
    expect(signatures.calls()).toBe(0);
  });

  it('a gate with its own source does not reuse a token attached without its verifier: it verifies the request', async () => {
    const gate = gateWith();
    const request = newRequest();
    attachToken(request, attached);
    expect((await rejection(gate.authenticate(request, anonymous))).code).toBe('missing_token');
    const verified = await gate.authenticate(request, bearer(userToken));
    expect(verified).not.toBe(attached);
    expect(verified?.type).toBe('user');
    expect(signatures.calls()).toBe(1);
  });

  it('a gate with its own source reuses a token attached with its own verifier', async () => {
    const verifier = createVerifier(options());
    const gate = createGate({ source: verifier, environment: {} });
    const request = newRequest();
    attachToken(request, attached, verifier);
    expect(await gate.authenticate(request, anonymous)).toBe(attached);
    expect(signatures.calls()).toBe(0);
  });

  it('a gate with its own source does not reuse a verification by another verifier (another audience)', async () => {
    const request = newRequest();
    const first = await gateWith().authenticate(request, bearer(userToken));
    // A gate without a source reuses the request's token, whoever verified it.
    expect(await sourceless().authenticate(request, anonymous)).toBe(first);
    const otherAudience = gateWith({ source: options({ audience: 'https://other.example.com' }) });
    const error = await rejection(otherAudience.authenticate(request, bearer(userToken)));
    expect([error.code, first?.type]).toEqual(['invalid_token', 'user']);
  });

  it('authorize checks an attached token against the requirement', async () => {
    const gate = sourceless();
    const request = newRequest();
    attachToken(request, attached);
    expect(await gate.authorize(request, anonymous, compileRequirement({ token: 'client', scopes: 'read:files' }))).toBe(attached);
    const error = await rejection(gate.authorize(request, anonymous, compileRequirement({ token: 'user' })));
    expect(error.code).toBe('invalid_token_type');
    expect(error.description).toBe(USER_REQUIRED);
    expect(signatures.calls()).toBe(0);
  });

  it('replaces an earlier token of the request, and its verifier', async () => {
    const request = newRequest();
    const gate = gateWith();
    const verified = await gate.authenticate(request, bearer(userToken));
    attachToken(request, attached);
    expect(await sourceless().authenticate(request, bearer(userToken))).toBe(attached);
    // The gate that verified the first token no longer owns the request's token: it verifies again.
    expect(await gate.authenticate(request, bearer(userToken))).not.toBe(attached);
    expect(verified).not.toBe(attached);
    expect(signatures.calls()).toBe(2);
  });

  it("attaching the request's own token again changes nothing", async () => {
    const gate = gateWith();
    const request = newRequest();
    const verified = await gate.authenticate(request, bearer(userToken));
    attachToken(request, verified as AccessToken, createVerifier(options({ realm: 'late-realm', onError: undefined })));
    expect(await gate.authenticate(request, anonymous)).toBe(verified);
    expect(signatures.calls()).toBe(1);
  });

  it('does not touch other requests', async () => {
    attachToken(newRequest(), attached);
    await expect(gateWith().authenticate(newRequest(), anonymous, true)).resolves.toBeUndefined();
  });

  it('lets fail() present errors with the attaching verifier', async () => {
    const other = createVerifier(options({ realm: 'attached-realm', onError: undefined }));
    const request = newRequest();
    attachToken(request, attached, other);
    const gate = sourceless();
    const error = gate.fail(request, await rejection(gate.authorize(request, anonymous, compileRequirement({ token: 'user' }))));
    expect(error.headers()['WWW-Authenticate']).toContain('realm="attached-realm"');
  });
});

describe('the per-request memo', () => {
  /** A gate whose verifier caches on first use, so one verification makes later requests cached. */
  const cachingGate = (): Gate => createGate({ source: createVerifier(options({ cache: { admitAfter: 1 } })), environment: {} });

  it('keeps concurrent requests apart: each gets the token of its own input', async () => {
    const gate = cachingGate();
    const tokens = await Promise.all(Array.from({ length: 8 }, (_, index) => issuer.mintUserToken({ sub: `user-${index}` })));
    const requests = tokens.map(() => newRequest());
    // Every request twice, interleaved, while the first verifications are still under way.
    const results = await Promise.all([...tokens, ...tokens].map((token, index) => gate.authenticate(requests[index % tokens.length] as object, bearer(token))));
    results.forEach((token, index) => expect(token?.subject).toBe(`user-${index % tokens.length}`));
  });

  it('waits for a verification under way rather than starting a second one', async () => {
    const gate = gateWith();
    const request = newRequest();
    const [first, second] = await Promise.all([gate.authenticate(request, bearer(userToken)), gate.authenticate(request, anonymous)]);
    expect(second).toBe(first);
    expect(signatures.calls()).toBe(1);
  });

  it('works on frozen request objects, keeping their state aside', async () => {
    const gate = cachingGate();
    const request = Object.freeze({});
    const token = await gate.authenticate(request, bearer(userToken));
    expect(token).toBeDefined();
    expect(await gate.authenticate(request, anonymous)).toBe(token);
    expect(Object.getOwnPropertySymbols(newRequest())).toEqual([]);
  });

  it('leaves no enumerable trace on the request object', async () => {
    const gate = cachingGate();
    const request: Record<string, unknown> = { url: '/' };
    await gate.authenticate(request, bearer(userToken));
    expect(Object.keys(request)).toEqual(['url']);
    expect(JSON.stringify(request)).toBe('{"url":"/"}');
  });
});

describe('fail', () => {
  it('presents a verification failure with the verifier realm and problem base, reporting it once', async () => {
    const gate = gateWith();
    const request = newRequest();
    const expired = await issuer.mintUserToken({ expiresIn: -3600 });
    const error = await rejection(gate.authenticate(request, bearer(expired)));
    expect(onError).toHaveBeenCalledTimes(1);
    const failed = gate.fail(request, error);
    expect(failed).toBe(error);
    expect(gate.fail(request, error)).toBe(error);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith(error, error.toProblem());
    expect(failed.headers()['WWW-Authenticate']).toMatch(new RegExp(`^Bearer realm="${REALM}", error="invalid_token", error_description="`));
    expect(failed.toProblem().type).toBe(`${PROBLEMS}invalid_token`);
  });

  it('presents and reports a requirement failure exactly once', async () => {
    const gate = gateWith();
    const request = newRequest();
    const error = await rejection(gate.authorize(request, bearer(clientToken), compileRequirement({ token: 'user' })));
    expect(onError).not.toHaveBeenCalled();
    const failed = gate.fail(request, error);
    expect(failed.instance).toBe(error.instance);
    // Presented once: failing the presented error again neither copies nor reports it.
    expect(gate.fail(request, failed)).toBe(failed);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[0]).toBe(failed);
    expect(onError.mock.calls[0]?.[1]).toMatchObject({ type: `${PROBLEMS}invalid_token_type`, error: 'invalid_token_type', detail: USER_REQUIRED });
    expect(failed.headers()['WWW-Authenticate']).toBe(bearerChallenge('invalid_token_type', USER_REQUIRED, { realm: REALM }));
  });

  it('presents insufficient_scope with the realm and the scope parameter', async () => {
    const gate = gateWith();
    const request = newRequest();
    const error = gate.fail(request, await rejection(gate.authorize(request, bearer(userToken), compileRequirement({ scopes: 'write:files' }))));
    expect(error.headers()['WWW-Authenticate']).toBe(bearerChallenge('insufficient_scope', INSUFFICIENT_SCOPE, { scope: 'write:files', realm: REALM }));
  });

  it('reports each distinct error, and a presented one never again', async () => {
    const gate = gateWith();
    const request = newRequest();
    const requirement = compileRequirement({ token: 'user' });
    const first = await rejection(gate.authorize(request, bearer(clientToken), requirement));
    const second = await rejection(gate.authorize(request, bearer(clientToken), requirement));
    expect(second).not.toBe(first);
    const failed = gate.fail(request, first);
    gate.fail(request, second);
    gate.fail(request, failed);
    expect(onError).toHaveBeenCalledTimes(2);
  });

  it('turns a non-TokenGateError into a 500 server_error, never a 401 that blames the client, keeping the cause', async () => {
    const gate = gateWith();
    const request = newRequest();
    await gate.authenticate(request, bearer(userToken));
    const boom = new Error('database exploded: secret connection string');
    const error = gate.fail(request, boom);
    expect(error).toBeInstanceOf(TokenGateError);
    expect(error.code).toBe('server_error');
    expect(error.status).toBe(500);
    expect(error.description).toBe('The request could not be authorized because of a server error');
    expect(error.cause).toBe(boom);
    expect(JSON.stringify(error.toProblem())).not.toContain('secret');
    expect(error.toProblem().type).toBe(`${PROBLEMS}server_error`);
    expect(error.headers()).toEqual({});
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('turns thrown non-errors into server_error too', () => {
    const gate = gateWith();
    for (const thrown of ['a string', 42, undefined, null, { code: 'insufficient_scope' }]) {
      const error = gate.fail(newRequest(), thrown);
      expect(error.code).toBe('server_error');
      expect(error.cause).toBe(thrown);
    }
  });

  it('presents a non-TokenGateError with the problem base before any verification', () => {
    const error = gateWith().fail(newRequest(), new TypeError('bad input'));
    expect(error.code).toBe('server_error');
    expect(error.toProblem().type).toBe(`${PROBLEMS}server_error`);
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('presents and reports a TokenGateError raised before any verification (e.g. a route-policy denial)', () => {
    const gate = gateWith();
    const request = newRequest();
    const denied = routeDeniedError();
    const error = gate.fail(request, denied);
    expect(error.instance).toBe(denied.instance);
    expect(error.code).toBe('access_denied');
    expect(error.status).toBe(403);
    expect(error.headers()['WWW-Authenticate']).toBe(bearerChallenge('access_denied', NO_ROUTE_RULE, { realm: REALM }));
    expect(error.toProblem().type).toBe(`${PROBLEMS}access_denied`);
    gate.fail(request, error);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith(error, error.toProblem());
  });

  it('presents and reports a requirement failure on an attached token with no verifier', async () => {
    const gate = gateWith();
    const request = newRequest();
    attachToken(request, await createVerifier({ issuer: issuer.issuer, audience: issuer.audience }).verify(clientToken));
    const error = gate.fail(request, await rejection(gate.authorize(request, anonymous, compileRequirement({ token: 'user' }))));
    expect(error.headers()['WWW-Authenticate']).toContain(`realm="${REALM}"`);
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('keeps the response when onError throws', async () => {
    const gate = gateWith({ source: options({ onError: () => { throw new Error('logger down'); } }) });
    const request = newRequest();
    const error = await rejection(gate.authenticate(request, bearer('not-a-jwt')));
    expect(gate.fail(request, error)).toBe(error);
    expect(error.code).toBe('invalid_token');
  });
});

describe('configuration', () => {
  it('uses a Verifier given as the source, with its realm', async () => {
    const verifier = createVerifier(options({ realm: 'shared' }));
    const gate = createGate({ source: verifier, environment: { TOKENGATE_ISSUER: 'http://example.com', TOKENGATE_AUDIENCE: 'x' } });
    const request = newRequest();
    expect(await gate.authenticate(request, bearer(userToken))).toMatchObject({ subject: 'alice' });
    const error = gate.fail(request, await rejection(gate.authorize(request, anonymous, compileRequirement({ token: 'client' }))));
    expect(error.headers()['WWW-Authenticate']).toContain('realm="shared"');
    expect(signatures.calls()).toBe(1);
  });

  it('makes its verifier from the environment when there is no source', async () => {
    const gate = createGate({ source: undefined, environment: { TOKENGATE_ISSUER: issuer.issuer, TOKENGATE_AUDIENCE: issuer.audience } });
    const request = newRequest();
    expect(await gate.authenticate(request, bearer(userToken))).toMatchObject({ subject: 'alice', type: 'user' });
    // The default realm, since the environment sets none.
    expect(gate.fail(request, new TokenGateError('invalid_token', 'x')).headers()['WWW-Authenticate']).toContain('realm="api"');
  });

  it('shares one verifier (one key cache) across requests', async () => {
    issuer.resetCounts();
    const gate = gateWith();
    for (let i = 0; i < 4; i += 1) await gate.authenticate(newRequest(), bearer(userToken));
    expect(signatures.calls()).toBe(4);
    expect(issuer.fetchCounts.jwks).toBe(1);
  });

  describe('when not configured', () => {
    it('rejects every request with 500 server_error and reports it once', async () => {
      const onNotConfigured = vi.fn();
      const gate = createGate({ source: undefined, environment: {}, onNotConfigured });
      for (let i = 0; i < 3; i += 1) {
        const error = await rejection(gate.authenticate(newRequest(), bearer(userToken)));
        expect(error.code).toBe('server_error');
        expect(error.status).toBe(500);
        expect(error.description).toBe(NOT_CONFIGURED);
      }
      await rejection(gate.authorize(newRequest(), bearer(userToken), compileRequirement()));
      expect(onNotConfigured).toHaveBeenCalledTimes(1);
    });

    it('fail() hands back the server_error, and turns anything else into it', async () => {
      const onNotConfigured = vi.fn();
      const gate = createGate({ source: undefined, environment: {}, onNotConfigured });
      const request = newRequest();
      const error = await rejection(gate.authenticate(request, anonymous));
      expect(gate.fail(request, error)).toBe(error);
      const other = gate.fail(newRequest(), new Error('boom'));
      expect(other.code).toBe('server_error');
      expect(other.status).toBe(500);
      expect(onNotConfigured).toHaveBeenCalledTimes(1);
    });

    it('reports a configuration that is invalid as a server_error naming the problem', async () => {
      const onNotConfigured = vi.fn();
      const gate = createGate({ source: undefined, environment: { TOKENGATE_ISSUER: 'http://example.com', TOKENGATE_AUDIENCE: 'api' }, onNotConfigured });
      const error = await rejection(gate.authenticate(newRequest(), bearer(userToken)));
      expect(error.code).toBe('server_error');
      expect(error.status).toBe(500);
      expect(error.description).toMatch(/^tokengate configuration is invalid: "issuer" option must use https:/);
      expect(onNotConfigured).not.toHaveBeenCalled();
    });
  });
});
