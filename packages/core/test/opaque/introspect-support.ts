import { createVerifier, TokenGateError, type FetchLike, type Verifier, type VerifierOptions } from '@tokengate/core';
import type { TestIssuer } from '@tokengate/testing';
import { expect } from 'vitest';

/** A verifier for the issuer's introspection endpoint, authenticated as its registered client. */
export function introspectingVerifier(issuer: TestIssuer, extra: Partial<VerifierOptions> = {}, introspection: Partial<NonNullable<VerifierOptions['introspection']>> = {}): Verifier {
  return createVerifier({
    issuer: issuer.issuer,
    audience: issuer.audience,
    introspection: { endpoint: issuer.introspectionEndpoint, ...issuer.introspectionClient, ...introspection },
    ...extra,
  });
}

/** The TokenGateError a promise rejects with; fails the test when it fulfils. */
export async function failure(promise: Promise<unknown>): Promise<TokenGateError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(TokenGateError);
  return error as TokenGateError;
}

/** Expect a 401 invalid_token and return its description. */
export async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await failure(promise);
  expect(error.code).toBe('invalid_token');
  expect(error.status).toBe(401);
  return error.description;
}

/** Expect a 503 temporarily_unavailable with a Retry-After header. */
export async function unavailable(promise: Promise<unknown>): Promise<TokenGateError> {
  const error = await failure(promise);
  expect(error.code).toBe('temporarily_unavailable');
  expect(error.status).toBe(503);
  expect(error.headers()['Retry-After']).toMatch(/^[1-9]\d*$/);
  return error;
}

/** A settable clock in milliseconds, starting now. */
export function manualClock(): { now: number; clock: () => number; advance(seconds: number): void } {
  const state = {
    now: Date.now(),
    clock: () => state.now,
    advance(seconds: number) {
      state.now += seconds * 1000;
    },
  };
  return state;
}

/** The global fetch, with each response passed through `rewrite` (real HTTP underneath). */
export function rewritingFetch(rewrite: (response: Response, url: string) => Response | Promise<Response>): FetchLike {
  return async (input, init) => rewrite(await fetch(input, init), String(input));
}

/** Whole epoch seconds now. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
