/**
 * The Node platform: `node:crypto`, `Buffer`, and client certificates from TLS sockets.
 */
import type { Platform } from '../platform.js';
import { certificateThumbprint } from './certificate.js';
import { encoding, equalBytes, hmacSha256, sha256 } from './digest.js';
import { importPublicJwk, prepareKey } from './keys.js';
import { nodeSignatureVerifier } from './signature.js';
import { trustedProxies } from './trusted-proxies.js';

/** Core's primitives on Node. */
export const platform: Platform = Object.freeze({
  name: 'node',
  sha256,
  hmacSha256,
  equalBytes,
  ...encoding,
  prepareKey,
  importPublicJwk,
  verifySignature: nodeSignatureVerifier,
  certificates: Object.freeze({ trustedProxies, certificateThumbprint }),
});
