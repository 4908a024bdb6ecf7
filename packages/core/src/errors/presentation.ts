/**
 * How a verifier's failures look: its realm and problem base, the metadata URL its challenges
 * point at (RFC 9728 §5.1), and whether browser clients may read the challenge (CORS).
 */
import type { ResolvedOptions } from '../options/resolved.js';
import type { ErrorPresentation } from './error.js';

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
  });
}
