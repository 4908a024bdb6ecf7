/**
 * `auth()`: authenticate the request and put the verified token on `ctx.state.auth`.
 */
import type { Context, Middleware, Next } from 'koa';
import { adoptRequestAuth, AUTH_OPTION_NAMES, checkAdapterOptions, ownMember, type AdoptForeignAuth, type AccessToken, type CompiledRequirement, type Gate, type RequestLike, type Verifier, type VerifierOptions } from '@tokengate/core';
import { createKoaGate, rejectRequest, type AuthOptions, type GuardOptions } from './respond.js';

declare module 'koa' {
  interface DefaultState {
    /** The verified access token, set by `auth()`, the guards and `routePolicy()`. */
    auth?: AccessToken;
  }
}

/** Set `ctx.state.auth` to the gate's token. */
function setAuth(ctx: Context, token: AccessToken | undefined): void {
  ctx.state.auth = token;
}

/**
 * Tell core what `ctx.state.auth` holds (an own member only); core decides whether and by whom
 * it is reused (only tokens tokengate verified, or what `adopt` maps).
 * @example adoptToken(ctx); // before gate.authenticate(ctx, …)
 */
export function adoptToken(ctx: Context, adopt?: AdoptForeignAuth): void {
  const state: unknown = ctx.state;
  if (typeof state === 'object' && state !== null) adoptRequestAuth(ctx, ownMember(state, 'auth'), adopt);
}

/**
 * Authenticate (at most once per request) and check a requirement. On success the token is on
 * `ctx.state.auth` and `true` is returned; on failure the response is written (or the error
 * thrown, in `delegate` mode) and `false` is returned.
 * @example if (await admitRequest(ctx, gate, compileRequirement({ token: 'user' }), {})) await next();
 */
async function admitRequest(ctx: Context, gate: Gate, requirement: CompiledRequirement, options: GuardOptions): Promise<boolean> {
  try {
    adoptToken(ctx, options.adoptForeignAuth);
    // With `optional`, a request without credentials passes unchecked; a token must still qualify.
    setAuth(ctx, await gate.authorize(ctx, new KoaInput(ctx), requirement, options.optional === true));
  } catch (error) {
    rejectRequest(ctx, gate, error, options);
    return false;
  }
  return true;
}

/**
 * Run `admitRequest`'s checks without waiting when the token is already known (verified for
 * this request or cached) and meets the requirement: `true` with `ctx.state.auth` set. `false`
 * means `admitRequest` must run; it gives every verdict.
 */
function admitKnown(ctx: Context, gate: Gate, requirement: CompiledRequirement, adopt: AdoptForeignAuth | undefined): boolean {
  try {
    adoptToken(ctx, adopt);
  } catch {
    return false; // A throwing `adoptForeignAuth`: `admitRequest` answers it.
  }
  const token = gate.authorizeSync(ctx, new KoaInput(ctx), requirement);
  if (token === undefined) return false;
  setAuth(ctx, token);
  return true;
}

/**
 * What every guard and route policy does: admit the request (without waiting when its token is
 * already known), then run `next`; a refused request is answered and `next` does not run.
 * @example return guardRequest(ctx, next, gate, compileRequirement({ token: 'user' }), {});
 */
export function guardRequest(ctx: Context, next: Next, gate: Gate, requirement: CompiledRequirement, options: GuardOptions): Promise<void> {
  if (admitKnown(ctx, gate, requirement, options.adoptForeignAuth)) return next();
  return admitRequest(ctx, gate, requirement, options).then((admitted) => (admitted ? next() : undefined));
}

/**
 * The parts of a Koa request core reads, read only when core asks: the query string is parsed
 * only when query tokens are enabled or a Bearer header is present. `rawHeaders` lets core see repeated Authorization headers.
 */
class KoaInput implements RequestLike {
  readonly #ctx: Context;
  constructor(ctx: Context) {
    this.#ctx = ctx;
  }
  get headers(): RequestLike['headers'] {
    return this.#ctx.req.headers;
  }
  get rawHeaders(): readonly string[] {
    return this.#ctx.req.rawHeaders;
  }
  get query(): RequestLike['query'] {
    return this.#ctx.request.query;
  }
  get body(): unknown {
    return (this.#ctx.request as { body?: unknown }).body;
  }
  get method(): string {
    return this.#ctx.method;
  }
}

/**
 * Authenticate every request with a bearer access token and attach it as `ctx.state.auth`.
 * Without `source` the `TOKENGATE_ISSUER`, `TOKENGATE_AUDIENCE` and optional
 * `TOKENGATE_JWKS_URI` environment variables configure it.
 * @param source Verifier options, or a verifier made with `createVerifier` to share its key cache.
 * @param options `optional`, `errors` and `formatProblem`.
 * @example
 * const app = new Koa();
 * app.use(auth({ issuer: 'https://auth.example.com/', audience: 'https://api.example.com' }));
 * app.use((ctx) => { ctx.body = { user: ctx.state.auth?.subject } });
 */
export function auth(source?: VerifierOptions | Verifier, options: AuthOptions = {}): Middleware {
  checkAdapterOptions(options, AUTH_OPTION_NAMES, 'auth() options');
  const gate = createKoaGate(source);
  const optional = options.optional === true;
  async function authenticate(ctx: Context, next: Next, input: KoaInput): Promise<void> {
    try {
      setAuth(ctx, await gate.authenticate(ctx, input, optional));
    } catch (error) {
      rejectRequest(ctx, gate, error, options);
      return;
    }
    await next();
  }
  return function tokengateAuth(ctx: Context, next: Next): Promise<void> {
    adoptToken(ctx);
    const input = new KoaInput(ctx);
    const known = gate.authenticateSync(ctx, input);
    if (known === undefined) return authenticate(ctx, next, input);
    setAuth(ctx, known);
    return next();
  };
}
