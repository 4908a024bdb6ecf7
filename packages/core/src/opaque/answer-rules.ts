/**
 * The rules an active answer must pass: like a JWT's claim rules, but only for the claims
 * present, plus evidence that the answer is about an access token for this API (servers that
 * ignore `token_type_hint` answer for refresh and ID tokens too).
 */
import { TokenGateError } from '../errors/error.js';
import { checkAudience, checkStringClaim, checkTimes, issuerOf } from '../jwt/claim-rules.js';
import type { IssuerSettings, IssuerTable } from '../options/issuers.js';
import { readClaim } from '../policy/claims.js';
import type { ResolvedOptions } from '../options/resolved.js';
import type { Claims } from '../token/types.js';

/** The claim rules of an answer: like a JWT's, but only for the claims present. Seconds. */
export interface AnswerPolicy {
  /** The accepted issuers and their audiences. */
  readonly issuerTable: IssuerTable;
  readonly clockTolerance: number;
  readonly maxTokenAge: number | undefined;
  /** Refuse answers without `aud` (`introspection.requireAudience`). */
  readonly requireAudience: boolean;
  /** Refuse answers that do not show an access token (off with `introspection.dangerouslyAcceptUntypedAnswers`). */
  readonly requireAccessTokenEvidence: boolean;
}

const UNTYPED =
  'The introspection answer does not show an access token for this API (no token_type, token_use or aud); see introspection.dangerouslyAcceptUntypedAnswers';
const REFRESH_TOKEN_URN = 'urn:ietf:params:oauth:token-type:refresh_token';
const REFRESH = 'The token is a refresh token, not an access token';
const ID_TOKEN = 'The token is an ID token, not an access token';

/**
 * The markers by which servers say an introspected token is not an access token: RFC 7662's
 * `token_type` (RFC 8693 URNs included), `token_use` (Ory Hydra, Cognito) and `typ` (Keycloak:
 * `Refresh`, `Offline` for offline refresh tokens, `ID`). Compared case-insensitively.
 */
const OTHER_TOKEN_MARKERS: readonly (readonly [claim: string, values: ReadonlyMap<string, string>])[] = [
  ['token_type', new Map([['refresh_token', REFRESH], ['refresh', REFRESH], [REFRESH_TOKEN_URN, REFRESH], ['urn:ietf:params:oauth:token-type:id_token', ID_TOKEN]])],
  ['token_use', new Map([['refresh_token', REFRESH], ['refresh', REFRESH], [REFRESH_TOKEN_URN, REFRESH], ['id', ID_TOKEN], ['id_token', ID_TOKEN]])],
  ['typ', new Map([['refresh', REFRESH], ['refresh_token', REFRESH], ['offline', REFRESH], [REFRESH_TOKEN_URN, REFRESH], ['id', ID_TOKEN]])],
];

/**
 * Positive evidence that an answer describes an access token: `token_type` naming an access-token
 * type (RFC 7662 §2.2 with RFC 6750, RFC 9449, RFC 8693's `N_A`), `token_use` `access_token`
 * (Ory Hydra), Keycloak's `typ: Bearer`. An `aud` naming this API counts too (checked apart).
 */
const ACCESS_TOKEN_MARKERS: readonly (readonly [claim: string, values: ReadonlySet<string>])[] = [
  ['token_type', new Set(['bearer', 'dpop', 'n_a'])],
  ['token_use', new Set(['access_token', 'access'])],
  ['typ', new Set(['bearer'])],
];

function marker(claims: Claims, claim: string): string | undefined {
  const value = readClaim(claims, claim);
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}

/**
 * A server that ignores `token_type_hint` answers `active: true` for a refresh token (or an ID
 * token) too; that is not an access token, so such an answer is refused.
 */
function checkNotOtherToken(claims: Claims): void {
  for (const [claim, values] of OTHER_TOKEN_MARKERS) {
    const value = marker(claims, claim);
    const refusal = value === undefined ? undefined : values.get(value);
    if (refusal !== undefined) throw new TokenGateError('invalid_token', refusal);
  }
}

function showsAccessToken(claims: Claims): boolean {
  return ACCESS_TOKEN_MARKERS.some(([claim, values]) => values.has(marker(claims, claim) ?? ''));
}

/**
 * Check an active answer and return the token's issuer: `iss` when present (one of ours), else
 * the single configured issuer; `aud`, when present, must name this API; `exp` and `nbf`, when
 * present, honour `clockTolerance`; an answer marking a refresh token is refused. `now` in seconds.
 */
export function checkAnswer(claims: Claims, policy: AnswerPolicy, now: number): { readonly issuer: string; readonly settings: IssuerSettings } {
  checkNotOtherToken(claims);
  const table = policy.issuerTable;
  const single = table.names.length === 1 ? table.exact[0] : undefined;
  const singleSettings = single === undefined ? undefined : table.settingsOf(single);
  const accepted = readClaim(claims, 'iss') === undefined && single !== undefined && singleSettings !== undefined ? { issuer: single, settings: singleSettings } : issuerOf(claims, table);
  const aud = readClaim(claims, 'aud');
  if (aud !== undefined) checkAudience(aud, accepted.settings.audiences);
  else if (policy.requireAudience) throw new TokenGateError('invalid_token', 'The token names no audience; this API requires one');
  // Some servers (oidc-provider among them) answer `active: true` for refresh tokens with neither
  // `token_type` nor `aud`: without evidence the answer is about an access token for us, refuse it.
  else if (policy.requireAccessTokenEvidence && !showsAccessToken(claims)) throw new TokenGateError('invalid_token', UNTYPED);
  // An active answer vouches for the token; `exp` is checked only when the server sends it.
  checkTimes(claims, policy, now, false);
  checkStringClaim(claims, 'sub');
  checkStringClaim(claims, 'client_id');
  return accepted;
}

/**
 * The answer rules of a verifier's options. Access-token evidence is required of introspection
 * answers only: `resolveToken` is the application's own source and says what it means.
 * @example const policy = answerPolicy(options);
 */
export function answerPolicy(options: ResolvedOptions): AnswerPolicy {
  const { introspection } = options;
  return {
    issuerTable: options.issuerTable,
    clockTolerance: options.clockTolerance,
    maxTokenAge: options.maxTokenAge,
    requireAudience: introspection?.requireAudience === true,
    requireAccessTokenEvidence: introspection !== undefined && !introspection.dangerouslyAcceptUntypedAnswers,
  };
}
