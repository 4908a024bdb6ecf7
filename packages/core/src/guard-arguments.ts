/**
 * The argument list of the adapters' variadic guards (`requireScopes`, `requireAnyScope`,
 * `requireClaims`): the items, then optionally one plain options object.
 */

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
export function splitGuardArguments<T, O extends object>(guard: string, args: readonly (T | O)[]): GuardArguments<T, O> {
  const last = args[args.length - 1];
  const hasOptions = typeof last === 'object' && last !== null && !Array.isArray(last);
  const items = (hasOptions ? args.slice(0, -1) : args) as T[];
  if (items.length === 0) throw new TypeError(`${guard}() needs at least one ${guard === 'requireClaims' ? 'predicate' : 'scope'}`);
  return { items, options: hasOptions ? (last as O) : {} };
}
