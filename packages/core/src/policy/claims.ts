/**
 * Pure claim predicates shared by every adapter. A failed predicate is an `invalid_token`
 * (401): the token is valid as a JWT but not acceptable to this resource (RFC 6750 §3.1).
 */
import { TokenGateError } from '../errors/error.js';
import { runApplicationCode } from '../errors/application-code.js';
import type { AccessToken, Claims, JsonValue } from '../token/types.js';

/** A test of a verified token's claims. Must return `true` to pass; anything else fails. */
export type ClaimPredicate = (token: AccessToken) => boolean;

/** A predicate that carries the description reported when it fails. */
export interface DescribedClaimPredicate extends ClaimPredicate {
  /** Problem `detail` and challenge `error_description` used when the predicate fails. */
  readonly description: string;
}

const DEFAULT_DESCRIPTION = 'Unexpected claim value';

/**
 * A claim's value, own members only: a claim name such as `constructor` or a polluted
 * prototype must never be mistaken for a claim the token carries.
 * @example readClaim({ sub: 'alice' }, 'sub') // => 'alice'
 */
export function readClaim(claims: Claims, name: string): JsonValue | undefined {
  return Object.hasOwn(claims, name) ? claims[name] : undefined;
}

/**
 * A claim holding a non-empty string (an own member), or `undefined`.
 * @example readStringClaim({ azp: 'my-app' }, 'azp') // => 'my-app'
 */
export function readStringClaim(claims: Claims, name: string): string | undefined {
  const value = readClaim(claims, name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function describe(check: ClaimPredicate, description: string): DescribedClaimPredicate {
  return Object.freeze(Object.assign(check, { description }));
}

function assertClaimName(claim: unknown): asserts claim is string {
  if (typeof claim !== 'string' || claim === '') throw new TypeError('"claim" must be a non-empty string');
}

function unexpected(claim: string): string {
  return `Unexpected "${claim}" value`;
}

// RFC 6749 §3.3 separates list entries with spaces; other ASCII whitespace is tolerated alike.
function isAsciiWhitespace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

function arraysEqual(actual: readonly JsonValue[], expected: readonly JsonValue[]): boolean {
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < expected.length; i += 1) {
    if (!jsonEqual(actual[i], expected[i])) return false;
  }
  return true;
}

function objectsEqual(actual: { readonly [key: string]: JsonValue }, expected: { readonly [key: string]: JsonValue }): boolean {
  const keys = Object.keys(expected);
  if (Object.keys(actual).length !== keys.length) return false;
  return keys.every((key) => Object.hasOwn(actual, key) && jsonEqual(actual[key], expected[key]));
}

/** JSON structural equality: arrays in order, object members in any order. */
function jsonEqual(actual: JsonValue | undefined, expected: JsonValue | undefined): boolean {
  if (actual === expected) return true;
  if (typeof actual !== 'object' || typeof expected !== 'object' || actual === null || expected === null) return false;
  if (Array.isArray(expected)) return Array.isArray(actual) && arraysEqual(actual, expected);
  return !Array.isArray(actual) && objectsEqual(actual, expected);
}

/** Whether a space-separated list holds `entry` as a whole item, without splitting the list. */
function listContains(list: string, entry: string): boolean {
  for (let at = list.indexOf(entry); at >= 0; at = list.indexOf(entry, at + 1)) {
    const end = at + entry.length;
    const startsItem = at === 0 || isAsciiWhitespace(list.charCodeAt(at - 1));
    if (startsItem && (end === list.length || isAsciiWhitespace(list.charCodeAt(end)))) return true;
  }
  return false;
}

function includesAll(actual: JsonValue | undefined, values: readonly string[]): boolean {
  for (const value of values) {
    const found = typeof actual === 'string' ? listContains(actual, value) : Array.isArray(actual) && actual.includes(value);
    if (!found) return false;
  }
  return true;
}

/**
 * Passes when the claim equals `expected`: strict equality for primitives, JSON structural
 * equality for arrays (in order) and objects (members in any order). An absent claim fails.
 * @throws TypeError when `claim` is not a non-empty string or `expected` is undefined.
 * @example
 * const sameOrg = claimEquals('org_id', 'org_123')
 * sameOrg(token) // => true when token.claims.org_id === 'org_123'
 */
export function claimEquals(claim: string, expected: JsonValue): DescribedClaimPredicate {
  assertClaimName(claim);
  if (expected === undefined) throw new TypeError('"expected" must be a JSON value');
  const primitive = expected === null || typeof expected !== 'object';
  const check: ClaimPredicate = primitive
    ? (token) => readClaim(token.claims, claim) === expected
    : (token) => jsonEqual(readClaim(token.claims, claim), expected);
  return describe(check, unexpected(claim));
}

/**
 * Passes when the claim holds every value: an array containing them, or a space-separated
 * string listing them as whole items (so `admin` does not match `superadmin`).
 * @throws TypeError when `claim` or any value is not a non-empty string, or no value is given.
 * @example
 * const editor = claimIncludes('roles', 'editor', 'reviewer')
 * editor(token) // => true for roles ['editor', 'reviewer', 'viewer'] or 'editor reviewer'
 */
export function claimIncludes(claim: string, ...values: string[]): DescribedClaimPredicate {
  assertClaimName(claim);
  const valid = values.length > 0 && values.every((value: unknown) => typeof value === 'string' && value !== '');
  if (!valid) throw new TypeError('"values" must be one or more non-empty strings');
  return describe((token) => includesAll(readClaim(token.claims, claim), values), unexpected(claim));
}

/**
 * Passes when `check` returns exactly `true`; any other result (including a Promise) fails,
 * so a mistaken check fails closed.
 * @throws TypeError when `check` is not a function.
 * @example
 * const verifiedEmail = claimCheck((claims) => claims.email_verified === true, 'Email not verified')
 */
export function claimCheck(
  check: (claims: Claims, token: AccessToken) => boolean,
  description: string = DEFAULT_DESCRIPTION,
): DescribedClaimPredicate {
  if (typeof check !== 'function') throw new TypeError('"check" must be a function');
  return describe((token) => check(token.claims, token) === true, description);
}

function descriptionOf(predicate: ClaimPredicate): string {
  const value = 'description' in predicate ? predicate.description : undefined;
  return typeof value === 'string' && value !== '' ? value : DEFAULT_DESCRIPTION;
}

/**
 * Throw unless the predicate passes. The failure is a 401 `invalid_token` described by
 * `description`, else the predicate's own description, else `Unexpected claim value`; a
 * predicate that throws is a 500 `server_error` (the application failed, not the token).
 * @throws TokenGateError `invalid_token`, or `server_error`.
 * @example
 * assertClaim(token, claimEquals('org_id', 'org_123')) // throws 'Unexpected "org_id" value'
 */
export function assertClaim(token: AccessToken, predicate: ClaimPredicate, description?: string): void {
  if (runApplicationCode('claim predicate', () => predicate(token)) === true) return;
  throw new TokenGateError('invalid_token', description ?? descriptionOf(predicate));
}
