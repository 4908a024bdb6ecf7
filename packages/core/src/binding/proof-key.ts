/**
 * The key a DPoP proof is signed with: the public JWK in its header (RFC 9449 §4.2), imported
 * for the proof's algorithm. A JWK with private members is refused: whoever sends a private key
 * has leaked it, and a key that may be anyone's proves nothing. A client signs every proof with
 * the same key, and importing a JWK costs as much as verifying a signature, so imported keys are
 * kept in a small LRU under their algorithm and RFC 7638 thumbprint (which names exactly the
 * members the import reads).
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { TokenGateError } from '../errors/error.js';
import { jwkThumbprint } from '../keys/thumbprint.js';
import { prepareKey, type PreparedKey } from '../jwt/signature.js';

/** JWK members that only private or symmetric keys have (RFC 7517 §9.2, RFC 7518 §6). */
const PRIVATE_MEMBERS: readonly string[] = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/** `Ed25519` (RFC 9864) is EdDSA restricted to one curve. */
const ALIASES: Readonly<Record<string, string>> = { Ed25519: 'EdDSA' };

/** A proof key, ready to verify, with its RFC 7638 thumbprint. */
export interface ProofKey {
  readonly prepared: PreparedKey;
  readonly thumbprint: string;
}

function invalidProof(description: string, cause?: unknown): TokenGateError {
  return new TokenGateError('invalid_dpop_proof', description, { cause });
}

/** Imports proof keys: `(jwk, alg) => ProofKey`. */
export type ProofKeys = (jwk: unknown, alg: string) => ProofKey;

/**
 * Import the header's `jwk` for `alg`, or take it from the imported keys.
 * @throws TokenGateError `invalid_dpop_proof` for a missing, private, malformed or unfitting key.
 */
function proofKey(jwk: unknown, alg: string, imported: LRUCache<string, ProofKey>): ProofKey {
  if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk)) throw invalidProof('The DPoP proof header has no jwk public key');
  const members = jwk as Record<string, unknown>;
  if (PRIVATE_MEMBERS.some((name) => Object.hasOwn(members, name))) throw invalidProof('The DPoP proof jwk contains private key material');
  const thumbprint = jwkThumbprint(members);
  if (thumbprint === undefined) throw invalidProof('The DPoP proof jwk is not an RSA, EC or OKP public key');
  if (alg === 'Ed25519' && members.crv !== 'Ed25519') throw invalidProof('The DPoP proof jwk does not fit Ed25519');
  const name = `${alg}.${thumbprint}`;
  const known = imported.get(name);
  if (known !== undefined) return known;
  let key: ProofKey;
  try {
    key = { prepared: prepareKey(ALIASES[alg] ?? alg, undefined, createPublicKey({ key: members as JsonWebKey, format: 'jwk' })), thumbprint };
  } catch (cause) {
    throw invalidProof(`The DPoP proof jwk is not a usable ${alg} public key`, cause);
  }
  imported.set(name, key);
  return key;
}

/**
 * The proof-key import of a verifier, keeping up to `maxKeys` imported keys.
 * @example const keyOf = createProofKeys(1000); const { prepared, thumbprint } = keyOf(header.jwk, 'ES256');
 */
export function createProofKeys(maxKeys: number): ProofKeys {
  const imported = new LRUCache<string, ProofKey>({ max: maxKeys });
  return (jwk, alg) => proofKey(jwk, alg, imported);
}
