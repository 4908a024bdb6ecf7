/**
 * `auth()`: authenticate every request and attach the verified token as `req.auth`; and the
 * per-request runner every middleware of this package shares.
 */
import {
  adoptRequestAuth,
  createGate,
  verifierFrom,
  ownMember,
  type AdoptForeignAuth,
  type AccessToken,
  type CompiledRequirement,
  type Gate,
  type TokenGateError,
  type Verifier,
  type VerifierOptions,
} from '@tokengate/core';
import { checkOptions, sendFailure, type AuthOptions, type ExpressRequestLike, type ExpressResponseLike, type NextFunction, type TokenGateMiddleware } from './respond.js';

function logNotConfigured(error: TokenGateError): void {
  console.error(`[tokengate] ${error.description}`);
}

/** Configuration problems of verifiers made here from options, once each (see `withConfigurationLog`). */
function logLine(line: string): void {
  console.error(line);
}

/**
 * The gate of the `auth()` that ran on a request, for guards without a source of their own. Core
 * reuses a verified token across gates, but a guard after `auth({ optional: true })` on a request
 * without credentials would otherwise look for its own configuration (the environment). Kept on
 * the request under a symbol (invisible to JSON and `for…in`), which costs less than a WeakMap entry.
 */
const AUTH_GATE = Symbol('tokengate.authGate');
type GateCarrier = { [AUTH_GATE]?: Gate };

/**
 * One step a middleware runs per request: resolves the token to attach (or `undefined` to go on
 * without one) and rejects with the failure to report.
 * @example
 * const step: Step = { gate, options: {}, run: (req) => gate.authenticate(req, req) };
 */
export interface Step {
  /** The gate that reports failures. */
  readonly gate: Gate;
  /** How failures are answered. */
  readonly options: AuthOptions;
  /** Authenticate and authorize the request. */
  readonly run: (req: ExpressRequestLike) => Promise<AccessToken | undefined>;
  /**
   * The token when it is known without waiting (this request's, or the verified-token cache's)
   * and passes; `undefined` sends the request to `run`, which gives every verdict.
   */
  readonly runSync?: (req: ExpressRequestLike) => AccessToken | undefined;
}

async function attempt(step: Step, req: ExpressRequestLike, res: ExpressResponseLike, next: NextFunction): Promise<void> {
  let token: AccessToken | undefined;
  try {
    token = await step.run(req);
  } catch (error) {
    sendFailure(step.gate.fail(req, error), res, next, step.options);
    return;
  }
  if (token !== undefined) setAuth(req, token);
  next();
}

function setAuth(req: ExpressRequestLike, token: AccessToken): void {
  req.auth = token;
}

/**
 * Run a step for one request. `next` is called outside the step's error handling, and anything
 * thrown while answering goes to `next(error)`: no rejection escapes (Express 4 would not catch it).
 * @example
 * function tokengateAuth(req: ExpressRequestLike, res: ExpressResponseLike, next: NextFunction): void {
 *   runStep(step, req, res, next);
 * }
 */
export function runStep(step: Step, req: ExpressRequestLike, res: ExpressResponseLike, next: NextFunction): void {
  let known: AccessToken | undefined;
  try {
    known = step.runSync?.(req);
  } catch {
    known = undefined; // `run` meets the same problem and answers it.
  }
  if (known === undefined) {
    attempt(step, req, res, next).catch(next);
    return;
  }
  setAuth(req, known);
  next();
}

/**
 * The gate behind one middleware. Options are turned into a verifier now, so a bad option throws
 * at start-up; without a source the environment (`TOKENGATE_ISSUER`, …) is read on first use.
 * @example const gate = gateFor({ issuer: 'https://auth.example.com/', audience: 'https://api.example.com' });
 */
export function gateFor(source: VerifierOptions | Verifier | undefined): Gate {
  return createGate({ source: verifierFrom(source, logLine), environment: process.env, onNotConfigured: logNotConfigured, log: logLine });
}

/**
 * The gate a guard authenticates with: its own when it was given a source, else the one of the
 * `auth()` that ran on this request, else its own (the environment).
 * @example const gate = gateOf(req, guardGate, options.source !== undefined);
 */
export function gateOf(req: ExpressRequestLike, own: Gate, ownSource: boolean): Gate {
  return ownSource ? own : ((req as GateCarrier)[AUTH_GATE] ?? own);
}

/** Tell core what `req.auth` holds (an own member only); core decides whether and by whom it is reused. */
function adoptForeignToken(req: ExpressRequestLike, adopt: AdoptForeignAuth | undefined): void {
  adoptRequestAuth(req, ownMember(req, 'auth'), adopt);
}

/**
 * `authorizeRequest` without waiting: the token when it is known (set as `req.auth` by other
 * middleware, verified earlier for this request, or cached) and meets the requirement; else `undefined`.
 * @example const token = authorizeKnown(gate, req, compileRequirement({ scopes: 'read:files' }));
 */
export function authorizeKnown(gate: Gate, req: ExpressRequestLike, requirement: CompiledRequirement, adopt?: AdoptForeignAuth): AccessToken | undefined {
  adoptForeignToken(req, adopt);
  return gate.authorizeSync(req, req, requirement);
}

/**
 * Authenticate once per request (reusing a token another middleware set as `req.auth`), then
 * check a requirement. With `optional`, a request without credentials resolves `undefined` unchecked.
 * @example const token = await authorizeRequest(gate, req, compileRequirement({ token: 'user' }), false);
 */
export function authorizeRequest(
  gate: Gate,
  req: ExpressRequestLike,
  requirement: CompiledRequirement,
  optional: boolean,
  adopt?: AdoptForeignAuth,
): Promise<AccessToken | undefined> {
  adoptForeignToken(req, adopt);
  return gate.authorize(req, req, requirement, optional);
}

/**
 * Middleware that verifies the request's bearer token and attaches it as `req.auth`.
 *
 * Without `source`, configuration comes from `TOKENGATE_ISSUER`, `TOKENGATE_AUDIENCE` and the
 * optional `TOKENGATE_JWKS_URI`; when those are missing every request gets a 500 problem and the
 * problem is logged once with `console.error`.
 * @param source - Verifier options, or a verifier shared with other middleware.
 * @param options - `optional`, `errors` and `formatProblem`.
 * @example
 * app.use(auth({ issuer: 'https://auth.example.com/', audience: 'https://api.example.com' }));
 * app.get('/me', (req, res) => res.json({ sub: req.auth?.subject }));
 */
export function auth(source?: VerifierOptions | Verifier, options: AuthOptions = {}): TokenGateMiddleware {
  checkOptions(options);
  const gate = gateFor(source);
  const optional = options.optional === true;
  function run(req: ExpressRequestLike): Promise<AccessToken | undefined> {
    (req as GateCarrier)[AUTH_GATE] = gate;
    return gate.authenticate(req, req, optional);
  }
  function runSync(req: ExpressRequestLike): AccessToken | undefined {
    (req as GateCarrier)[AUTH_GATE] = gate;
    return gate.authenticateSync(req, req);
  }
  const step: Step = { gate, options, run, runSync };
  return function tokengateAuth(req: ExpressRequestLike, res: ExpressResponseLike, next: NextFunction): void {
    runStep(step, req, res, next);
  };
}
