/**
 * Sender-constrained tokens: what a token's confirmation claim (`cnf`, RFC 7800) binds it to.
 * DPoP's `jkt` (RFC 9449 §6) and mTLS's `x5t#S256` (RFC 8705 §3.1) are understood; an
 * introspection answer may also say `token_type: DPoP` (RFC 9449 §6.2). The binding is checked
 * on every request by binding/check-binding.ts, never here.
 */
import type { Claims, Confirmation } from './types.js';

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The confirmation object of `claims`, when it is one. */
function cnfOf(claims: Claims): Readonly<Record<string, unknown>> | undefined {
  const cnf: unknown = claims.cnf;
  return typeof cnf === 'object' && cnf !== null && !Array.isArray(cnf) ? (cnf as Record<string, unknown>) : undefined;
}

/**
 * The binding a token carries: `{ jkt }` (DPoP), `{ x5tS256 }` (mTLS), both, or `undefined` when
 * it names neither (unbound, or bound by a method tokengate does not know: see `isBound`).
 * @example readConfirmation({ cnf: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' } }) // => { jkt: '0ZcO…' }
 */
export function readConfirmation(claims: Claims): Confirmation | undefined {
  const cnf = cnfOf(claims);
  if (cnf === undefined) return undefined;
  const jkt = nonEmptyString(cnf.jkt);
  const x5tS256 = nonEmptyString(cnf['x5t#S256']);
  if (jkt !== undefined) return Object.freeze(x5tS256 === undefined ? { jkt } : { jkt, x5tS256 });
  return x5tS256 === undefined ? undefined : Object.freeze({ x5tS256 });
}

/** Whether the token claims any binding at all: a `cnf` claim (of any shape), or an introspected `token_type: DPoP`. */
export function isBound(claims: Claims, format: 'jwt' | 'opaque'): boolean {
  return claims.cnf !== undefined || (format === 'opaque' && isDpopTokenType(claims));
}

/** An introspection answer's `token_type` naming DPoP (RFC 9449 §6.2; compared case-insensitively like the scheme). */
export function isDpopTokenType(claims: Claims): boolean {
  return typeof claims.token_type === 'string' && claims.token_type.toLowerCase() === 'dpop';
}
