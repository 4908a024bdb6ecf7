import type { IncomingMessage, ServerResponse } from 'node:http';
import express5 from 'express';
import express4 from 'express4';
import type { Response as TestResponse } from 'supertest';
import { expect } from 'vitest';
import { nodeSignatureVerifier, type SignatureVerifier } from '@tokengate/core';
import type { ExpressRequestLike, ExpressResponseLike, NextFunction } from '@tokengate/express';

/** The part of an Express 4 or 5 response the tests use. */
export type ResponseLike = ExpressResponseLike & { json(body: unknown): unknown };

/** A route handler or middleware as the tests write them, for either Express version. */
export type Handler = (req: ExpressRequestLike, res: ResponseLike, next: NextFunction) => void;

/** The part of an Express 4 or 5 application the tests use. */
export interface AppLike {
  (req: IncomingMessage, res: ServerResponse): void;
  use(...handlers: Handler[]): unknown;
  /** Mount middleware, or a sub-application, under a path. */
  use(path: string, ...handlers: Array<Handler | AppLike>): unknown;
  get(path: string, ...handlers: Handler[]): unknown;
  post(path: string, ...handlers: Handler[]): unknown;
}

/** Each Express major version under test, as a factory of applications. */
export const frameworks: ReadonlyArray<readonly [string, () => AppLike]> = [
  ['express 5', express5],
  ['express 4', express4],
];

/** Answers 200 with what the request's token says. */
export function echo(req: ExpressRequestLike, res: ResponseLike): void {
  const token = req.auth;
  res.json(token === undefined ? { auth: null } : { sub: token.subject ?? null, type: token.type, scopes: token.scopes });
}

/** An `Authorization: Bearer …` header. */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

const UUID_URN = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Asserts an RFC 9457 problem response with the OAuth members and returns its body. */
export function expectProblem(response: TestResponse, status: number, code: string | undefined): Record<string, unknown> {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toBe('application/problem+json');
  const body = JSON.parse(response.text) as Record<string, unknown>;
  expect(body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  expect(body.instance).toMatch(UUID_URN);
  if (code === undefined) {
    expect(body).not.toHaveProperty('error');
    expect(body).not.toHaveProperty('error_description');
  } else {
    expect(body.error).toBe(code);
    expect(body.error_description).toBe(body.detail);
    expect(body.type).toBe(`https://tokengate.dev/problems/${code}`);
  }
  return body;
}

/** A signature verifier that counts its calls, to prove a request is verified once. */
export function countingSignatureVerifier(): { readonly verify: SignatureVerifier; readonly calls: () => number } {
  let calls = 0;
  return {
    verify(key, signingInput, signature) {
      calls += 1;
      return nodeSignatureVerifier(key, signingInput, signature);
    },
    calls: () => calls,
  };
}

/** Sets environment variables for the duration of `run`, then restores the previous values. */
export async function withEnvironment(values: Record<string, string | undefined>, run: () => Promise<void>): Promise<void> {
  const saved = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  const assign = (entries: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(entries)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  assign(values);
  try {
    await run();
  } finally {
    assign(saved);
  }
}
