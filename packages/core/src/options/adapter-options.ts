/**
 * The options every adapter takes besides the verifier's, their types and their check (once, at
 * start-up, the same way in every adapter): known names only, and the right types.
 */
import type { ProblemFormatter } from '../errors/render.js';
import type { AdoptForeignAuth } from '../gate/adoption.js';
import type { Verifier } from '../verifier.js';
import { checkKnownOptions, MISPLACED_VERIFIER_OPTIONS } from './known-options.js';
import type { VerifierOptions } from './types.js';

/**
 * Options of `auth()`, also taken by every guard and by `routePolicy()`.
 * @example app.use(auth(undefined, { optional: true, errors: 'delegate' }));
 */
export interface AuthOptions {
  /**
   * Let requests that carry no credentials at all through, without a token. A token that is
   * present but invalid (or, for guards, does not meet the requirement) still fails. Default `false`.
   */
  readonly optional?: boolean;
  /**
   * `respond` (default): answer failures with a problem details response. `delegate`: hand the
   * `TokenGateError` to the framework's error handling (its headers set on the response first
   * where the framework allows).
   */
  readonly errors?: 'respond' | 'delegate';
  /** Replace the JSON body of failure responses (`respond` mode). Default: the problem itself. */
  readonly formatProblem?: ProblemFormatter;
}

/**
 * Options of the guards and `routePolicy()`: `AuthOptions`, where to verify tokens when no
 * `auth()` ran before (default: the environment), and how to treat another library's `auth`.
 * @example requireUserToken({ source: { issuer: 'https://auth.example.com/', audience: 'https://api.example.com' } });
 */
export interface GuardOptions extends AuthOptions {
  /** Verifier options or a verifier, used when the request has no token yet. */
  readonly source?: VerifierOptions | Verifier;
  /**
   * Reuse another library's object on the framework's `auth` member (express-jwt and
   * express-oauth2-jwt-bearer use `req.auth` too) by mapping it to an `AccessToken` you vouch
   * for. Without it only tokens tokengate verified are reused; any other value is ignored.
   */
  readonly adoptForeignAuth?: AdoptForeignAuth;
}

/** `auth()`'s options (and the Fastify plugin's, besides the verifier options). */
export const AUTH_OPTION_NAMES: readonly string[] = Object.freeze(['optional', 'errors', 'formatProblem']);
/** A guard's options: `auth()`'s plus where to verify from and how to adopt another library's `auth`. */
export const GUARD_OPTION_NAMES: readonly string[] = Object.freeze([...AUTH_OPTION_NAMES, 'source', 'adoptForeignAuth']);
/** `routePolicy()`'s options: a guard's plus the policy's own. */
export const ROUTE_POLICY_OPTION_NAMES: readonly string[] = Object.freeze([...GUARD_OPTION_NAMES, 'unmatched', 'caseSensitive']);

function isFunctionOrAbsent(value: unknown): boolean {
  return value === undefined || typeof value === 'function';
}

/**
 * Check an adapter's options object: every name among `names` (a typo is a `TypeError` naming it
 * and the nearest known one), `optional` a boolean, `errors` `'respond'` or `'delegate'`,
 * `formatProblem` and `adoptForeignAuth` functions.
 * @throws TypeError naming the option.
 * @example checkAdapterOptions({ optinal: true }, AUTH_OPTION_NAMES, 'auth() options'); // did you mean "optional"?
 */
export function checkAdapterOptions(options: unknown, names: readonly string[], where: string): void {
  if (options === null || typeof options !== 'object') throw new TypeError(`${where} must be an object`);
  checkKnownOptions(options, names, where, MISPLACED_VERIFIER_OPTIONS);
  const { optional, errors, formatProblem, adoptForeignAuth } = options as Record<string, unknown>;
  if (optional !== undefined && typeof optional !== 'boolean') throw new TypeError('"optional" must be a boolean');
  if (errors !== undefined && errors !== 'respond' && errors !== 'delegate') throw new TypeError(`"errors" must be 'respond' or 'delegate' (got ${JSON.stringify(errors)})`);
  if (!isFunctionOrAbsent(formatProblem)) throw new TypeError('"formatProblem" must be a function');
  if (!isFunctionOrAbsent(adoptForeignAuth)) throw new TypeError('"adoptForeignAuth" must be a function');
}
