// The verified-token cache hands one AccessToken to every request presenting that token: a
// handler that mutates it must not change what later requests see (no scope escalation).
import { createVerifier, type AccessToken } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());

describe('a cached AccessToken is frozen all the way down', () => {
  it('a handler pushing a scope, editing a claim or a nested claim fails, and the next request sees the token as issued', async () => {
    const verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, cache: { admitAfter: 1 } });
    const token = await issuer.mintUserToken({ scopes: ['read'], claims: { org: { id: 'acme', roles: ['member'] } } });
    const first = await verifier.verify(token);
    const attempts: Array<(auth: AccessToken) => void> = [
      (auth) => (auth.scopes as string[]).push('admin'),
      (auth) => ((auth.claims as Record<string, unknown>).scope = 'read admin'),
      (auth) => ((auth.claims.org as { roles: string[] }).roles.push('owner')),
      (auth) => ((auth.header as Record<string, unknown>).kid = 'other'),
      (auth) => ((auth as { type: string }).type = 'client'),
    ];
    for (const attempt of attempts) expect(() => attempt(first)).toThrow(TypeError);
    const next = await verifier.verify(token);
    expect(next).toBe(first);
    expect(next.scopes).toEqual(['read']);
    expect(next.claims.org).toEqual({ id: 'acme', roles: ['member'] });
    expect(next.type).toBe('user');
  });

  it('an introspected token is frozen too', async () => {
    const verifier = createVerifier({
      issuer: issuer.issuer,
      audience: issuer.audience,
      mode: 'introspect',
      introspection: { endpoint: issuer.introspectionEndpoint, ...issuer.introspectionClient },
    });
    const accessToken = await verifier.verify(await issuer.mintOpaqueToken({ scopes: ['read'], claims: { token_type: 'Bearer', ext: { tier: 'free' } } }));
    expect(() => (accessToken.scopes as string[]).push('admin')).toThrow(TypeError);
    expect(() => ((accessToken.claims.ext as Record<string, string>).tier = 'pro')).toThrow(TypeError);
  });
});
