/**
 * What an opaque-token source says about a token.
 */
import type { Claims } from '../token/types.js';

/** The claims of an active token, or `null` (with the reason when the server refused the token outright). */
export interface Answer {
  readonly claims: Claims | null;
  readonly refusal?: string;
}

/** Asks the source about one token. */
export type ClaimsSource = (token: string) => Promise<Answer>;

/** The answer for a token that is not active. */
export const INACTIVE: Answer = Object.freeze({ claims: null });
