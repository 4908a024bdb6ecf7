/**
 * The request and response shapes the middleware works with, its options, and turning a
 * `TokenGateError` into an Express response (or handing it to Express).
 */
import { AUTH_OPTION_NAMES, checkAdapterOptions, PROBLEM_CONTENT_TYPE, type AccessToken, type ProblemDetails, type RequestLike, type TokenGateError } from '@tokengate/core';

/**
 * What the middleware reads and writes on a request. Express 4 and Express 5 requests both fit,
 * whichever `@types/express` version a project uses. (`query` and `body` are read too, when the
 * verifier's `tokenMethods` enable them, but are left out here so that route handlers keep
 * Express's own types for them.)
 * @example
 * function handler(req: ExpressRequestLike) { return req.auth?.subject; }
 */
export interface ExpressRequestLike {
  readonly headers: RequestLike['headers'];
  readonly method: string;
  /** The full request path and query, whatever router the middleware is mounted on. */
  readonly originalUrl: string;
  /** The application, whose `case sensitive routing` setting the route policy follows. */
  readonly app?: { enabled?(setting: string): boolean };
  /** The verified access token. */
  auth?: AccessToken;
}

/**
 * What the middleware uses of an Express 4 or 5 response. (The body is written with Node's own
 * `end`, not `res.json`, so that route handlers keep Express's own types for `res.json`.)
 * @example
 * function fail(res: ExpressResponseLike) { res.statusCode = 503; res.end('unavailable'); }
 */
export interface ExpressResponseLike {
  readonly headersSent: boolean;
  statusCode: number;
  set(fields: Record<string, string>): unknown;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

/**
 * Express's `next`: no argument to continue, an error to hand it to the error handlers.
 * @example const next: NextFunction = (error) => { if (error) console.error(error); };
 */
export type NextFunction = (error?: unknown) => void;

/**
 * The middleware every factory returns; accepted by `app.use`, `router.use` and route methods of
 * Express 4 and 5.
 * @example const middleware: TokenGateMiddleware = auth();
 */
export type TokenGateMiddleware = (req: ExpressRequestLike, res: ExpressResponseLike, next: NextFunction) => void;

/**
 * Options accepted by `auth()`, every guard and `routePolicy()`.
 * @example
 * const options: AuthOptions = { optional: true, errors: 'delegate' };
 * app.use(auth(undefined, options));
 */
export interface AuthOptions {
  /**
   * Let requests that carry no credentials at all through, with `req.auth` undefined. A token
   * that is present but invalid (or, for guards, does not meet the requirement) still fails.
   * Default `false`.
   */
  readonly optional?: boolean;
  /**
   * `respond` (default): answer failures with a problem details response. `delegate`: set the
   * error's headers on `res` and call `next(error)`, so your error handler (or Express's own)
   * answers.
   */
  readonly errors?: 'respond' | 'delegate';
  /** Replace the JSON body of failure responses (`respond` mode). Default: the problem itself. */
  readonly formatProblem?: (problem: ProblemDetails, error: TokenGateError) => unknown;
}

/**
 * Validate adapter options once, at start-up: every name known (`names`), `errors` a known mode,
 * `formatProblem` a function.
 * @throws TypeError for an unknown option name, an unknown `errors` mode or a `formatProblem` that is not a function.
 * @example checkOptions({ errors: 'delegate' });
 */
export function checkOptions(options: AuthOptions, names: readonly string[] = AUTH_OPTION_NAMES, where = 'auth() options'): void {
  checkAdapterOptions(options, names, where);
}

/**
 * Answer a failure: a problem details response, or `next(error)` in `delegate` mode (and when
 * the response has already started).
 * @example sendFailure(gate.fail(req, error), res, next, { errors: 'respond' });
 */
export function sendFailure(error: TokenGateError, res: ExpressResponseLike, next: NextFunction, options: AuthOptions): void {
  if (res.headersSent) {
    next(error);
    return;
  }
  res.set(error.headers());
  if (options.errors === 'delegate') {
    next(error);
    return;
  }
  const problem = error.toProblem();
  const body = options.formatProblem ? options.formatProblem(problem, error) : problem;
  res.statusCode = error.status;
  res.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
  res.end(JSON.stringify(body));
}
