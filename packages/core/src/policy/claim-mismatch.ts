/**
 * What the server's log needs when a token names another issuer or audience: the value it
 * carried and the configured ones. Carried as the `cause` of the 401, which is never serialised,
 * so the client learns nothing new; `onError` sees what to fix (a trailing slash, the API's
 * client id instead of its URL, …).
 */

const SHOWN = 200;

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > SHOWN ? `${text.slice(0, SHOWN)}…` : text;
}

function nearMiss(actual: unknown, expected: readonly string[]): string {
  const values = typeof actual === 'string' ? [actual] : Array.isArray(actual) ? actual.filter((item): item is string => typeof item === 'string') : [];
  const strip = (text: string) => text.replace(/\/+$/, '').toLowerCase();
  const close = values.some((value) => expected.some((wanted) => strip(value) === strip(wanted)));
  return close ? ' (they differ only by a trailing slash or letter case: check the configured value)' : '';
}

/** A claim this API does not accept, with the expected and actual values, for logs only. */
export class ClaimMismatchError extends Error {
  override readonly name = 'ClaimMismatchError';
  /** `iss` or `aud`. */
  readonly claim: string;
  /** The configured values. */
  readonly expected: readonly string[];
  /** What the token carried (the token's own text; log it as such). */
  readonly actual: unknown;

  constructor(claim: string, expected: readonly string[], actual: unknown) {
    super(`The token's "${claim}" is ${shown(actual)}; this API is configured for ${expected.map((value) => shown(value)).join(' or ')}${nearMiss(actual, expected)}`);
    this.claim = claim;
    this.expected = expected;
    this.actual = actual;
  }
}
