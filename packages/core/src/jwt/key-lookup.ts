/**
 * The key a token's signature is checked with: the configured HMAC secret for HS* algorithms,
 * else the issuer's published key for the header's `kid` (fetched when not known yet), with a
 * way to ask for a renewed key when the signature fails.
 */
import type { IssuerKeySet } from '../keys/key-set.js';
import type { KeyStore } from '../keys/key-store.js';
import type { ResolvedOptions } from '../options/resolved.js';
import type { KeyFreshness } from '../token/token-cache.js';
import type { ProtectedHeader } from '../token/types.js';
import { HMAC_ALGORITHMS } from './algorithms.js';
import { platform } from '../platform/current.js';
import type { PreparedKey } from './signature.js';

/** A key for one token, and how to renew it after a failed signature. */
export interface TokenKey {
  readonly key: PreparedKey;
  /** Vouches for cached verifications made with this key (the key set's freshness). */
  readonly freshness: KeyFreshness;
  /** The key set fetched again (at most once per cooldown): a different key for this header, or `undefined`. */
  renewed(): Promise<PreparedKey | undefined>;
}

/** A configured shared secret cannot be withdrawn by the issuer. */
const ALWAYS_FRESH: KeyFreshness = Object.freeze({ fresh: true });
const NOT_RENEWABLE = async (): Promise<undefined> => undefined;

function hmacKeys(options: ResolvedOptions): Map<string, PreparedKey | Promise<PreparedKey>> {
  const keys = new Map<string, PreparedKey | Promise<PreparedKey>>();
  if (options.secret === undefined) return keys;
  for (const alg of HMAC_ALGORITHMS) if (options.algorithms.has(alg)) keys.set(alg, platform.prepareKey(alg, undefined, options.secret));
  return keys;
}

/**
 * Create the key lookup of a verifier.
 * @example const keyFor = createKeyLookup(options, keyStore); const { key } = await keyFor(issuer, header);
 */
export function createKeyLookup(options: ResolvedOptions, store: KeyStore): (issuer: string, header: ProtectedHeader) => Promise<TokenKey> {
  const secrets = hmacKeys(options);
  return async function keyFor(issuer: string, header: ProtectedHeader): Promise<TokenKey> {
    const secret = secrets.get(header.alg);
    if (secret !== undefined) return { key: await secret, freshness: ALWAYS_FRESH, renewed: NOT_RENEWABLE };
    const keys: IssuerKeySet = store.keySet(issuer);
    const key = keys.cachedKey(header) ?? (await keys.getKey(header));
    return { key, freshness: keys, renewed: () => keys.renewedKey(header, key) };
  };
}
