import type { IncomingMessage, ServerResponse } from 'node:http';
import express5 from 'express';
import express4 from 'express4';
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
