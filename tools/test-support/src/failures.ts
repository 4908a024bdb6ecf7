/**
 * Getting at the failure a call ends in: the TokenGateError thrown or rejected with (the test
 * fails when there is none, or when it is another kind of error), and the common expectations
 * on it.
 */
import { TokenGateError } from '@tokengate/core';
import { expect } from 'vitest';

/** The TokenGateError `run` throws; rethrows any other error and fails when nothing is thrown. */
export function thrown(run: () => unknown): TokenGateError {
  try {
    run();
  } catch (error) {
    if (error instanceof TokenGateError) return error;
    throw error;
  }
  throw new Error('expected a TokenGateError');
}

/** The TokenGateError a promise rejects with; fails the test when it fulfils or rejects otherwise. */
export async function rejection(promise: Promise<unknown>): Promise<TokenGateError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(TokenGateError);
  return error as TokenGateError;
}

/** Whatever error a promise rejects with (a network or jose error, say); fails when it fulfils. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the promise to reject');
}

/** Expect a rejection with 401 invalid_token and return the error. */
export async function invalidToken(promise: Promise<unknown>): Promise<TokenGateError> {
  const error = await rejection(promise);
  expect(error.code).toBe('invalid_token');
  expect(error.status).toBe(401);
  return error;
}

/** Expect a rejection with 401 invalid_token and return its description. */
export async function refusal(promise: Promise<unknown>): Promise<string> {
  return (await invalidToken(promise)).description;
}

/** Expect a rejection with 503 temporarily_unavailable and a Retry-After header, and return the error. */
export async function unavailable(promise: Promise<unknown>): Promise<TokenGateError> {
  const error = await rejection(promise);
  expect(error.code).toBe('temporarily_unavailable');
  expect(error.status).toBe(503);
  expect(error.headers()['Retry-After']).toMatch(/^[1-9]\d*$/);
  return error;
}
