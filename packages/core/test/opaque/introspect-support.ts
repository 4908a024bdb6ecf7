import { createVerifier, type FetchLike, type Verifier, type VerifierOptions } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** The issuer of the calling test file, once `useIssuer()` started it (a live binding). */
export let issuer: TestIssuer;

/** Start a test issuer for the calling file, reset its faults and counts after each test, close it after all. */
export function useIssuer(): void {
  beforeAll(async () => {
    issuer = await createTestIssuer();
  });
  afterEach(() => {
    issuer.faults.reset();
    issuer.resetCounts();
  });
  afterAll(() => issuer.close());
}

/** A verifier for the issuer's introspection endpoint, authenticated as its registered client. */
export function introspectingVerifier(issuer: TestIssuer, extra: Partial<VerifierOptions> = {}, introspection: Partial<NonNullable<VerifierOptions['introspection']>> = {}): Verifier {
  return createVerifier({
    issuer: issuer.issuer,
    audience: issuer.audience,
    introspection: { endpoint: issuer.introspectionEndpoint, ...issuer.introspectionClient, ...introspection },
    ...extra,
  });
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
