/**
 * What core reads of a Koa request, and a failure written as a problem details response (or
 * thrown to Koa's error handling).
 */
import type { Context } from 'koa';
import { NodeRequestContext, renderFailure, type Answering } from '@tokengate/core/adapter';
import type { RequestLike, TokenGateError } from '@tokengate/core';

/**
 * What core reads of a Koa request, read only when core asks: the query string is parsed only
 * when query tokens are enabled or a Bearer header is present.
 */
export class KoaContext extends NodeRequestContext {
  readonly #ctx: Context;
  constructor(ctx: Context) {
    super(ctx.req);
    this.#ctx = ctx;
  }
  get query(): RequestLike['query'] {
    return this.#ctx.request.query;
  }
  get body(): unknown {
    return (this.#ctx.request as { body?: unknown }).body;
  }
  override get target(): string {
    return this.#ctx.originalUrl;
  }
}

/**
 * Answer a failure with a problem details response (status, `WWW-Authenticate` / `Retry-After`,
 * `application/problem+json`), or throw it to Koa in `delegate` mode.
 * @example answer(ctx, failure, { delegate: false, formatProblem: undefined });
 */
export function answer(ctx: Context, failure: TokenGateError, answering: Answering): void {
  if (answering.delegate) throw failure;
  const { status, headers, body } = renderFailure(failure, answering.formatProblem);
  ctx.status = status;
  ctx.set(headers);
  // Set after the headers and before the body: Koa keeps an explicit type for string bodies.
  ctx.type = headers['Content-Type'] as string;
  ctx.body = body;
}
