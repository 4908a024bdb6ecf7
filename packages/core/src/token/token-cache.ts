/**
 * The verified-token cache: clients reuse one access token for its whole life, so most requests
 * present a token already verified. A hit re-checks the token's times against the clock; the
 * route's type and scope guards run on every request as usual.
 *
 * Only successes are cached. A bad token costs a full verification every time, so garbage
 * cannot be used to push good entries out cheaply: an attacker who wants to evict entries must
 * present validly signed tokens, which only the issuer can mint.
 *
 * Admission: by default a token enters the cache on its second successful verification. Tokens
 * seen once (a burst of fresh tokens, a scan) then never displace the tokens clients keep
 * reusing, and never turn into cache entries that die in the old generation; a reused token
 * pays one extra verification over its lifetime.
 *
 * Entries are keyed by a 32-bit fingerprint of the token's last characters (its signature's
 * tail) and a hit needs the whole text to be equal: a lookup hashes 16 characters instead of the
 * whole token, the key is a small integer (no key string to load and compare on a hit), and a
 * different token can never be answered from the cache. Two tokens with the same fingerprint
 * share one slot: the later one replaces the earlier, which then costs one more verification.
 */
import { LRUCache } from 'lru-cache';
import type { AccessToken } from './types.js';

/** Sizing of the verified-token cache. */
export interface TokenCacheOptions {
  /** Most entries kept. Default 10000. `0` disables the cache. */
  readonly maxEntries?: number;
  /** Most memory (approximate bytes of token text and claims) kept. Default 33554432 (32 MiB). */
  readonly maxBytes?: number;
  /**
   * Successful verifications of a token before it is cached: `2` (default) caches tokens on
   * their second use, so one-off tokens never displace reused ones; `1` caches on first use.
   */
  readonly admitAfter?: 1 | 2;
}

/** Whatever vouches for the key a cached token was verified with; hits need it fresh. */
export interface KeyFreshness {
  readonly fresh: boolean;
}

interface Entry {
  /** The token's text, on the entry itself so a hit compares it without another load. */
  readonly text: string;
  readonly token: AccessToken;
  readonly keys: KeyFreshness;
  /** The RFC 7638 thumbprint of the key that verified the token (not its `kid`, which may be reused). */
  readonly thumbprint: string | undefined;
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
/** Characters of the token's end the fingerprint reads: part of any JWS signature. */
const FINGERPRINT_LENGTH = 16;

/**
 * FNV-1a over the token's last characters: 32 bits (a small integer) that tell tokens apart. It
 * keys cache entries and the admission doorkeeper; equality of the whole text decides a hit.
 */
function fingerprint(token: string): number {
  let hash = 0x811c9dc5;
  for (let i = Math.max(0, token.length - FINGERPRINT_LENGTH); i < token.length; i += 1) {
    hash = Math.imul(hash ^ token.charCodeAt(i), 0x01000193);
  }
  return hash | 0;
}

/**
 * Tokens verified once and not cached yet, as fingerprints. Bounded: it is emptied when full. A
 * fingerprint collision only admits a token one use early, never answers a different token.
 */
class Doorkeeper {
  readonly #seen = new Set<number>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** True when the token (by its fingerprint) was seen before (and forgets it); otherwise remembers it. */
  admit(print: number): boolean {
    if (this.#seen.delete(print)) return true;
    if (this.#seen.size >= this.#capacity) this.#seen.clear();
    this.#seen.add(print);
    return false;
  }
}

/** A bounded cache of verified tokens. */
export class TokenCache {
  readonly #entries: LRUCache<number, Entry>;
  readonly #policy: CacheTimePolicy;
  readonly #doorkeeper: Doorkeeper | undefined;

  constructor(options: Required<TokenCacheOptions>, policy: CacheTimePolicy) {
    this.#entries = new LRUCache<number, Entry>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      sizeCalculation: (entry) => entry.size,
    });
    this.#policy = policy;
    this.#doorkeeper = options.admitAfter === 1 ? undefined : new Doorkeeper(Math.max(64, options.maxEntries * 2));
  }

  /** The cached token if it is still within its times at `now` (seconds); drops it otherwise. */
  get(token: string, now: number): AccessToken | undefined {
    const key = fingerprint(token);
    const entry = this.#entries.get(key);
    // Another token with the same fingerprint is a miss, and keeps its slot.
    if (entry === undefined || entry.text !== token) return undefined;
    const { clockTolerance, maxTokenAge } = this.#policy;
    // A stale key set means the issuer may have withdrawn the key: verify fully, which refreshes it.
    if (!entry.keys.fresh) return undefined;
    const fresh =
      now - clockTolerance < entry.exp &&
      entry.nbf <= now + clockTolerance &&
      (maxTokenAge === undefined || entry.iat === undefined || now - entry.iat - clockTolerance <= maxTokenAge);
    if (fresh) return entry.token;
    this.#entries.delete(key);
    return undefined;
  }

  /**
   * Whether the cache holds exactly this token text, whatever its times: it was verified as a
   * JWS, so it is a well-formed b64token (extraction skips its linear syntax scan).
   */
  holds(token: string): boolean {
    return this.#entries.peek(fingerprint(token))?.text === token;
  }

  /** Remember a token that passed every check (on its second success, unless `admitAfter` is 1). */
  set(accessToken: AccessToken, thumbprint: string | undefined, keys: KeyFreshness): void {
    const { claims, token } = accessToken;
    // The decoded claims take about what their encoded text does, with V8 object overhead on top.
    const size = token.length * 4 + ENTRY_OVERHEAD;
    if (size > this.#entries.maxSize) return;
    const key = fingerprint(token);
    if (this.#doorkeeper !== undefined && !this.#doorkeeper.admit(key)) return;
    this.#entries.set(key, {
      text: token,
      token: accessToken,
      keys,
      thumbprint,
      exp: claims.exp as number,
      nbf: typeof claims.nbf === 'number' ? claims.nbf : Number.NEGATIVE_INFINITY,
      iat: typeof claims.iat === 'number' ? claims.iat : undefined,
      size,
    });
  }

  /**
   * Drop the entries of `issuer` verified with a key no longer published, compared by key material
   * (thumbprint): a key replaced under the same `kid` is withdrawn too.
   */
  dropRemovedKeys(issuer: string, thumbprints: ReadonlySet<string>): void {
    for (const [key, entry] of this.#entries.entries()) {
      if (entry.token.issuer === issuer && (entry.thumbprint === undefined || !thumbprints.has(entry.thumbprint))) this.#entries.delete(key);
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
