/**
 * The signature step: the token's signature checked with its key; when that fails, once more
 * with a renewed key (the issuer may have re-keyed under the same `kid`).
 */
import { TokenGateError } from '../errors/error.js';
import { describeBadSignature } from './decode.js';
import type { TokenKey } from './key-lookup.js';
import type { PreparedKey, SignatureVerifier } from './signature.js';

/** A verifier that throws says no: a broken key or signature is a bad signature, not a crash. */
function safeVerify(verifier: SignatureVerifier, key: PreparedKey, signingInput: Buffer, signature: Buffer): boolean {
  try {
    return verifier(key, signingInput, signature) === true;
  } catch {
    return false;
  }
}

/**
 * Check the signature; resolve the key that verified it, or reject with 401 `invalid_token`.
 * @example const key = await verifySignature(token, tokenKey, signingInput, signature, nodeSignatureVerifier);
 */
export async function verifySignature(token: string, tokenKey: TokenKey, signingInput: Buffer, signature: Buffer, verifier: SignatureVerifier): Promise<PreparedKey> {
  if (safeVerify(verifier, tokenKey.key, signingInput, signature)) return tokenKey.key;
  const renewed = await tokenKey.renewed();
  if (renewed === undefined || !safeVerify(verifier, renewed, signingInput, signature)) throw new TokenGateError('invalid_token', describeBadSignature(token));
  return renewed;
}
