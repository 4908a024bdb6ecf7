/**
 * Signature checks without `node:`: WebCrypto's `subtle.verify` with the parameters prepared
 * once per key, and HMAC compared in constant time.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { SignatureVerifier, WebVerifyInput } from '../../jwt/signature.js';
import { equalBytes } from './digest.js';

const HMAC_HASHES = { sha256, sha384, sha512 } as const;

/** The default `SignatureVerifier` of the Web build. */
export const webSignatureVerifier: SignatureVerifier = async (prepared, signingInput, signature) => {
  const { spec } = prepared;
  // Signatures of the wrong length need no rule here: `equalBytes` and `subtle.verify` answer false.
  if (spec.family === 'HS') {
    const hash = HMAC_HASHES[spec.digest as keyof typeof HMAC_HASHES];
    return equalBytes(hmac(hash, prepared.key as Uint8Array, signingInput), signature);
  }
  const { algorithm, key } = prepared.verifyInput as WebVerifyInput;
  return crypto.subtle.verify(algorithm, key, signature as Uint8Array<ArrayBuffer>, signingInput as Uint8Array<ArrayBuffer>);
};
