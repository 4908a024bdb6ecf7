/**
 * A key's identity: its RFC 7638 JWK thumbprint. Key names (`kid`) can be reused by an issuer that
 * re-keys under the same name, so what a cached verification depends on is the key material.
 */
import { createHash, type KeyObject } from 'node:crypto';

/** The members RFC 7638 §3.2 hashes for each key type, in lexicographic order. */
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
};

/**
 * The RFC 7638 SHA-256 thumbprint of a public JWK, or `undefined` for a key type or shape it does
 * not cover (such a key matches no cached entry, which is only ever the safe way round).
 * @example jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: '11qY…' })
 */
export function jwkThumbprint(jwk: Readonly<Record<string, unknown>>): string | undefined {
  const members = typeof jwk.kty === 'string' ? REQUIRED_MEMBERS[jwk.kty] : undefined;
  if (members === undefined) return undefined;
  const canonical: Record<string, string> = {};
  for (const member of members) {
    const value = jwk[member];
    if (typeof value !== 'string') return undefined;
    canonical[member] = value;
  }
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}

/** The thumbprint of a public `KeyObject`. */
export function keyObjectThumbprint(key: KeyObject): string | undefined {
  return jwkThumbprint(key.export({ format: 'jwk' }) as Record<string, unknown>);
}
