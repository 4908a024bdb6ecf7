/**
 * A key's identity: its RFC 7638 JWK thumbprint. Key names (`kid`) can be reused by an issuer that
 * re-keys under the same name, so what a cached verification depends on is the key material.
 */
import { platform } from '../platform/current.js';
import { canonicalJwk } from './canonical-jwk.js';

/**
 * The RFC 7638 SHA-256 thumbprint of a public JWK, or `undefined` for a key type or shape it does
 * not cover (such a key matches no cached entry, which is only ever the safe way round).
 * @example jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: '11qY…' })
 */
export function jwkThumbprint(jwk: Readonly<Record<string, unknown>>): string | undefined {
  const canonical = canonicalJwk(jwk);
  return canonical === undefined ? undefined : platform.sha256(canonical);
}
