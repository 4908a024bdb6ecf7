/**
 * `expectProblem`: the assertions every RFC 9457 error response of an adapter must pass, over a
 * supertest, `fetch` or Fastify `inject` response.
 */
import { expect } from 'vitest';
import { normaliseResponse, type AnyResponse, type NormalisedResponse } from './response.js';

/** Where tokengate's problem types live by default: the type is this plus the code. */
export const PROBLEM_TYPE_BASE = 'https://tokengate.dev/problems/';

/** The media type of a problem body, exactly as Express and Koa send it. */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** The per-response `instance`: a random UUID URN. */
const INSTANCE_URN = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The code of a request without credentials: its problem has no OAuth `error` member. */
const MISSING_TOKEN = 'missing_token';

/** A problem body: the RFC 9457 members, the OAuth ones and any extension members. */
export type Problem = Record<string, unknown> & { type: string; title: string; status: number; detail: string; instance: string };

/** What a problem response must be. */
export interface ProblemExpectation {
  readonly status: number;
  /** The last segment of the problem type; also the OAuth `error`, except for `missing_token` (which has none). */
  readonly code: string;
  /** The `detail` (and so `error_description`): exactly this string, or matching this pattern. */
  readonly detail?: string | RegExp;
  /** Response headers (lower-case names): exactly this value, matching this pattern, or absent (`undefined`). */
  readonly headers?: Readonly<Record<string, string | RegExp | undefined>>;
  /** Extension members the body must have (compared as `toMatchObject` does). */
  readonly body?: Readonly<Record<string, unknown>>;
  /** The exact `Content-Type` (default `application/problem+json`). */
  readonly mediaType?: string;
}

/** Assert `actual` is `expected` exactly, matches it (a RegExp), or is absent (`undefined`). */
function expectValue(actual: string | undefined, expected: string | RegExp | undefined, what: string): void {
  if (expected instanceof RegExp) expect(actual, what).toMatch(expected);
  else expect(actual, what).toBe(expected);
}

function check(response: NormalisedResponse, expectation: ProblemExpectation): Problem {
  const { status, code } = expectation;
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toBe(expectation.mediaType ?? PROBLEM_MEDIA_TYPE);
  const body = response.body as Problem;
  expect(body).toMatchObject({ type: `${PROBLEM_TYPE_BASE}${code}`, title: expect.any(String), status, detail: expect.any(String) });
  expect(body.instance).toMatch(INSTANCE_URN);
  if (code === MISSING_TOKEN) {
    expect(body).not.toHaveProperty('error');
    expect(body).not.toHaveProperty('error_description');
  } else {
    expect(body.error).toBe(code);
    expect(body.error_description).toBe(body.detail);
  }
  if (expectation.detail !== undefined) expectValue(body.detail, expectation.detail, 'detail');
  for (const [name, value] of Object.entries(expectation.headers ?? {})) expectValue(response.headers[name], value, `header ${name}`);
  if (expectation.body !== undefined) expect(body).toMatchObject(expectation.body);
  return body;
}

/**
 * Assert an RFC 9457 problem response (status, media type, type, title, detail, instance, the
 * OAuth members and whatever `expectation` adds) and return its body. A `fetch` response is
 * read first, so the result is then a promise.
 */
export function expectProblem(response: Response, expectation: ProblemExpectation): Promise<Problem>;
export function expectProblem(response: Exclude<AnyResponse, Response>, expectation: ProblemExpectation): Problem;
export function expectProblem(response: AnyResponse, expectation: ProblemExpectation): Problem | Promise<Problem> {
  if (response instanceof Response) return normaliseResponse(response).then((normalised) => check(normalised, expectation));
  return check(normaliseResponse(response), expectation);
}
