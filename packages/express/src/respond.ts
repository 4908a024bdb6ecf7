/**
 * The request and response shapes the middleware works with, what core reads of a request, and
 * a failure written as an Express response (or handed to Express).
 */
import { NodeRequestContext, renderFailure, type Answering, type NodeIncoming } from '@tokengate/core/adapter';
import type { AccessToken, RequestLike, TokenGateError } from '@tokengate/core';

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

/** The members of an Express request beyond `ExpressRequestLike` that core may read (it is Node's `IncomingMessage`). */
type NodeRequest = ExpressRequestLike & NodeIncoming & { query?: unknown; body?: unknown };

/** What core reads of an Express request, read only when core asks (Express 5 parses `query` on each read). */
export class ExpressContext extends NodeRequestContext {
  readonly #req: NodeRequest;
  constructor(req: ExpressRequestLike) {
    super(req as NodeRequest);
    this.#req = req as NodeRequest;
  }
  get query(): RequestLike['query'] {
    return this.#req.query as RequestLike['query'];
  }
  get body(): unknown {
    return this.#req.body;
  }
  /** The target as received, also inside mounted routers (which rewrite `req.url`). */
  override get target(): string {
    return this.#req.originalUrl;
  }
}

/**
 * Answer a failure: a problem details response, or `next(error)` in `delegate` mode (and when
 * the response has already started), its headers set on the response first.
 * @example answer(failure, res, next, { delegate: false, formatProblem: undefined });
 */
export function answer(failure: TokenGateError, res: ExpressResponseLike, next: NextFunction, answering: Answering): void {
  if (res.headersSent) return next(failure);
  if (answering.delegate) {
    res.set(failure.headers());
    return next(failure);
  }
  const { status, headers, body } = renderFailure(failure, answering.formatProblem);
  res.statusCode = status;
  // Node's own setHeader: Express's `set` would append a charset to the media type.
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(body);
}
