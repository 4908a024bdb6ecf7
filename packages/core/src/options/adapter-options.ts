/**
 * The options every adapter takes besides the verifier's, checked once at start-up the same way
 * in Express, Koa and Fastify: known names only, and the right types.
 */
import { checkKnownOptions, MISPLACED_VERIFIER_OPTIONS } from './known-options.js';

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
