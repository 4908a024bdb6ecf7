/**
 * The key store of a verifier, from its options: keys withdrawn by an issuer leave the
 * verified-token cache with them.
 */
import type { ResolvedOptions } from '../options/resolved.js';
import type { TokenCache } from '../token/token-cache.js';
import { KeyStore } from './key-store.js';
import { JwksCaches } from './snapshot.js';

/**
 * Create the key store of a verifier.
 * @example const keys = createKeyStore(options, cache);
 */
export function createKeyStore(options: ResolvedOptions, cache: TokenCache | undefined): KeyStore {
  return new KeyStore({
    ...options.jwks,
    fetch: options.fetch,
    clock: options.clock,
    // Each issuer's own key set URL, or its provider's (a Google service account's), else discovery.
    jwksUriFor: (issuer) => {
      const settings = options.issuerTable.settingsOf(issuer);
      return settings?.jwksUri ?? settings?.preset?.jwksUri?.(issuer);
    },
    allowHttp: options.dangerouslyAllowHttpIssuer,
    onKeySetChange: cache && ((issuer, thumbprints) => cache.dropRemovedKeys(issuer, thumbprints)),
    jwksCaches: new JwksCaches(options.jwksSnapshot, options.jwks.maxIssuers),
  });
}
