import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestIssuer } from '../src/index.js';
import { createTestIssuer } from '../src/index.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ algorithm: 'ES256', discovery: 'oauth' });
});
afterAll(() => issuer.close());

describe('fetchCounts', () => {
  it('counts each document and keeps live values', async () => {
    const counts = issuer.fetchCounts;
    expect(counts).toEqual({ jwks: 0, discovery: 0, oauthMetadata: 0, openidConfiguration: 0, introspection: 0 });
    await fetch(issuer.jwksUri);
    await fetch(issuer.jwksUri);
    await fetch(issuer.oauthMetadataUrl);
    await fetch(`${issuer.issuer}/unknown`);
    expect(counts).toEqual({ jwks: 2, discovery: 1, oauthMetadata: 1, openidConfiguration: 0, introspection: 0 });
  });

  it('counts requests for a document that is not served', async () => {
    issuer.resetCounts();
    const response = await fetch(issuer.openidConfigurationUrl);
    expect(response.status).toBe(404);
    expect(issuer.fetchCounts).toEqual({ jwks: 0, discovery: 1, oauthMetadata: 0, openidConfiguration: 1, introspection: 0 });
  });

  it('counts faulted and rejected requests', async () => {
    issuer.resetCounts();
    issuer.faults.status = 500;
    await fetch(issuer.jwksUri);
    issuer.faults.reset();
    await fetch(issuer.jwksUri, { method: 'POST' });
    expect(issuer.fetchCounts.jwks).toBe(2);
  });

  it('resets to zero in place', async () => {
    const counts = issuer.fetchCounts;
    await fetch(issuer.jwksUri);
    issuer.resetCounts();
    expect(counts).toEqual({ jwks: 0, discovery: 0, oauthMetadata: 0, openidConfiguration: 0, introspection: 0 });
    expect(issuer.fetchCounts).toBe(counts);
  });
});
