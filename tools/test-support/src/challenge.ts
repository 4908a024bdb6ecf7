/** The `WWW-Authenticate` values tokengate sends (RFC 6750 §3), written out for exact comparison. */

/** The challenge without an error: no credentials, or another scheme. */
export const BARE_CHALLENGE = 'Bearer realm="api"';

/** The optional parameters of a challenge: the scope a 403 names, and a realm other than `api`. */
export interface ChallengeParameters {
  readonly scope?: string;
  readonly realm?: string;
}

/** A Bearer challenge with an error and its description (an RFC 9110 quoted-string), then the scope when given. */
export function bearerChallenge(error: string, description: string, { scope, realm = 'api' }: ChallengeParameters = {}): string {
  const quoted = description.replace(/[\\"]/g, '\\$&');
  return `Bearer realm="${realm}", error="${error}", error_description="${quoted}"${scope === undefined ? '' : `, scope="${scope}"`}`;
}
