/**
 * The platform, as the public API shows it: which build is loaded and its default signature check.
 */
import type { SignatureVerifier } from '../jwt/signature.js';
import { platform } from './current.js';

/** Which build of tokengate is loaded: `node` (`node:crypto`) or `web` (WebCrypto, no `node:` imports). */
export const platformName: 'node' | 'web' = platform.name;

/**
 * The default `SignatureVerifier` of this build: `node:crypto` on Node, WebCrypto on the Web build.
 * Wrap it to add to it (metrics, an HSM for some keys) rather than re-implementing it.
 * @example createVerifier({ issuer, audience, signatureVerifier: (key, data, sig) => defaultSignatureVerifier(key, data, sig) })
 */
export const defaultSignatureVerifier: SignatureVerifier = platform.verifySignature;

/** @deprecated The name of `defaultSignatureVerifier` before the Web build: the same function. */
export const nodeSignatureVerifier: SignatureVerifier = defaultSignatureVerifier;
