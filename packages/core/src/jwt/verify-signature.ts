/**
 * The signature step: the token's signature checked with its key; when that fails, once more
 * with a renewed key (the issuer may have re-keyed under the same `kid`).
 */
import { TokenGateError } from '../errors/error.js';
import { describeBadSignature } from './decode.js';
import type { TokenKey } from './key-lookup.js';
import type { PreparedKey, SignatureVerifier } from './signature.js';

/** A verifier that throws says no: a broken key or signature is a bad signature, not a crash. */
async function safeVerify(verifier: SignatureVerifier, key: PreparedKey, signingInput: Uint8Array, signature: Uint8Array): Promise<boolean> {
  try {
    return (await verifier(key, signingInput, signature)) === true;
  } catch {
    return false;
  }
}

/**
 * Check the signature; resolve the key that verified it, or reject with 401 `invalid_token`.
 * @example const key = await verifySignature(token, tokenKey, signingInput, signature, platform.verifySignature);
 */
export async function verifySignature(token: string, tokenKey: TokenKey, signingInput: Uint8Array, signature: Uint8Array, verifier: SignatureVerifier): Promise<PreparedKey> {
  if (await safeVerify(verifier, tokenKey.key, signingInput, signature)) return tokenKey.key;
  const renewed = await tokenKey.renewed();
  if (renewed === undefined || !(await safeVerify(verifier, renewed, signingInput, signature))) throw new TokenGateError('invalid_token', describeBadSignature(token));
  return renewed;
}
