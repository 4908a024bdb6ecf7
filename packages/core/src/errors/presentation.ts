/**
 * How a verifier's failures look: its realm and problem base, the metadata URL its challenges
 * point at (RFC 9728 §5.1), whether browser clients may read the challenge (CORS), and the DPoP
 * challenge and nonce (RFC 9449 §7.1, §8).
 */
import { createNonces } from '../binding/nonce.js';
import type { ResolvedOptions } from '../options/resolved.js';
import type { DpopPresentation, ErrorPresentation } from './error.js';

function dpopPresentation(options: ResolvedOptions): DpopPresentation | undefined {
  const { dpop } = options;
  if (dpop === undefined) return undefined;
  const nonces = dpop.nonce && createNonces(dpop.nonce, options.clock);
  return Object.freeze({ algorithms: dpop.algorithms, required: dpop.required, nonce: nonces && (() => nonces.issue()) });
}

/**
 * The presentation of a verifier's errors.
 * @example presentationOf(options).resourceMetadata // 'https://api.example.com/.well-known/oauth-protected-resource/mcp'
 */
export function presentationOf(options: ResolvedOptions): ErrorPresentation {
  return Object.freeze({
    realm: options.realm,
    problemTypeBase: options.problemTypeBase,
    resourceMetadata: options.resource?.metadataUrl,
    exposeHeaders: options.cors !== undefined,
    dpop: dpopPresentation(options),
  });
}
