/**
 * What a route asks of a token (its type, scopes and claims), checked by one function that every
 * adapter's guards and route policies share.
 */
import { assertClaim, type ClaimPredicate } from './claims.js';
import { normalizeScopeList } from '../token/scopes.js';
import { assertAnyScope, assertScopes } from './scope-rules.js';
import { assertAuthentication, type AuthenticationRequirement } from './step-up.js';
import { assertTokenType } from '../token/token-type.js';
import type { AccessToken, TokenType } from '../token/types.js';
import { checkKnownOptions, type OptionNames } from '../options/known-options.js';

/** Which token types a route accepts. */
export type TokenRequirement = 'any' | TokenType;

/** What a route requires of an authenticated token. */
export interface Requirement {
  /** `user`, `client` or `any` (default). */
  readonly token?: TokenRequirement;
  /** Every one of these scopes. */
  readonly scopes?: string | readonly string[];
  /** At least one of these scopes. */
  readonly anyScopes?: string | readonly string[];
  /** Claim predicates (`claimEquals`, `claimIncludes`, `claimCheck`); each must hold. */
  readonly claims?: readonly ClaimPredicate[];
  /** Step-up (RFC 9470): the token's `acr` must be one of these. */
  readonly acr?: string | readonly string[];
  /** Step-up (RFC 9470): the user authenticated (`auth_time`) at most this many seconds ago. */
  readonly maxAge?: number;
}

/** A requirement normalised once, for checks on the hot path. */
export interface CompiledRequirement {
  readonly token: TokenRequirement;
  readonly scopes: readonly string[];
  readonly anyScopes: readonly string[];
  readonly claims: readonly ClaimPredicate[];
  readonly authentication: AuthenticationRequirement | undefined;
}

const TOKEN_REQUIREMENTS: readonly TokenRequirement[] = ['any', 'user', 'client'];

/** The names of a `Requirement`: a typo (`scope`) would otherwise drop the rule it meant. */
export const REQUIREMENT_NAMES: OptionNames<Requirement> = { token: true, scopes: true, anyScopes: true, claims: true, acr: true, maxAge: true };

/**
 * The requirement members of an object that also holds other members (a route rule, Fastify's
 * route config), read one by one so members defined by getters or on a prototype count too.
 * @example requirementOf(rule) // { token, scopes, anyScopes, claims } of the rule
 */
export function requirementOf(holder: Requirement): Requirement {
  return { token: holder.token, scopes: holder.scopes, anyScopes: holder.anyScopes, claims: holder.claims, acr: holder.acr, maxAge: holder.maxAge };
}

/**
 * Validate and normalise a requirement. Throws `TypeError` for a bad one (at start-up), an unknown
 * member name included.
 * @example compileRequirement({ token: 'user', scopes: 'read:font:data create:webfonts:kit' })
 */
export function compileRequirement(requirement: Requirement = {}): CompiledRequirement {
  if (requirement === null || typeof requirement !== 'object') throw new TypeError('A requirement must be an object such as { token: "user", scopes: ["read"] }');
  checkKnownOptions(requirement, REQUIREMENT_NAMES, 'a requirement');
  const token = requirement.token ?? 'any';
  if (!TOKEN_REQUIREMENTS.includes(token)) throw new TypeError(`"token" must be 'any', 'user' or 'client' (got ${JSON.stringify(token)})`);
  const claims = requirement.claims ?? [];
  if (!Array.isArray(claims) || claims.some((claim) => typeof claim !== 'function')) throw new TypeError('"claims" must be an array of claim predicates');
  return Object.freeze({
    token,
    scopes: Object.freeze(requirement.scopes === undefined ? [] : normalizeScopeList(requirement.scopes)),
    anyScopes: Object.freeze(requirement.anyScopes === undefined ? [] : normalizeScopeList(requirement.anyScopes)),
    claims: Object.freeze([...claims]),
    authentication: compileAuthentication(requirement),
  });
}

/** The step-up part of a requirement; `undefined` when it has none. */
function compileAuthentication(requirement: Requirement): AuthenticationRequirement | undefined {
  const { acr, maxAge } = requirement;
  if (acr === undefined && maxAge === undefined) return undefined;
  const list = acr === undefined ? [] : typeof acr === 'string' ? [acr] : acr;
  if (!Array.isArray(list) || list.some((value) => typeof value !== 'string' || value === '') || (acr !== undefined && list.length === 0)) {
    throw new TypeError('"acr" must be a non-empty string or array of strings');
  }
  if (maxAge !== undefined && (typeof maxAge !== 'number' || !Number.isFinite(maxAge) || maxAge < 0)) throw new TypeError('"maxAge" must be a non-negative number of seconds');
  return Object.freeze({ acr: Object.freeze([...list]), maxAge });
}

/**
 * Check a verified token against a compiled requirement: token type first (403
 * `invalid_token_type`), then scopes (403 `insufficient_scope`), then step-up (401
 * `insufficient_user_authentication`), then claims (401 `invalid_token`).
 * @example checkRequirement(token, compileRequirement({ token: 'user' }))
 */
export function checkRequirement(token: AccessToken, requirement: CompiledRequirement): void {
  if (requirement.token !== 'any') assertTokenType(token, requirement.token);
  if (requirement.scopes.length > 0) assertScopes(token, requirement.scopes);
  if (requirement.anyScopes.length > 0) assertAnyScope(token, requirement.anyScopes);
  if (requirement.authentication !== undefined) assertAuthentication(token, requirement.authentication);
  for (const predicate of requirement.claims) assertClaim(token, predicate);
}
