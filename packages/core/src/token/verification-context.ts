/**
 * What the verifier that verified a token knows and requirement checks need: the effective scopes
 * (with `scopeImplications`) and the verifier's clock and tolerance (for step-up's `max_age`).
 * Kept beside the token, which stays exactly as issued.
 */
import type { Clock } from './types.js';
import type { ScopeExpander } from './scope-implications.js';
import type { AccessToken } from './types.js';

/** A token's verification context. */
export interface VerificationContext {
  /** The scopes requirement checks see. */
  readonly scopes: readonly string[];
  /** Current time in ms, by the verifier's clock. */
  readonly clock: Clock;
  /** Seconds of leeway for times. */
  readonly clockTolerance: number;
}

/** What a verifier records. */
export interface VerificationSettings {
  readonly expandScopes: ScopeExpander | undefined;
  readonly clock: Clock;
  readonly clockTolerance: number;
}

const contexts = new WeakMap<AccessToken, VerificationContext>();

/** Record the context of a token just verified; returns the token. */
export function recordVerification(token: AccessToken, settings: VerificationSettings): AccessToken {
  const scopes = settings.expandScopes === undefined ? token.scopes : settings.expandScopes(token.scopes);
  contexts.set(token, { scopes, clock: settings.clock, clockTolerance: settings.clockTolerance });
  return token;
}

/** A token's context: the recorded one, or its own scopes and the system clock (a token tokengate did not verify). */
export function verificationContext(token: AccessToken): VerificationContext {
  return contexts.get(token) ?? { scopes: token.scopes, clock: Date.now, clockTolerance: 0 };
}

/** The scopes requirement checks see: the effective ones, or the token's own. */
export function effectiveScopes(token: AccessToken): readonly string[] {
  return contexts.get(token)?.scopes ?? token.scopes;
}
