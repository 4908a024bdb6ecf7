/**
 * The response headers of a failure: its challenges (RFC 6750 §3, RFC 9449 §7.1), `Retry-After`
 * and `DPoP-Nonce`, and the CORS exposure of them.
 */
import { formatChallenge, type ChallengeParameters } from './challenge.js';
import { ERROR_CODES, type TokenGateErrorCode } from './codes.js';
import type { ErrorPresentation, StepUp } from './error.js';

/** Headers of an error: callable for a copy, and readable member by member. */
export interface ErrorHeaders {
  (): Record<string, string>;
  readonly [name: string]: string;
}

/** Scopes a client never gets by asking again, so a challenge never names them. */
const UNREQUESTABLE_SCOPES: ReadonlySet<string> = new Set(['offline_access']);

/** What the headers are made from: the members of a `TokenGateError`. */
export interface HeaderSource {
  readonly code: TokenGateErrorCode;
  readonly status: number;
  readonly description: string;
  readonly requiredScopes: readonly string[];
  readonly retryAfter: number;
  readonly responseHeaders: Readonly<Record<string, string>>;
  readonly presentation: ErrorPresentation;
  readonly stepUp: StepUp | undefined;
}

function errorParameters(error: HeaderSource): ChallengeParameters {
  const oauth = ERROR_CODES[error.code].oauth;
  return {
    error: oauth ? error.code : undefined,
    errorDescription: oauth ? error.description : undefined,
    scope: error.code === 'insufficient_scope' ? error.requiredScopes.filter((scope) => !UNREQUESTABLE_SCOPES.has(scope)) : undefined,
    acrValues: error.stepUp?.acrValues,
    maxAge: error.stepUp?.maxAge,
  };
}

/**
 * The challenge of every scheme this verifier accepts (RFC 9110 §11.6.1 allows several in one
 * header); the error goes on the scheme the request used, which comes first.
 */
function challengeOf(error: HeaderSource): string {
  const { realm, resourceMetadata, dpop, scheme } = error.presentation;
  const shared: ChallengeParameters = { realm, resourceMetadata: error.status === 401 || error.status === 403 ? resourceMetadata : undefined };
  const failed: ChallengeParameters = { ...shared, ...errorParameters(error) };
  if (dpop === undefined) return formatChallenge(failed);
  const dpopScheme = dpop.required || scheme === 'DPoP';
  const dpopChallenge = formatChallenge({ ...(dpopScheme ? failed : shared), algs: dpop.algorithms }, 'DPoP');
  if (dpop.required) return dpopChallenge;
  return dpopScheme ? `${dpopChallenge}, ${formatChallenge(shared)}` : `${formatChallenge(failed)}, ${dpopChallenge}`;
}

/**
 * `WWW-Authenticate` on 400/401/403 (RFC 6750 §3), `Retry-After` on 503 and 429, `DPoP-Nonce` on 401
 * when nonces are on: a function returning a copy, with the same members.
 */
export function headersOf(error: HeaderSource): ErrorHeaders {
  const values: Record<string, string> = { ...error.responseHeaders };
  if (error.status === 400 || error.status === 401 || error.status === 403) values['WWW-Authenticate'] = challengeOf(error);
  if (error.status === 503 || error.status === 429) values['Retry-After'] = String(error.retryAfter);
  const nonce = error.status === 401 ? error.presentation.dpop?.nonce : undefined;
  if (nonce !== undefined) values['DPoP-Nonce'] = nonce();
  const exposed = Object.keys(values);
  if (error.presentation.exposeHeaders === true && exposed.length > 0) values['Access-Control-Expose-Headers'] = exposed.join(', ');
  const headers = function headers(): Record<string, string> {
    return { ...values };
  };
  return Object.freeze(Object.assign(headers, values)) as unknown as ErrorHeaders;
}

