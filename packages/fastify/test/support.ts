import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestIssuer } from '@tokengate/testing';

export const PROBLEM_BASE = 'https://tokengate.dev/problems/';
/** `application/problem+json`, with the `charset=utf-8` Fastify adds to JSON types. */
export const PROBLEM_MEDIA_TYPE = /^application\/problem\+json(; charset=utf-8)?$/;
export const USER_REQUIRED =
  'This endpoint requires a user token obtained via authorization_code flow. You provided a client token from client_credentials flow.';
export const CLIENT_REQUIRED =
  'This endpoint requires a client token obtained via client_credentials flow. You provided a user token from authorization_code flow.';

/** Verifier options for a test issuer. */
export function optionsFor(issuer: TestIssuer) {
  return { issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri };
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** Asserts an RFC 9457 problem response and returns its body. */
export function expectProblem(response: LightMyRequestResponse, status: number, code: string): Record<string, unknown> {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toMatch(PROBLEM_MEDIA_TYPE);
  const body = response.json<Record<string, unknown>>();
  expect(body).toMatchObject({
    type: `${PROBLEM_BASE}${code}`,
    title: expect.any(String),
    status,
    detail: expect.any(String),
    instance: expect.stringMatching(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
  });
  if (code === 'missing_token') {
    expect(body).not.toHaveProperty('error');
    expect(body).not.toHaveProperty('error_description');
  } else {
    expect(body.error).toBe(code);
    expect(body.error_description).toBe(body.detail);
  }
  return body;
}

/** The `WWW-Authenticate` header of a response. */
export function challenge(response: LightMyRequestResponse): string | undefined {
  const value = response.headers['www-authenticate'];
  return typeof value === 'string' ? value : undefined;
}

const VARIABLES = ['TOKENGATE_ISSUER', 'TOKENGATE_AUDIENCE', 'TOKENGATE_JWKS_URI'] as const;

/** Sets (or, with `undefined`, removes) the tokengate variables and returns a function restoring them. */
export function setEnvironment(values: Partial<Record<(typeof VARIABLES)[number], string>>): () => void {
  const saved = VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const name of VARIABLES) {
    const value = values[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
