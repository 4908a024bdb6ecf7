/**
 * The guard family every adapter exports, built once from the adapter's own `requireToken`:
 * token type, scopes (all or any) and claim predicates, each optionally followed by options.
 */
import type { ClaimPredicate } from '../policy/claims.js';
import type { Requirement } from '../policy/requirements.js';
import type { Verifier } from '../verifier.js';
import { splitGuardArguments } from './guard-arguments.js';

/** Scopes as guards take them: each a scope or a space-separated list, or an array of those. */
export type ScopeArgument = string | readonly string[];

/** The guards of an adapter whose middleware type is `M` and whose guard options are `O`. */
export interface GuardFamily<M, O extends object> {
  /** Only user tokens (authorization_code, refresh_token); a client token gets 403 `invalid_token_type`. */
  requireUserToken(options?: O | Verifier): M;
  /** Only client tokens (client_credentials); a user token gets 403 `invalid_token_type`. */
  requireClientToken(options?: O | Verifier): M;
  /** Every listed scope (403 `insufficient_scope` naming the missing ones), optionally followed by options. */
  requireScopes(...scopes: ScopeArgument[]): M;
  requireScopes(...args: [...scopes: ScopeArgument[], options: O]): M;
  /** At least one of the listed scopes, optionally followed by options. */
  requireAnyScope(...scopes: ScopeArgument[]): M;
  requireAnyScope(...args: [...scopes: ScopeArgument[], options: O]): M;
  /**
   * Step-up (RFC 9470): the user authenticated with one of `acr` and/or at most `maxAge` seconds
   * ago, else 401 `insufficient_user_authentication` with `acr_values` / `max_age` in the challenge.
   */
  requireAuthentication(authentication: { readonly acr?: string | readonly string[]; readonly maxAge?: number }, options?: O | Verifier): M;
  /** Every claim predicate must hold (401 `invalid_token` otherwise), optionally followed by options. */
  requireClaims(...predicates: ClaimPredicate[]): M;
  requireClaims(...args: [...predicates: ClaimPredicate[], options: O]): M;
}

/**
 * Build the guard family from `requireToken(requirement, options)`.
 * @example export const { requireUserToken, requireClientToken, requireScopes, requireAnyScope, requireClaims } = createGuardFamily(requireToken);
 */
export function createGuardFamily<M, O extends object>(requireToken: (requirement: Requirement, options?: O | Verifier) => M): GuardFamily<M, O> {
  type Argument = ScopeArgument | ClaimPredicate | O;
  return {
    requireUserToken: (options) => requireToken({ token: 'user' }, options),
    requireClientToken: (options) => requireToken({ token: 'client' }, options),
    requireAuthentication: (authentication, options) => {
      if (authentication === null || typeof authentication !== 'object') throw new TypeError('requireAuthentication() needs { acr } and/or { maxAge }');
      if (authentication.acr === undefined && authentication.maxAge === undefined) throw new TypeError('requireAuthentication() needs { acr } and/or { maxAge }');
      return requireToken({ acr: authentication.acr, maxAge: authentication.maxAge }, options);
    },
    requireScopes(...args: Argument[]) {
      const { items, options } = splitGuardArguments<string, O>('requireScopes', args as (string | O)[]);
      return requireToken({ scopes: items }, options as O);
    },
    requireAnyScope(...args: Argument[]) {
      const { items, options } = splitGuardArguments<string, O>('requireAnyScope', args as (string | O)[]);
      return requireToken({ anyScopes: items }, options as O);
    },
    requireClaims(...args: Argument[]) {
      const { items, options } = splitGuardArguments<ClaimPredicate, O>('requireClaims', args as (ClaimPredicate | O)[]);
      return requireToken({ claims: items }, options as O);
    },
  };
}
