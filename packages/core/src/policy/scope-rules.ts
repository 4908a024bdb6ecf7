/**
 * The scope rules of a requirement: all of the listed scopes, or any one of them, else 403
 * `insufficient_scope` naming what is missing (RFC 6750 §3.1). Scopes a granted one implies
 * (`scopeImplications`) count as granted.
 */
import { TokenGateError } from '../errors/error.js';
import { hasAllScopes, hasAnyScope, missingScopes } from '../token/scopes.js';
import { effectiveScopes } from '../token/verification-context.js';
import type { AccessToken } from '../token/types.js';

const INSUFFICIENT_SCOPE = 'The provided token does not have correct permissions to access this resource';

function insufficientScope(required: readonly string[], missing: readonly string[]): TokenGateError {
  return new TokenGateError('insufficient_scope', INSUFFICIENT_SCOPE, {
    requiredScopes: required,
    extensions: { missing_scopes: missing, required_scopes: [...required] },
  });
}

/**
 * Throw unless the token has every required scope. The 403 lists the required scopes in the
 * challenge's `scope` (RFC 6750 §3) and `missing_scopes` / `required_scopes` in the body.
 * @throws TokenGateError `insufficient_scope`.
 * @example assertScopes(token, ['read:messages'])
 */
export function assertScopes(token: AccessToken, required: readonly string[]): void {
  const granted = effectiveScopes(token);
  if (hasAllScopes(granted, required)) return;
  throw insufficientScope(required, missingScopes(granted, required));
}

/**
 * Throw unless the token has at least one of the scopes. On failure every listed scope is
 * missing, so `missing_scopes` equals `required_scopes`.
 * @throws TokenGateError `insufficient_scope`.
 * @example assertAnyScope(token, ['read:messages', 'admin'])
 */
export function assertAnyScope(token: AccessToken, required: readonly string[]): void {
  if (hasAnyScope(effectiveScopes(token), required)) return;
  throw insufficientScope(required, [...required]);
}
