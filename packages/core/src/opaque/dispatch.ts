/**
 * Which path a token takes, by the verifier's `mode`: `jwt` verifies locally (and pays nothing
 * for opaque-token support), `introspect` sends every token to the opaque path, `auto` decides
 * by shape and refuses encrypted (JWE) tokens without contacting anyone.
 */
import { encryptedTokenError, looksLikeJwe } from '../jwt/jwe.js';
import type { VerifyToken } from '../jwt/verify-jwt.js';
import type { VerificationMode } from '../options/types.js';
import { looksLikeJws } from './shape.js';

/**
 * The verification for a token under `mode`.
 * @example const verifyToken = chooseVerification('auto', verifyJwt, verifyOpaque);
 */
export function chooseVerification(mode: VerificationMode, verifyJwt: VerifyToken, verifyOpaque: VerifyToken | undefined): VerifyToken {
  if (verifyOpaque === undefined) return verifyJwt;
  if (mode === 'introspect') return verifyOpaque;
  return async (token) => {
    if (looksLikeJws(token)) return verifyJwt(token);
    // An encrypted token is neither a JWS nor ours to send to the introspection endpoint.
    if (looksLikeJwe(token)) throw encryptedTokenError();
    return verifyOpaque(token);
  };
}
