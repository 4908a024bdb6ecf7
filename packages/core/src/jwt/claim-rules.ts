/**
 * Registered-claim rules (RFC 7519 §4.1, RFC 9068 §4), applied after the signature is verified.
 */
import { ClaimMismatchError } from '../policy/claim-mismatch.js';
import { TokenGateError } from '../errors/error.js';
import type { Preset } from '../token/presets/preset.js';
import type { IssuerSettings, IssuerTable } from '../options/issuers.js';
import type { Claims } from '../token/types.js';

/** The claim rules of the verifier. */
export interface ClaimPolicy {
  readonly audiences: readonly string[];
  /** Seconds. */
  readonly clockTolerance: number;
  /** Seconds. */
  readonly maxTokenAge: number | undefined;
  readonly strict: boolean;
  /** An identity provider's claim rules (`preset`): the audience claim, and rules of its own. */
  readonly preset?: Pick<Preset, 'audienceClaim' | 'checkClaims'> | undefined;
}

const STRICT_REQUIRED = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'] as const;

function invalid(description: string, cause?: Error): TokenGateError {
  return new TokenGateError('invalid_token', description, cause === undefined ? {} : { cause });
}

function isoTime(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString();
}

function numericDate(claims: Claims, name: 'exp' | 'nbf' | 'iat'): number | undefined {
  const value = claims[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`The "${name}" claim must be a number`);
  return value;
}

/**
 * The issuer a token claims and its settings, if it is one of ours (a template's tenant checked
 * against the token's `tid`). Read before the key is chosen; trusted only after the signature.
 */
export function issuerOf(claims: Claims, table: IssuerTable): { readonly issuer: string; readonly settings: IssuerSettings } {
  const iss = claims.iss;
  if (typeof iss !== 'string') throw invalid('The token has no "iss" claim');
  const settings = table.find(iss, claims);
  if (settings === undefined) throw invalid('The token was issued by an issuer this API does not accept', new ClaimMismatchError('iss', table.names, iss));
  return { issuer: iss, settings };
}

/** `aud` must be a string or array naming one of `audiences` (absent: refused). */
export function checkAudience(aud: unknown, audiences: readonly string[]): void {
  if (typeof aud === 'string') {
    if (audiences.includes(aud)) return;
  } else if (Array.isArray(aud)) {
    if (aud.some((item) => typeof item === 'string' && audiences.includes(item))) return;
  } else if (aud === undefined) {
    throw invalid('The token has no "aud" claim');
  } else {
    throw invalid('The "aud" claim must be a string or an array of strings');
  }
  throw invalid('The token is meant for another audience', new ClaimMismatchError('aud', audiences, aud));
}

/** The time rules of a claim set. */
export type TimePolicy = Pick<ClaimPolicy, 'clockTolerance' | 'maxTokenAge'>;

/**
 * `exp` (required unless `expRequired` is false), `nbf`, a future `iat`, and `maxTokenAge`,
 * each with `clockTolerance`. `now` in seconds.
 */
export function checkTimes(claims: Claims, policy: TimePolicy, now: number, expRequired = true): void {
  const tolerance = policy.clockTolerance;
  const exp = numericDate(claims, 'exp');
  if (exp === undefined && expRequired) throw invalid('The token has no "exp" claim');
  if (exp !== undefined && now - tolerance >= exp) throw invalid(`The token expired at ${isoTime(exp)}`);
  const nbf = numericDate(claims, 'nbf');
  if (nbf !== undefined && nbf > now + tolerance) throw invalid(`The token is not valid before ${isoTime(nbf)}`);
  const iat = numericDate(claims, 'iat');
  if (iat !== undefined && iat > now + tolerance) throw invalid(`The token was issued in the future (${isoTime(iat)})`);
  if (policy.maxTokenAge !== undefined) {
    if (iat === undefined) throw invalid('The token has no "iat" claim, which "maxTokenAge" requires');
    if (now - iat - tolerance > policy.maxTokenAge) throw invalid(`The token is older than ${policy.maxTokenAge} seconds`);
  }
}

/** A claim that, when present, must be a string. */
export function checkStringClaim(claims: Claims, name: string): void {
  const value = claims[name];
  if (value !== undefined && typeof value !== 'string') throw invalid(`The "${name}" claim must be a string`);
}

/**
 * Check `aud`, `exp`, `nbf`, `iat`, `maxTokenAge` and (strict) RFC 9068's required claims.
 * `iss` is not checked again here: `issuerOf` already ran to pick the issuer's keys, and
 * the signature now vouches for the claim it read. `now` in seconds.
 */
export function checkClaims(claims: Claims, policy: ClaimPolicy, now: number): void {
  if (policy.strict) {
    for (const name of STRICT_REQUIRED) {
      if (claims[name] === undefined) throw invalid(`The token has no "${name}" claim, which RFC 9068 requires`);
    }
  }
  if (policy.preset?.audienceClaim === 'client_id') checkClientAudience(claims.client_id, policy.audiences);
  else checkAudience(claims.aud, policy.audiences);
  checkTimes(claims, policy, now);
  checkStringClaim(claims, 'sub');
  checkStringClaim(claims, 'client_id');
  checkStringClaim(claims, 'azp');
  checkStringClaim(claims, 'jti');
  policy.preset?.checkClaims?.(claims);
}

/** Providers whose access tokens have no `aud` (Cognito) name the app client in `client_id`: `audience` lists the accepted ones. */
function checkClientAudience(clientId: unknown, audiences: readonly string[]): void {
  if (typeof clientId !== 'string') throw invalid('The token has no "client_id" claim');
  if (!audiences.includes(clientId)) throw invalid('The token is meant for another app client', new ClaimMismatchError('client_id', audiences, clientId));
}
