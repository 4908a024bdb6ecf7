/**
 * The verified-token cache: clients reuse one access token for its whole life, so most requests
 * present a token already verified. A hit re-checks the token's times against the clock; the
 * route's type and scope guards run on every request as usual.
 *
 * Only successes are cached. A bad token costs a full verification every time, so garbage
 * cannot be used to push good entries out cheaply: an attacker who wants to evict entries must
 * present validly signed tokens, which only the issuer can mint.
 */
import { LRUCache } from 'lru-cache';
import type { AccessToken } from './types.js';

/** Sizing of the verified-token cache. */
export interface TokenCacheOptions {
  /** Most entries kept. Default 10000. `0` disables the cache. */
  readonly maxEntries?: number;
  /** Most memory (approximate bytes of token text and claims) kept. Default 33554432 (32 MiB). */
  readonly maxBytes?: number;
}

/** Whatever vouches for the key a cached token was verified with; hits need it fresh. */
export interface KeyFreshness {
  readonly fresh: boolean;
}

interface Entry {
  readonly token: AccessToken;
  readonly keys: KeyFreshness;
  readonly kid: string | undefined;
  /** Seconds. */
  readonly exp: number;
  readonly nbf: number;
  readonly iat: number | undefined;
  readonly size: number;
}

/** Time rules re-applied on a hit. Seconds. */
export interface CacheTimePolicy {
  readonly clockTolerance: number;
  readonly maxTokenAge: number | undefined;
}

// Rough per-entry overhead of the entry, the AccessToken and its arrays, beyond the strings.
const ENTRY_OVERHEAD = 512;

/** A bounded cache of verified tokens, keyed by the token text. */
export class TokenCache {
  readonly #entries: LRUCache<string, Entry>;
  readonly #policy: CacheTimePolicy;

  constructor(options: Required<TokenCacheOptions>, policy: CacheTimePolicy) {
    this.#entries = new LRUCache<string, Entry>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      sizeCalculation: (entry) => entry.size,
    });
    this.#policy = policy;
  }

  /** The cached token if it is still within its times at `now` (seconds); drops it otherwise. */
  get(token: string, now: number): AccessToken | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    const { clockTolerance, maxTokenAge } = this.#policy;
    // A stale key set means the issuer may have withdrawn the key: verify fully, which refreshes it.
    if (!entry.keys.fresh) return undefined;
    const fresh =
      now - clockTolerance < entry.exp &&
      entry.nbf <= now + clockTolerance &&
      (maxTokenAge === undefined || entry.iat === undefined || now - entry.iat - clockTolerance <= maxTokenAge);
    if (fresh) return entry.token;
    this.#entries.delete(token);
    return undefined;
  }

  /** Whether the token is held (verified once, so well-formed); no recency update, no time check. */
  has(token: string): boolean {
    return this.#entries.has(token, { updateAgeOnHas: false });
  }

  /** Remember a token that passed every check. */
  set(accessToken: AccessToken, kid: string | undefined, keys: KeyFreshness): void {
    const { claims } = accessToken;
    // The key and AccessToken.token share one string; the decoded claims take about what their
    // encoded text does, with V8 object overhead on top.
    const size = accessToken.token.length * 4 + ENTRY_OVERHEAD;
    if (size > this.#entries.maxSize) return;
    this.#entries.set(accessToken.token, {
      token: accessToken,
      keys,
      kid,
      exp: claims.exp as number,
      nbf: typeof claims.nbf === 'number' ? claims.nbf : Number.NEGATIVE_INFINITY,
      iat: typeof claims.iat === 'number' ? claims.iat : undefined,
      size,
    });
  }

  /** Drop the entries of `issuer` signed by keys no longer published. */
  dropRemovedKeys(issuer: string, kids: ReadonlySet<string>): void {
    for (const [key, entry] of this.#entries.entries()) {
      if (entry.token.issuer === issuer && (entry.kid === undefined || !kids.has(entry.kid))) this.#entries.delete(key);
    }
  }

  /** Number of entries. */
  get size(): number {
    return this.#entries.size;
  }

  /** Approximate bytes held. */
  get bytes(): number {
    return this.#entries.calculatedSize;
  }

  /** Forget everything. */
  clear(): void {
    this.#entries.clear();
  }
}
