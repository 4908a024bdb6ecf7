/**
 * The text an RFC 7638 thumbprint hashes: the required members of a public JWK, in
 * lexicographic order, as JSON without whitespace.
 */

/** The members RFC 7638 §3.2 hashes for each key type, in lexicographic order. */
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
};

/**
 * The thumbprint input of a public JWK, or `undefined` for a key type or shape RFC 7638 does not
 * cover here (such a key matches no cached entry, which is only ever the safe way round).
 * @example canonicalJwk({ kty: 'OKP', crv: 'Ed25519', x: '11qY…' }) // => '{"crv":"Ed25519","kty":"OKP","x":"11qY…"}'
 */
export function canonicalJwk(jwk: Readonly<Record<string, unknown>>): string | undefined {
  const members = typeof jwk.kty === 'string' && Object.hasOwn(REQUIRED_MEMBERS, jwk.kty) ? REQUIRED_MEMBERS[jwk.kty] : undefined;
  if (members === undefined) return undefined;
  const canonical: Record<string, string> = {};
  for (const member of members) {
    const value = jwk[member];
    if (typeof value !== 'string') return undefined;
    canonical[member] = value;
  }
  return JSON.stringify(canonical);
}
