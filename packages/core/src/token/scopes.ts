/**
 * Scopes: reading them from claims and checking them. Matching is exact string equality,
 * insensitive to order and to the whitespace separating list entries (RFC 6749 §3.3).
 */
import { readClaim } from '../policy/claims.js';
import { TokenGateError } from '../errors/error.js';
import type { Claims, JsonValue } from './types.js';

/** Names of the claims scopes are read from. */
export interface ScopeClaimNames {
  /** Space-separated string (RFC 9068 §2.2.3, RFC 7662 §2.2). */
  readonly scope: string;
  /** Array of strings or space-separated string (Okta, Entra ID). */
  readonly scp: string;
  /** Array of strings (Auth0 RBAC). */
  readonly permissions: string;
}

/**
 * The standard claim names: `scope`, `scp` and `permissions`.
 * @example parseScopes(claims, DEFAULT_SCOPE_CLAIMS)
 */
export const DEFAULT_SCOPE_CLAIMS: ScopeClaimNames = Object.freeze({ scope: 'scope', scp: 'scp', permissions: 'permissions' });

const NO_SCOPES: readonly string[] = Object.freeze([]);

function isList(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}

function isAsciiWhitespace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

/** Longest list whose duplicates are found by scanning it; longer lists get a Set. */
const SCAN_LIMIT = 32;

/**
 * Scopes in first-seen order without duplicates. Token scope lists are short, so membership is
 * a scan of the list until it grows past `SCAN_LIMIT`, when a Set takes over: no Set is built
 * for the usual token, and a huge permissions array still costs linear time.
 */
class ScopeList {
  readonly items: string[] = [];
  #index: Set<string> | undefined;

  add(scope: string): void {
    if (this.#index === undefined ? this.items.includes(scope) : this.#index.has(scope)) return;
    this.items.push(scope);
    if (this.#index !== undefined) this.#index.add(scope);
    else if (this.items.length > SCAN_LIMIT) this.#index = new Set(this.items);
  }
}

/** Add each entry of a whitespace-separated list, scanning instead of splitting to spare an array. */
function addSeparated(list: string, into: ScopeList): void {
  let start = -1;
  for (let i = 0; i <= list.length; i += 1) {
    if (i < list.length && !isAsciiWhitespace(list.charCodeAt(i))) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      into.add(list.slice(start, i));
      start = -1;
    }
  }
}

/** Add array members; returns false when one is not a string. Empty entries are not scope-tokens. */
function addMembers(list: readonly unknown[], into: ScopeList): boolean {
  for (const entry of list) {
    if (typeof entry !== 'string') return false;
    if (entry !== '') into.add(entry);
  }
  return true;
}

function wrongType(name: string, expected: string): TokenGateError {
  return new TokenGateError('invalid_token', `The "${name}" claim must be ${expected}`);
}

function addScope(value: JsonValue | undefined, name: string, into: ScopeList): void {
  if (value === undefined) return;
  if (typeof value !== 'string') throw wrongType(name, 'a string');
  addSeparated(value, into);
}

function addScp(value: JsonValue | undefined, name: string, into: ScopeList): void {
  if (value === undefined) return;
  if (typeof value === 'string') {
    addSeparated(value, into);
    return;
  }
  if (!isList(value) || !addMembers(value, into)) throw wrongType(name, 'a string or an array of strings');
}

function addPermissions(value: JsonValue | undefined, name: string, into: ScopeList): void {
  if (value === undefined) return;
  if (!isList(value) || !addMembers(value, into)) throw wrongType(name, 'an array of strings');
}

/**
 * Every scope a token carries: the union of `scope`, `scp` and `permissions`, de-duplicated,
 * in order of first appearance. Absent claims are skipped; a claim of the wrong type
 * (including `null`) makes the token invalid rather than silently scope-less.
 * @throws TokenGateError `invalid_token` naming the malformed claim.
 * @example
 * parseScopes({ scope: 'read:a write:a', permissions: ['read:a', 'admin'] })
 * // => ['read:a', 'write:a', 'admin']
 */
export function parseScopes(claims: Claims, names: ScopeClaimNames = DEFAULT_SCOPE_CLAIMS): readonly string[] {
  const scopes = new ScopeList();
  addScope(readClaim(claims, names.scope), names.scope, scopes);
  addScp(readClaim(claims, names.scp), names.scp, scopes);
  addPermissions(readClaim(claims, names.permissions), names.permissions, scopes);
  return scopes.items.length === 0 ? NO_SCOPES : scopes.items;
}

/**
 * Whether every required scope is granted. An empty requirement is satisfied.
 * @example hasAllScopes(['read', 'write'], ['write']) // => true
 */
export function hasAllScopes(granted: readonly string[], required: readonly string[]): boolean {
  for (const scope of required) {
    if (!granted.includes(scope)) return false;
  }
  return true;
}

/**
 * Whether at least one required scope is granted. An empty requirement is satisfied, like
 * `hasAllScopes`, so both read "nothing required" the same way.
 * @example hasAnyScope(['read'], ['read', 'admin']) // => true
 */
export function hasAnyScope(granted: readonly string[], required: readonly string[]): boolean {
  if (required.length === 0) return true;
  for (const scope of required) {
    if (granted.includes(scope)) return true;
  }
  return false;
}

/**
 * The required scopes that are not granted, de-duplicated, in the order required.
 * @example missingScopes(['read'], ['read', 'write']) // => ['write']
 */
export function missingScopes(granted: readonly string[], required: readonly string[]): string[] {
  const missing: string[] = [];
  for (const scope of required) {
    if (!granted.includes(scope) && !missing.includes(scope)) missing.push(scope);
  }
  return missing;
}

/**
 * Normalise a scope argument given to a guard: space-separated strings are split (inside
 * arrays too), empties dropped, duplicates removed.
 * @throws TypeError when the input or an array member is not a string.
 * @example normalizeScopeList(['read write', ' read ']) // => ['read', 'write']
 */
export function normalizeScopeList(input: string | readonly string[]): string[] {
  const scopes = new ScopeList();
  if (typeof input === 'string') {
    addSeparated(input, scopes);
    return scopes.items;
  }
  if (!isList(input)) throw new TypeError('Scopes must be a string or an array of strings');
  for (const entry of input) {
    if (typeof entry !== 'string') throw new TypeError('Scopes must be a string or an array of strings');
    addSeparated(entry, scopes);
  }
  return scopes.items;
}
