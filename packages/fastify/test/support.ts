import type { LightMyRequestResponse } from 'fastify';
import type { TestIssuer } from '@tokengate/testing';
import { expectProblem as expectProblemResponse, type Problem, type ProblemExpectation } from '@tokengate/test-support';

/** `application/problem+json`, with the `charset=utf-8` Fastify adds to JSON types. */
export const FASTIFY_PROBLEM_MEDIA_TYPE = 'application/problem+json; charset=utf-8';

/** Verifier options for a test issuer. */
export function optionsFor(issuer: TestIssuer) {
  return { issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri };
}

/** `expectProblem` of `@tokengate/test-support` for an `inject` response, with Fastify's media type. */
export function expectProblem(response: LightMyRequestResponse, expectation: ProblemExpectation): Problem {
  return expectProblemResponse(response, { mediaType: FASTIFY_PROBLEM_MEDIA_TYPE, ...expectation });
}

/** The `WWW-Authenticate` header of a response. */
export function challenge(response: LightMyRequestResponse): string | undefined {
  const value = response.headers['www-authenticate'];
  return typeof value === 'string' ? value : undefined;
}
