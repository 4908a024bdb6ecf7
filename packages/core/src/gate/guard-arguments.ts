/**
 * The argument list of the adapters' variadic guards (`requireScopes`, `requireAnyScope`,
 * `requireClaims`): the items, then optionally one plain options object.
 */

import { isVerifier } from '../options/environment.js';
import type { Verifier } from '../verifier.js';

/** What `requireScopes(...)` and its kin were called with, split. */
export interface GuardArguments<T, O extends object> {
  readonly items: T[];
  readonly options: O | Record<string, never>;
}

/**
 * Split a variadic guard's arguments into its items and a trailing options object (a plain
 * object: scopes are strings, predicates functions). A guard without anything to require would
 * let every token through, so that is a `TypeError` at start-up.
 * @throws TypeError when no scope or predicate is given.
 * @example
 * const { items, options } = splitGuardArguments<string, GuardOptions>('requireScopes', ['a', 'b', { errors: 'delegate' }]);
 * // items: ['a', 'b'], options: { errors: 'delegate' }
 */
export function splitGuardArguments<T, O extends object>(guard: string, args: readonly (T | O | readonly T[])[]): GuardArguments<T, O> {
  const last = args[args.length - 1];
  const hasOptions = typeof last === 'object' && last !== null && !Array.isArray(last);
  // `requireScopes(['a', 'b'])`, as other libraries take scopes, means the same as `requireScopes('a', 'b')`.
  const items = (hasOptions ? args.slice(0, -1) : args).flat() as T[];
  if (items.length === 0) throw new TypeError(`${guard}() needs at least one ${guard === 'requireClaims' ? 'predicate' : 'scope'}`);
  return { items, options: hasOptions ? guardOptions(last as O | Verifier) : {} };
}

/**
 * A guard's options, where a verifier may stand for `{ source: verifier }` (as one writes
 * `auth(verifier)`, one writes `requireUserToken(verifier)`).
 * @example guardOptions(verifier) // { source: verifier }
 */
export function guardOptions<O extends object>(value: O | Verifier | undefined): O {
  if (value === undefined) return {} as O;
  return (isVerifier(value) ? { source: value } : value) as O;
}
