import type { JWTVerifyOptions } from 'jose';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { TestIssuer } from '../src/index.js';

/** Fetches a URL and parses the body as JSON (`undefined` when the body is not JSON). */
export async function getJson(url: string): Promise<{ status: number; contentType: string | null; body: unknown }> {
  const response = await fetch(url);
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type'), body };
}

/** Verifies a token against the issuer's served JWKS, with a fresh key set each call. */
export function verifyWithIssuer(issuer: TestIssuer, token: string, options: JWTVerifyOptions = {}) {
  return jwtVerify(token, createRemoteJWKSet(new URL(issuer.jwksUri)), {
    issuer: issuer.issuer,
    audience: issuer.audience,
    ...options,
  });
}
