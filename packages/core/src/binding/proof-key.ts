/**
 * The key a DPoP proof is signed with: the public JWK in its header (RFC 9449 §4.2), imported
 * for the proof's algorithm. A JWK with private members is refused: whoever sends a private key
 * has leaked it, and a key that may be anyone's proves nothing.
 */
import { invalidProof } from './invalid-proof.js';
import { jwkThumbprint } from '../keys/thumbprint.js';
import type { PreparedKey } from '../jwt/signature.js';
import { platform } from '../platform/current.js';

/** JWK members that only private or symmetric keys have (RFC 7517 §9.2, RFC 7518 §6). */
const PRIVATE_MEMBERS: readonly string[] = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/** `Ed25519` (RFC 9864) is EdDSA restricted to one curve. */
const ALIASES: Readonly<Record<string, string>> = { Ed25519: 'EdDSA' };

/** A proof key, ready to verify, with its RFC 7638 thumbprint. */
export interface ProofKey {
  readonly prepared: PreparedKey;
  readonly thumbprint: string;
}


/**
 * Import the header's `jwk` for `alg`.
 * @throws TokenGateError `invalid_dpop_proof` for a missing, private, malformed or unfitting key.
 * @example const { prepared, thumbprint } = await proofKey(header.jwk, 'ES256');
 */
export async function proofKey(jwk: unknown, alg: string): Promise<ProofKey> {
  if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk)) throw invalidProof('The DPoP proof header has no jwk public key');
  const members = jwk as Record<string, unknown>;
  if (PRIVATE_MEMBERS.some((name) => Object.hasOwn(members, name))) throw invalidProof('The DPoP proof jwk contains private key material');
  const thumbprint = jwkThumbprint(members);
  if (thumbprint === undefined) throw invalidProof('The DPoP proof jwk is not an RSA, EC or OKP public key');
  if (alg === 'Ed25519' && members.crv !== 'Ed25519') throw invalidProof('The DPoP proof jwk does not fit Ed25519');
  try {
    return { prepared: await platform.importPublicJwk(members, ALIASES[alg] ?? alg), thumbprint };
  } catch (cause) {
    throw invalidProof(`The DPoP proof jwk is not a usable ${alg} public key`, cause);
  }
}
