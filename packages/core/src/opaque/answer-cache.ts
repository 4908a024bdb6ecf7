/**
 * The cache of opaque-token answers (introspection or `resolveToken`). Keys are SHA-256 digests
 * of the token, so the cache never holds token text: neither as a key nor inside an entry.
 *
 * Accepted tokens are kept for at most `cacheMaxAge` and never past their `exp`; refused ones
 * (inactive, or failing this API's checks) for `inactiveCacheAge`, so a replayed bad token
 * does not cost an introspection per request. Refusals live in a small cache of their own, so a
 * flood of junk tokens never evicts a good token's answer. Concurrent lookups of one token share
 * one request (single flight), and at most `maxInFlight` different tokens are looked up at once.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { AccessToken, Clock } from '../token/types.js';

/** An accepted token without its text: the cache stores no token, and the text is put back on a hit. */
export type AcceptedToken = Omit<AccessToken, 'token'>;

/** What the source said about a token, once this API's checks have run. */
export type OpaqueOutcome =
  | { readonly accepted: AcceptedToken; readonly refused?: undefined }
  | { readonly refused: string; readonly accepted?: undefined };

/** Bounds of the cache. */
export interface OpaqueCacheSettings {
  /** Seconds an accepted answer is kept (also bounded by the token's `exp`); `0` keeps none. */
  readonly cacheMaxAge: number;
  /** Seconds a refused answer is kept; `0` keeps none. */
  readonly inactiveCacheAge: number;
  /** Most entries; `0` disables the cache (single flight still applies). */
  readonly maxEntries: number;
  /** Most approximate bytes held. */
  readonly maxBytes: number;
  /** Most different tokens looked up at the same time; past it `lookup` throws `LookupOverloadError`. */
  readonly maxInFlight: number;
  readonly clock: Clock;
}

/** Thrown by `lookup` when `maxInFlight` lookups are under way already. */
export class LookupOverloadError extends Error {
  override readonly name = 'LookupOverloadError';
}

/** Refusals are small and many: they get a tenth of the entries, at most this many. */
const MAX_REFUSALS = 1_000;

interface Entry {
  readonly outcome: OpaqueOutcome;
  /** Epoch milliseconds after which the entry is stale. */
  readonly expiresAt: number;
  readonly size: number;
}

// Rough per-entry overhead beyond the claims: the entry, the AccessToken, the 43-character key.
const ENTRY_OVERHEAD = 512;

/**
 * The cache key of a token: its SHA-256 digest, base64url.
 * @example cacheKey('dba896fe-8f14-46bd-89ac-4270091e9db1') // => 43 characters, not the token
 */
export function cacheKey(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** A bounded cache of opaque-token outcomes with single-flight lookups. */
export class IntrospectionCache {
  readonly #settings: OpaqueCacheSettings;
  /** Accepted answers. */
  readonly #entries: LRUCache<string, Entry> | undefined;
  /** Refused answers, apart: junk tokens only ever displace other junk. */
  readonly #refusals: LRUCache<string, Entry> | undefined;
  readonly #inFlight = new Map<string, Promise<OpaqueOutcome>>();

  constructor(settings: OpaqueCacheSettings) {
    this.#settings = settings;
    const enabled = settings.maxEntries > 0 && settings.maxBytes > 0;
    this.#entries =
      enabled && settings.cacheMaxAge > 0
        ? new LRUCache<string, Entry>({ max: settings.maxEntries, maxSize: settings.maxBytes, sizeCalculation: (entry) => entry.size })
        : undefined;
    const refusals = Math.min(MAX_REFUSALS, Math.max(1, Math.floor(settings.maxEntries / 10)));
    this.#refusals = enabled && settings.inactiveCacheAge > 0 ? new LRUCache<string, Entry>({ max: refusals }) : undefined;
  }

  /**
   * The outcome for `key`: cached, shared with a lookup under way, or produced by `load`.
   * `size` estimates the bytes of an accepted outcome's claims.
   */
  lookup(key: string, load: () => Promise<{ outcome: OpaqueOutcome; size: number }>): Promise<OpaqueOutcome> {
    const cached = this.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    let pending = this.#inFlight.get(key);
    if (pending === undefined) {
      if (this.#inFlight.size >= this.#settings.maxInFlight) return Promise.reject(new LookupOverloadError(`${this.#inFlight.size} lookups are under way already`));
      pending = this.#load(key, load);
      this.#inFlight.set(key, pending);
    }
    return pending;
  }

  /** The cached outcome when still fresh; drops a stale one. */
  get(key: string): OpaqueOutcome | undefined {
    return this.#fresh(this.#entries, key) ?? this.#fresh(this.#refusals, key);
  }

  #fresh(entries: LRUCache<string, Entry> | undefined, key: string): OpaqueOutcome | undefined {
    const entry = entries?.get(key);
    if (entry === undefined) return undefined;
    if (this.#settings.clock() < entry.expiresAt) return entry.outcome;
    entries?.delete(key);
    return undefined;
  }

  /** Remember an outcome; `size` estimates the bytes of its claims. */
  set(key: string, outcome: OpaqueOutcome, size = 0): void {
    const now = this.#settings.clock();
    if (outcome.accepted === undefined) {
      this.#refusals?.set(key, { outcome, expiresAt: now + this.#settings.inactiveCacheAge * 1000, size: 0 });
      return;
    }
    if (this.#entries === undefined) return;
    let expiresAt = now + this.#settings.cacheMaxAge * 1000;
    const exp = outcome.accepted.expiresAt?.getTime();
    if (exp !== undefined && exp < expiresAt) expiresAt = exp;
    const bytes = size + ENTRY_OVERHEAD;
    if (expiresAt <= now || bytes > this.#entries.maxSize) return;
    this.#refusals?.delete(key);
    this.#entries.set(key, { outcome, expiresAt, size: bytes });
  }

  /** The keys held (accepted, then refused), most recently used first: digests, never token text. */
  keys(): string[] {
    return [...(this.#entries?.keys() ?? []), ...(this.#refusals?.keys() ?? [])];
  }

  /** Number of entries, accepted and refused. */
  get size(): number {
    return (this.#entries?.size ?? 0) + (this.#refusals?.size ?? 0);
  }

  async #load(key: string, load: () => Promise<{ outcome: OpaqueOutcome; size: number }>): Promise<OpaqueOutcome> {
    try {
      const { outcome, size } = await load();
      this.set(key, outcome, size);
      return outcome;
    } finally {
      this.#inFlight.delete(key);
    }
  }
}
