/**
 * Options shared by every middleware, the gate each middleware is built on, and how failures
 * reach the client: a problem details response written here, or the error thrown to Koa.
 */
import type { Context } from 'koa';
import { type AdoptForeignAuth, createGate, verifierFrom, PROBLEM_CONTENT_TYPE, type Gate, type TokenGateError, type ProblemDetails, type Verifier, type VerifierOptions } from '@tokengate/core';

/**
 * Turns the problem body into the JSON value sent instead of it.
 * @example const formatProblem: ProblemFormatter = (problem, error) => ({ code: error.code, message: problem.detail, id: problem.instance });
 */
export type ProblemFormatter = (problem: ProblemDetails, error: TokenGateError) => unknown;

/**
 * Options of `auth()`, also accepted by every guard and by `routePolicy()`.
 * @example app.use(auth(undefined, { optional: true, errors: 'delegate' }));
 */
export interface AuthOptions {
  /**
   * Let requests without any credentials through with `ctx.state.auth` undefined (a guard then
   * checks nothing). A malformed, expired or otherwise bad token still fails, and a token that
   * is there must meet the guard's requirement. Default `false`.
   */
  readonly optional?: boolean;
  /**
   * `respond` (default): answer with an `application/problem+json` response here.
   * `delegate`: throw the `TokenGateError` to Koa's (or your) error handling.
   */
  readonly errors?: 'respond' | 'delegate';
  /** Shape the JSON body of `respond` mode; receives the RFC 9457 problem and the error. */
  readonly formatProblem?: ProblemFormatter;
}

/**
 * Options of the guards: `AuthOptions` plus where to verify tokens when `auth()` did not run.
 * @example requireUserToken({ source: { issuer: 'https://auth.example.com/', audience: 'https://api.example.com' }, errors: 'delegate' });
 */
export type GuardOptions = AuthOptions & {
  /** Verifier options or a shared verifier; default the `TOKENGATE_*` environment variables. */
  readonly source?: VerifierOptions | Verifier;
  /**
   * Reuse another library's object on `ctx.state.auth` by mapping it to an `AccessToken` you
   * vouch for. Without it only tokens tokengate verified are reused; any other value is ignored
   * and the request is verified.
   */
  readonly adoptForeignAuth?: AdoptForeignAuth;
};

/**
 * Write a failure as a problem details response: status, `WWW-Authenticate` / `Retry-After`,
 * `Content-Type: application/problem+json` and the JSON body.
 * @example sendProblem(ctx, new TokenGateError('access_denied', 'Not here'), undefined);
 */
export function sendProblem(ctx: Context, error: TokenGateError, formatProblem: ProblemFormatter | undefined): void {
  const problem = error.toProblem();
  const body: unknown = formatProblem ? formatProblem(problem, error) : problem;
  ctx.status = error.status;
  ctx.set(error.headers());
  // Set before the body: Koa keeps an explicit type for string bodies.
  ctx.type = PROBLEM_CONTENT_TYPE;
  ctx.body = JSON.stringify(body) ?? 'null';
}

/**
 * Report a failure through the gate, then answer it (`respond`) or throw it to Koa (`delegate`).
 * @example rejectRequest(ctx, gate, error, { errors: 'delegate' }); // throws the TokenGateError
 */
export function rejectRequest(ctx: Context, gate: Gate, cause: unknown, options: AuthOptions): void {
  const error = gate.fail(ctx, cause);
  if (options.errors === 'delegate') throw error;
  sendProblem(ctx, error, options.formatProblem);
}

function logNotConfigured(error: TokenGateError): void {
  console.error(`[tokengate] ${error.description}`);
}

/** Configuration problems of verifiers made here from options, once each (see `withConfigurationLog`). */
function logLine(line: string): void {
  console.error(line);
}

/**
 * The gate behind one middleware. Options become a verifier now, so a bad option throws at
 * start-up; without a source the environment (`TOKENGATE_*`) is read on the first request.
 * @example const gate = createKoaGate({ issuer: 'https://auth.example.com/', audience: 'https://api.example.com' });
 */
export function createKoaGate(source: VerifierOptions | Verifier | undefined): Gate {
  return createGate({ source: verifierFrom(source, logLine), environment: process.env, onNotConfigured: logNotConfigured, log: logLine });
}

