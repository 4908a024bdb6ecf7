/**
 * `WWW-Authenticate` challenges: RFC 6750 §3 `Bearer` and RFC 9449 §7.1 `DPoP`.
 */

/** The authentication schemes tokengate challenges with. */
export type ChallengeScheme = 'Bearer' | 'DPoP';

/** The members a challenge may carry. */
export interface ChallengeParameters {
  /** Protection space (RFC 7235 §2.2). */
  readonly realm?: string | undefined;
  /** OAuth error code; omitted when the request carried no credentials (RFC 6750 §3.1). */
  readonly error?: string | undefined;
  /** Human-readable description, restricted to RFC 6750's character set. */
  readonly errorDescription?: string | undefined;
  /** Scopes required by the resource (RFC 6750 §3, `insufficient_scope`). */
  readonly scope?: readonly string[] | undefined;
  /** Step-up (RFC 9470 §3): the authentication context classes and the maximum authentication age (seconds). */
  readonly acrValues?: readonly string[] | undefined;
  readonly maxAge?: number | undefined;
  /** The URL of this resource's protected-resource metadata (RFC 9728 §5.1). */
  readonly resourceMetadata?: string | undefined;
  /** DPoP only: the proof algorithms accepted (RFC 9449 §7.1 `algs`). */
  readonly algs?: readonly string[] | undefined;
}

// RFC 6750 §3: error_description is %x20-21 / %x23-5B / %x5D-7E. Characters outside
// printable ASCII (CR, LF, NUL, non-ASCII) are replaced so no header can be split.
const OUTSIDE_PRINTABLE_ASCII = /[^\x20-\x7e]/g;
const BACKSLASH_OR_QUOTE = /[\\"]/g;

/**
 * Quote a value as an RFC 9110 quoted-string: printable ASCII only, `\` escaped before `"`.
 * @example quote('say "hi"') // => '"say \\"hi\\""'
 */
export function quote(value: string): string {
  return `"${value.replace(OUTSIDE_PRINTABLE_ASCII, ' ').replace(BACKSLASH_OR_QUOTE, '\\$&')}"`;
}

/**
 * Build one challenge of a `WWW-Authenticate` header value (Bearer unless `scheme` says DPoP).
 * @example formatChallenge({ realm: 'api', error: 'invalid_token', errorDescription: 'expired' })
 * // => 'Bearer realm="api", error="invalid_token", error_description="expired"'
 */
export function formatChallenge(parameters: ChallengeParameters, scheme: ChallengeScheme = 'Bearer'): string {
  const parts: string[] = [];
  if (parameters.realm !== undefined) parts.push(`realm=${quote(parameters.realm)}`);
  if (parameters.error !== undefined) {
    parts.push(`error=${quote(parameters.error)}`);
    if (parameters.errorDescription) parts.push(`error_description=${quote(parameters.errorDescription)}`);
  }
  if (parameters.scope !== undefined && parameters.scope.length > 0) {
    parts.push(`scope=${quote(parameters.scope.join(' '))}`);
  }
  if (parameters.acrValues !== undefined && parameters.acrValues.length > 0) parts.push(`acr_values=${quote(parameters.acrValues.join(' '))}`);
  if (parameters.maxAge !== undefined) parts.push(`max_age=${quote(String(parameters.maxAge))}`);
  if (parameters.resourceMetadata !== undefined) parts.push(`resource_metadata=${quote(parameters.resourceMetadata)}`);
  if (parameters.algs !== undefined && parameters.algs.length > 0) parts.push(`algs=${quote(parameters.algs.join(' '))}`);
  return parts.length === 0 ? scheme : `${scheme} ${parts.join(', ')}`;
}
