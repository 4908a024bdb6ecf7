import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { createVerifier, type TokenGateError, type Verifier } from '@tokengate/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beyondLatin1, nowSeconds, rejection } from '@tokengate/test-support';

// Malformed and oversized tokens: each must end as a clean TokenGateError (never a crash,
// never a 500) with a description that does not echo the token.
let issuer: TestIssuer;
let verifier: Verifier;
let good: string;

beforeAll(async () => {
  issuer = await createTestIssuer();
  verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri });
  good = await issuer.mintUserToken();
  await verifier.verify(good);
});
afterAll(() => issuer.close());

const b64 = (text: string) => Buffer.from(text).toString('base64url');

async function outcome(token: string): Promise<TokenGateError> {
  const failure = await rejection(verifier.verify(token));
  expect(failure.status).toBeLessThan(500);
  expect(JSON.stringify(failure.toProblem())).not.toContain(token.slice(0, 40));
  return failure;
}

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The same bytes with the last character's unused low bits set: what a lenient decoder accepts. */
function respell(segment: string): string {
  const last = BASE64URL_ALPHABET.indexOf(segment.charAt(segment.length - 1));
  return segment.slice(0, -1) + BASE64URL_ALPHABET.charAt(last | (segment.length % 4 === 2 ? 0x0f : 0x03));
}

describe('structurally hostile tokens', () => {
  const segment = (index: number) => (): string => good.split('.')[index] as string;
  const header = segment(0);
  const payload = segment(1);
  const signature = segment(2);
  const cases: [string, () => string, RegExp][] = [
    ['two segments', () => `${header()}.${payload()}`, /three segments/],
    ['four segments', () => `${good}.${signature()}`, /three segments/],
    ['five segments (a JWE header with enc)', () => `${b64('{"alg":"RSA-OAEP-256","enc":"A256GCM"}')}.a.b.c.d`, /^Encrypted access tokens \(JWE\) are not supported$/],
    ['five segments without enc', () => `${header()}.a.b.c.d`, /three segments/],
    // RS256 signatures are 342 base64url characters: the last one has 4 unused bits, which must be 0.
    ['a signature spelled with non-zero spare bits', () => `${header()}.${payload()}.${respell(signature())}`, /^The token signature is not canonical base64url$/],
    ['a signature of impossible length', () => `${header()}.${payload()}.${signature()}AAA`, /not canonical base64url/],
    ['empty signature', () => `${header()}.${payload()}.`, /unsigned/],
    ['bad base64url in header', () => `${header()}*.${payload()}.${signature()}`, /header is not base64url/],
    ['bad base64url in payload', () => `${header()}.${payload()}!.${signature()}`, /payload is not base64url/],
    ['bad base64url in signature', () => `${header()}.${payload()}.${signature()}$`, /signature is not base64url/],
    ['header not JSON', () => `${b64('{alg:RS256')}.${payload()}.${signature()}`, /header is not JSON/],
    ['header JSON but an array', () => `${b64('["RS256"]')}.${payload()}.${signature()}`, /header is not a JSON object/],
    ['header JSON null', () => `${b64('null')}.${payload()}.${signature()}`, /header is not a JSON object/],
    ['payload JSON but a string', () => `${header()}.${b64('"hello"')}.${signature()}`, /payload is not a JSON object/],
    ['payload not JSON', () => `${header()}.${b64('exp=1')}.${signature()}`, /payload is not JSON/],
    ['header without alg', () => `${b64('{"typ":"JWT"}')}.${payload()}.${signature()}`, /no "alg"/],
    ['alg of the wrong type', () => `${b64('{"alg":["RS256"]}')}.${payload()}.${signature()}`, /no "alg"/],
    ['empty token segments', () => '..', /not base64url|unsigned/],
    ['only dots', () => '.....', /JWE|three segments/],
  ];
  for (const [name, build, description] of cases) {
    it(`${name} → 401 invalid_token`, async () => {
      const error = await outcome(build());
      expect(error.code).toBe('invalid_token');
      expect(error.description).toMatch(description);
    });
  }
});

