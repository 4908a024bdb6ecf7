/**
 * The Web platform: WebCrypto, @noble/hashes and plain JavaScript; nothing from `node:`. Client
 * certificates are not exposed to JavaScript on these runtimes, so `mtls` is refused at start-up.
 */
import type { Platform } from '../platform.js';
import { encoding, equalBytes, hmacSha256, sha256 } from './digest.js';
import { importPublicJwk, prepareKey } from './keys.js';
import { webSignatureVerifier } from './signature.js';

/** Core's primitives without `node:`. */
export const platform: Platform = Object.freeze({
  name: 'web',
  sha256,
  hmacSha256,
  equalBytes,
  ...encoding,
  prepareKey,
  importPublicJwk,
  verifySignature: webSignatureVerifier,
  certificates: undefined,
});
