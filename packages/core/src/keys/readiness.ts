/**
 * `verifier.ready()`: everything a verifier fetches, fetched once at start-up, so a server can
 * refuse to start rather than answer 503.
 */
import { HMAC_ALGORITHMS } from '../jwt/algorithms.js';
import type { ResolvedOptions } from '../options/resolved.js';
import type { KeyStore } from './key-store.js';

/**
 * Resolve when every issuer's key set (and a discovered introspection endpoint) is usable;
 * reject with an `Error` naming the issuer and what is wrong.
 * @example await checkReady(options, keys);
 */
export async function checkReady(options: ResolvedOptions, keys: KeyStore): Promise<void> {
  const usesKeys = [...options.algorithms].some((alg) => !HMAC_ALGORITHMS.includes(alg)) && options.mode !== 'introspect';
  for (const issuer of options.issuers) {
    try {
      if (usesKeys) await keys.keySet(issuer).load();
      if (options.introspection !== undefined && options.introspection.endpoint === undefined) {
        const endpoint = (await keys.metadata(issuer)).introspection_endpoint;
        if (typeof endpoint !== 'string') throw new Error('The issuer metadata has no introspection_endpoint: set introspection.endpoint');
      }
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new Error(`tokengate cannot verify tokens of ${issuer}: ${reason}`, { cause });
    }
  }
}