describe('one token, one spelling', () => {
  it('a payload character beyond latin1 standing for an ASCII one is refused (the signed bytes are the UTF-8 of the token)', async () => {
    const respelled = beyondLatin1(good, 1);
    expect(Buffer.from(respelled.split('.')[1] as string, 'base64url').toString()).toBe(Buffer.from(good.split('.')[1] as string, 'base64url').toString());
    expect((await outcome(respelled)).code).toBe('invalid_token');
  });

  it('the canonical spelling verifies, and its respelled twin (same signature bytes) is refused', async () => {
    const [h, p, sig] = good.split('.') as [string, string, string];
    expect(Buffer.from(respell(sig), 'base64url').equals(Buffer.from(sig, 'base64url'))).toBe(true);
    await expect(verifier.verify(good)).resolves.toMatchObject({ token: good });
    expect((await outcome(`${h}.${p}.${respell(sig)}`)).description).toBe('The token signature is not canonical base64url');
  });
});

describe('duplicate JSON members', () => {
  it('the lexically last member wins, as RFC 7515 §5.2 allows: a duplicated alg cannot smuggle "none" past the check', async () => {
    const token = `${b64('{"alg":"RS256","alg":"none"}')}.${good.split('.')[1]}.${good.split('.')[2]}`;
    expect((await outcome(token)).description).toBe('Unsigned tokens (alg "none") are never accepted');
  });

  // Signed with the issuer's real key, so only the duplicate handling decides (RFC 7519 §4: reject
  // duplicates or take the lexically last one; tokengate takes the last, as JSON.parse does).
  const duplicated = (first: string, last: string) =>
    issuer.signPayloadText(`{"iss":"${issuer.issuer}","aud":"${first}","aud":"${last}","sub":"u","exp":${nowSeconds() + 60}}`);

  it('a duplicated claim is read as its last value: ours last is accepted, with aud as its last value', async () => {
    const verified = await createVerifier({ issuer: issuer.issuer, audience: issuer.audience }).verify(await duplicated('https://evil.example', issuer.audience));
    expect(verified.claims.aud).toBe(issuer.audience);
  });

  it('a duplicated claim is read as its last value: a foreign audience last is refused', async () => {
    expect((await outcome(await duplicated(issuer.audience, 'https://evil.example'))).description).toMatch(/aud/);
  });
});

describe('oversized tokens', () => {
  for (const size of [8 * 1024 + 1, 1024 * 1024]) {
    it(`a ${size}-character token is refused quickly without being decoded`, async () => {
      const token = `${'a'.repeat(size - 2)}.b`;
      const started = process.hrtime.bigint();
      const error = await outcome(token);
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      expect(error.description).toBe('Access token is too large');
      expect(elapsedMs).toBeLessThan(50);
    });
  }
});

describe('claims of the wrong types', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['scope as a number', { scope: 42 }, /"scope"/],
    ['permissions as a string', { permissions: 'read:all' }, /"permissions"/],
    ['exp as a string', { exp: '9999999999' }, /"exp" claim must be a number/],
    ['nbf as an object', { nbf: {} }, /"nbf" claim must be a number/],
    ['iat as a boolean', { iat: true }, /"iat" claim must be a number/],
    ['aud as an object', { aud: { value: 'x' } }, /"aud"/],
    ['iss as an array', { iss: ['x'] }, /"iss"/],
    ['sub as a number', { sub: 7 }, /"sub" claim must be a string/],
    ['client_id as null', { client_id: null }, /"client_id" claim must be a string/],
    ['scp as a number', { scp: 1 }, /"scp"/],
  ];
  for (const [name, claims, description] of cases) {
    it(`${name} → 401 invalid_token naming the claim`, async () => {
      const error = await outcome(await issuer.mintUserToken({ claims }));
      expect(error.code).toBe('invalid_token');
      expect(error.description).toMatch(description);
    });
  }
});
