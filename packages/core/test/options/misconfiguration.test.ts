// Misconfigurations explain themselves to the server (onError, verifier.ready()), never to the
// client: a wrong issuer or audience names the expected and actual values in the error's cause,
// a bad jwksUri names its URL and answer, and ready() fails at boot with a precise message.
import { ClaimMismatchError, createVerifier, type TokenGateError, type VerifierOptions } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { rejection, WRONG_ISSUER } from '@tokengate/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterEach(() => issuer.faults.reset());
afterAll(() => issuer.close());

/** A verifier whose onError reports are collected. */
function recording(extra: Partial<VerifierOptions> = {}) {
  const reports: TokenGateError[] = [];
  const verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, onError: (error) => reports.push(error), ...extra });
  return { verifier, reports };
}

describe('a token for another issuer or audience', () => {
  it('onError gets the expected and actual iss, with a hint for a trailing slash; the client gets nothing new', async () => {
    const { verifier, reports } = recording({ issuer: `${issuer.issuer}/`, jwksUri: issuer.jwksUri });
    const error = await rejection(verifier.verify(await issuer.mintUserToken()));
    expect(error.description).toBe(WRONG_ISSUER);
    const cause = reports[0]?.cause;
    expect(cause).toBeInstanceOf(ClaimMismatchError);
    expect(cause).toMatchObject({ claim: 'iss', expected: [`${issuer.issuer}/`], actual: issuer.issuer });
    expect((cause as Error).message).toMatch(/differ only by a trailing slash/);
    expect(JSON.stringify(error.toProblem())).not.toContain(issuer.issuer);
    expect(error.headers()['WWW-Authenticate']).not.toContain(issuer.issuer);
  });

  it('onError gets the expected and actual aud', async () => {
    const { verifier, reports } = recording({ audience: 'https://api.example.com/v2' });
    await rejection(verifier.verify(await issuer.mintUserToken({ audience: ['https://api.example.com', 'account'] })));
    expect(reports[0]?.cause).toMatchObject({ claim: 'aud', expected: ['https://api.example.com/v2'], actual: ['https://api.example.com', 'account'] });
    expect((reports[0]?.cause as Error).message).toBe(
      'The token\'s "aud" is ["https://api.example.com","account"]; this API is configured for "https://api.example.com/v2"',
    );
  });
});

describe('a jwksUri that answers something other than a key set', () => {
  it.each([
    ['404 (a wrong path)', () => `${issuer.issuer}/no-such-jwks`, () => undefined, /answered HTTP 404: check jwksUri/],
    ['401', () => issuer.jwksUri, () => (issuer.faults.status = 401), /answered HTTP 401/],
  ])('%s: 503 for the client, the URL and status for onError', async (_name, uri, fault, message) => {
    fault();
    const { verifier, reports } = recording({ jwksUri: uri() });
    const error = await rejection(verifier.verify(await issuer.mintUserToken()));
    expect(error.status).toBe(503);
    expect(String((reports[0]?.cause as Error).message)).toMatch(message);
    expect(String((reports[0]?.cause as Error).message)).toContain(uri());
    expect(JSON.stringify(error.toProblem())).not.toContain(uri());
  });
});

describe('verifier.ready()', () => {
  it('resolves when discovery and keys are usable', async () => {
    await expect(recording().verifier.ready()).resolves.toBeUndefined();
  });

  it('rejects at boot with a precise message: wrong jwksUri, empty key set, issuer down', async () => {
    await expect(recording({ jwksUri: `${issuer.issuer}/no-such-jwks` }).verifier.ready()).rejects.toThrow(
      new RegExp(`^tokengate cannot verify tokens of ${issuer.issuer}: The JWKS endpoint .*/no-such-jwks answered HTTP 404`),
    );
    issuer.faults.jwksBody = '{"keys":[]}';
    await expect(recording().verifier.ready()).rejects.toThrow(/empty key set/);
    issuer.faults.reset();
    issuer.faults.down = true;
    await expect(recording({ jwks: { timeoutMs: 500 } }).verifier.ready()).rejects.toThrow(/^tokengate cannot verify tokens of /);
  });

  it('checks a discovered introspection endpoint too, and needs no keys for HMAC-only verifiers', async () => {
    const opaque = recording({ introspection: { ...issuer.introspectionClient } });
    await expect(opaque.verifier.ready()).resolves.toBeUndefined();
    const hmac = createVerifier({ issuer: 'https://nowhere.example.com/', audience: 'a', secret: 'x'.repeat(32), algorithms: ['HS256'] });
    await expect(hmac.ready()).resolves.toBeUndefined();
  });
});
