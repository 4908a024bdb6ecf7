import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { createVerifier, type Verifier } from '@tokengate/core';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nowSeconds, rejection } from '@tokengate/test-support';

let issuer: TestIssuer;
let verifier: Verifier;

beforeAll(async () => {
  issuer = await createTestIssuer();
  verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience });
});
afterAll(() => issuer.close());

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function claimsFor(): Record<string, unknown> {
  const now = nowSeconds();
  return { iss: issuer.issuer, aud: issuer.audience, sub: 'user-1', client_id: 'app', iat: now, exp: now + 600, jti: 'j1' };
}

describe('algorithm allow-list', () => {
  it('accepts a token signed with an allowed algorithm', async () => {
    const token = await verifier.verify(await issuer.mintUserToken());
    expect(token.type).toBe('user');
  });

  it('refuses alg "none" (unsigned tokens)', async () => {
    const error = await rejection(verifier.verify(issuer.mintUnsignedToken(claimsFor())));
    expect(error.code).toBe('invalid_token');
    expect(error.status).toBe(401);
  });

  it('refuses alg "none" even with a fake signature segment', async () => {
    const token = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claimsFor())}.AAAA`;
    const error = await rejection(verifier.verify(token));
    expect(error.description).toBe('Unsigned tokens (alg "none") are never accepted');
  });

  it('refuses HS256 signed with the issuer public key (algorithm confusion)', async () => {
    const publicJwk = issuer.currentPublicJwk();
    const signingInput = `${b64({ alg: 'HS256', typ: 'at+jwt', kid: issuer.currentKid })}.${b64(claimsFor())}`;
    const mac = createHmac('sha256', JSON.stringify(publicJwk)).update(signingInput).digest('base64url');
    const error = await rejection(verifier.verify(`${signingInput}.${mac}`));
    expect(error.code).toBe('invalid_token');
    expect(error.description).toMatch(/HS256 is not allowed/);
  });

  it('refuses an algorithm left out of the configured list', async () => {
    const only = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, algorithms: ['ES256'] });
    const error = await rejection(only.verify(await issuer.mintUserToken()));
    expect(error.description).toMatch(/RS256 is not allowed/);
  });

  it('uses HMAC only with a configured secret, never with JWKS keys', async () => {
    const secret = 'a-shared-secret-of-at-least-32-bytes!!';
    const hmac = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, secret, algorithms: ['HS256'] });
    const good = await new SignJWT(claimsFor()).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).sign(new TextEncoder().encode(secret));
    await expect(hmac.verify(good)).resolves.toMatchObject({ subject: 'user-1' });
    const wrong = await new SignJWT(claimsFor()).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).sign(new TextEncoder().encode(`${secret}x`));
    expect((await rejection(hmac.verify(wrong))).description).toMatch(/signature/);
    const withoutSecret = await rejection(verifier.verify(good));
    expect(withoutSecret.description).toMatch(/HS256 is not allowed/);
  });
});

describe('typ header', () => {
  const accepted: (string | null)[] = ['at+jwt', 'application/at+jwt', 'JWT', 'AT+JWT', null];
  for (const typ of accepted) {
    it(`accepts typ ${String(typ)} by default`, async () => {
      await expect(verifier.verify(await issuer.mintUserToken({ typ }))).resolves.toBeTruthy();
    });
  }

  for (const typ of ['dpop+jwt', 'logout+jwt', 'secevent+jwt', 'id_token']) {
    it(`refuses explicit typ ${typ}`, async () => {
      const error = await rejection(verifier.verify(await issuer.mintUserToken({ typ })));
      expect(error.code).toBe('invalid_token');
      expect(error.description).toMatch(/type/);
    });
  }

  it('refuses a non-string typ', async () => {
    const error = await rejection(verifier.verify(await issuer.mintUserToken({ header: { typ: 7 } })));
    expect(error.description).toMatch(/typ/);
  });

  describe('strict mode (RFC 9068)', () => {
    let strict: Verifier;
    beforeAll(() => {
      strict = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, strict: true });
    });

    it('accepts at+jwt and application/at+jwt', async () => {
      await expect(strict.verify(await issuer.mintUserToken({ typ: 'at+jwt' }))).resolves.toBeTruthy();
      await expect(strict.verify(await issuer.mintUserToken({ typ: 'application/at+jwt' }))).resolves.toBeTruthy();
    });

    for (const typ of ['JWT', null]) {
      it(`refuses typ ${String(typ)}`, async () => {
        const error = await rejection(strict.verify(await issuer.mintUserToken({ typ })));
        expect(error.description).toMatch(/at\+jwt/);
      });
    }

    it('refuses an ID token presented as an access token', async () => {
      const idToken = await issuer.mintToken({ typ: 'JWT', claims: { sub: 'user-1', nonce: 'n', auth_time: 1, client_id: undefined } });
      const error = await rejection(strict.verify(idToken));
      expect(error.code).toBe('invalid_token');
    });

    for (const claim of ['sub', 'client_id', 'iat', 'jti']) {
      it(`requires the ${claim} claim`, async () => {
        const token = await issuer.mintUserToken({ claims: { [claim]: undefined } });
        const error = await rejection(strict.verify(token));
        expect(error.description).toContain(`"${claim}"`);
        await expect(verifier.verify(token)).resolves.toBeTruthy();
      });
    }
  });
});

describe('crit header (RFC 7515 §4.1.11)', () => {
  it('refuses an unknown critical parameter', async () => {
    const error = await rejection(verifier.verify(await issuer.mintUserToken({ header: { crit: ['exp-ext'], 'exp-ext': 1 } })));
    expect(error.description).toMatch(/critical/);
  });

  it('accepts a critical parameter the server declares it understands', async () => {
    const understanding = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, criticalHeaders: ['exp-ext'] });
    await expect(understanding.verify(await issuer.mintUserToken({ header: { crit: ['exp-ext'], 'exp-ext': 1 } }))).resolves.toBeTruthy();
  });

  for (const crit of [[], 'exp-ext', [1], ['absent']]) {
    it(`refuses malformed crit ${JSON.stringify(crit)}`, async () => {
      const understanding = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, criticalHeaders: ['exp-ext', 'absent'] });
      const error = await rejection(understanding.verify(await issuer.mintUserToken({ header: { crit } })));
      expect(error.description).toMatch(/crit/);
    });
  }
});

describe('key-carrying headers are never used to find a key', () => {
  for (const member of ['jwk', 'jku', 'x5u', 'x5c'] as const) {
    it(`ignores ${member} pointing at an attacker key`, async () => {
      const attacker = await generateKeyPair('RS256', { extractable: true });
      const attackerJwk = await exportJWK(attacker.publicKey);
      const values = { jwk: attackerJwk, jku: 'http://127.0.0.1:1/evil-jwks', x5u: 'http://127.0.0.1:1/evil.pem', x5c: ['MIIBIjAN'] };
      const token = await new SignJWT(claimsFor())
        .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: issuer.currentKid, [member]: values[member] })
        .sign(attacker.privateKey);
      const error = await rejection(verifier.verify(token));
      expect(error.code).toBe('invalid_token');
      expect(error.description).toMatch(/signature/);
    });
  }

  it('refuses a valid signature from another key that claims our kid', async () => {
    const token = await issuer.mintWithForeignKey(claimsFor());
    const error = await rejection(verifier.verify(token));
    expect(error.description).toMatch(/signature/);
  });
});

describe('b64 header (RFC 7797)', () => {
  // A payload that is not base64url-encoded changes what the signature covers; access tokens never use it.
  for (const header of [{ b64: false, crit: ['b64'] }, { b64: false }, { b64: 'false' }, { b64: 0 }]) {
    it(`refuses ${JSON.stringify(header)} even when the server understands b64`, async () => {
      const lenient = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, criticalHeaders: ['b64'] });
      const error = await rejection(lenient.verify(await issuer.mintUserToken({ header })));
      expect(error.description).toBe('Unencoded payloads (b64) are not accepted');
    });
  }

  it('accepts b64: true (the default encoding, said out loud)', async () => {
    expect((await verifier.verify(await issuer.mintUserToken({ header: { b64: true } }))).type).toBe('user');
  });
});

describe('kid header', () => {
  it('refuses a non-string kid', async () => {
    const error = await rejection(verifier.verify(await issuer.mintUserToken({ header: { kid: 42 } })));
    expect(error.description).toBe('The "kid" header must be a string');
  });

  for (const kid of ['unknown-kid', '../../etc/passwd', "' OR 1=1 --"]) {
    it(`refuses unknown kid ${JSON.stringify(kid)} with 401`, async () => {
      const error = await rejection(verifier.verify(await issuer.mintUserToken({ kid })));
      expect(error.status).toBe(401);
      expect(error.description).toMatch(/kid/);
    });
  }
});
