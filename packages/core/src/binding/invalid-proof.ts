/**
 * The failure of a DPoP proof (RFC 9449 §7.1): 401 `invalid_dpop_proof`.
 */
import { TokenGateError } from '../errors/error.js';

/**
 * A refused proof, saying why.
 * @example throw invalidProof('The DPoP proof signature is invalid');
 */
export function invalidProof(description: string, cause?: unknown): TokenGateError {
  return new TokenGateError('invalid_dpop_proof', description, cause === undefined ? {} : { cause });
}
