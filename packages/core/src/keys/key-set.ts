/**
 * One issuer's signing keys. jose's remote key set does the fetching: one request in flight,
 * a cooldown before an unknown `kid` may trigger a refetch, a timeout. On top of it: keys
 * prepared once for the runtime (platform/), the last good key set served when a refresh fails (up to a
 * maximum stale age), a back-off after failures so an issuer outage is not hammered, and a
 * notice when the key set changes.
 */
import { createLocalJWKSet, createRemoteJWKSet, customFetch, errors, jwksCache, type ExportedJWKSCache, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';
import type { webcrypto } from 'node:crypto';
import { TokenGateError } from '../errors/error.js';
import { createCappedFetch, explainedJwksFailure, IssuerResponseError, type HttpLimits, type ResponseSummary } from './fetch.js';
import { isKeySelectionError, keySelectionError, lookupKey, thumbprints } from './key-selection.js';
import type { JwksCaches } from './snapshot.js';
import { KeyMismatchError, type PreparedKey } from '../jwt/signature.js';
import { platform } from '../platform/current.js';
import type { Clock, ProtectedHeader } from '../token/types.js';

/** Settings of one issuer's key set. Durations in milliseconds. */
export interface KeySetSettings extends HttpLimits {
  readonly cooldownMs: number;
  readonly cacheMaxAgeMs: number;
  readonly maxStaleAgeMs: number;
  readonly failureBackoffMs: number;
  readonly clock: Clock;
  /** Called with the RFC 7638 thumbprints of each new key set's keys (for caches keyed by key). */
  readonly onKeySetChange?: (thumbprints: ReadonlySet<string>) => void;
  /** Key sets by URL, seeded from `jwks.snapshot` and kept for `jwksSnapshot()`. */
  readonly jwksCaches: JwksCaches;
}

type LocalSet = ReturnType<typeof createLocalJWKSet>;
type RemoteSet = ReturnType<typeof createRemoteJWKSet>;
type CryptoKey = webcrypto.CryptoKey;
type KeyLookup = (header: JWSHeaderParameters) => Promise<CryptoKey>;

/** The keys of one issuer. `getKey` resolves a prepared key or throws a `TokenGateError`. */
export class IssuerKeySet {
  readonly #settings: KeySetSettings;
  readonly #resolveJwksUri: () => Promise<string>;
  readonly #prepared = new Map<string, PreparedKey>();
  #remote: RemoteSet | undefined;
  #fetchedGeneration = 0;
  #appliedGeneration = 0;
  #lastGood: { readonly local: LocalSet; readonly at: number } | undefined;
  #failedAt = Number.NEGATIVE_INFINITY;
  /** When the key set was last fetched (clock ms), to space out refetches after a bad signature. */
  #fetchedAt = Number.NEGATIVE_INFINITY;
  /** The last answer of the JWKS endpoint, to name it when the key set cannot be used. */
  #lastResponse: ResponseSummary | undefined;

  constructor(resolveJwksUri: () => Promise<string>, settings: KeySetSettings) {
    this.#resolveJwksUri = resolveJwksUri;
    this.#settings = settings;
  }

  /** True while the key set is within `cacheMaxAgeMs` of its fetch (cached verifications rely on it). */
  get fresh(): boolean {
    return this.#remote !== undefined && this.#remote.fresh;
  }

  /** The prepared key for this header when it is already known and the key set is fresh; no I/O. */
  cachedKey(header: ProtectedHeader): PreparedKey | undefined {
    if (this.#remote === undefined || !this.#remote.fresh) return undefined;
    return this.#prepared.get(lookupKey(header));
  }

  /**
   * Fetch the key set now (start-up check): resolves with the number of keys it publishes, or
   * rejects with what is wrong (the endpoint's answer named, as in logs).
   */
  async load(): Promise<number> {
    const remote = this.#remote ?? (await this.#createRemote());
    try {
      await remote.reload();
    } catch (error) {
      throw this.#explained(error);
    }
    this.#applyNewKeySet();
    const keys = remote.jwks()?.keys ?? [];
    if (keys.length === 0) throw new IssuerResponseError('The issuer publishes an empty key set');
    return keys.length;
  }

  /**
   * After a signature failed with `used`: the key set fetched again, unless it was fetched (or
   * tried) within `cooldownMs` or a fetch failed within `failureBackoffMs` (so forged tokens
   * cannot make the issuer be asked more often), and the key
   * it now has for the header when that is another key; `undefined` otherwise, failures included
   * (the signature then stays refused with the keys known).
   */
  async renewedKey(header: ProtectedHeader, used: PreparedKey): Promise<PreparedKey | undefined> {
    const now = this.#settings.clock();
    if (this.#remote === undefined || now < this.#fetchedAt + this.#settings.cooldownMs || this.#inBackoff()) return undefined;
    // Spaced from the attempt, not the answer: an issuer that does not answer is not asked again sooner.
    this.#fetchedAt = now;
    try {
      await this.#remote.reload();
      this.#applyNewKeySet();
      const key = await this.#remember(header, await (this.#remote as unknown as KeyLookup)(header as JWSHeaderParameters));
      return key.thumbprint === used.thumbprint ? undefined : key;
    } catch {
      return undefined;
    }
  }

  /** Find the key for a token header, fetching the key set when needed. */
  async getKey(header: ProtectedHeader): Promise<PreparedKey> {
    const cached = this.cachedKey(header);
    if (cached) return cached;
    if (this.#inBackoff()) return this.#fromLastGood(header, undefined);
    let cryptoKey: CryptoKey;
    try {
      const remote = this.#remote ?? (await this.#createRemote());
      cryptoKey = await (remote as unknown as KeyLookup)(header as JWSHeaderParameters);
    } catch (error) {
      if (isKeySelectionError(error)) throw keySelectionError(error);
      this.#failedAt = this.#settings.clock();
      return this.#fromLastGood(header, this.#explained(error));
    }
    this.#applyNewKeySet();
    return this.#remember(header, cryptoKey);
  }

  async #createRemote(): Promise<RemoteSet> {
    const jwksUri = await this.#resolveJwksUri();
    if (this.#remote !== undefined) return this.#remote;
    const cache = this.#settings.jwksCaches.cacheFor(jwksUri);
    // A key set from a snapshot is also the last good one: it serves while the issuer is down, up to maxStaleAgeMs.
    if (cache.jwks !== undefined && cache.uat !== undefined) this.#lastGood = { local: createLocalJWKSet(cache.jwks as JSONWebKeySet), at: cache.uat };
    this.#remote = createRemoteJWKSet(new URL(jwksUri), {
      timeoutDuration: this.#settings.timeoutMs,
      cooldownDuration: this.#settings.cooldownMs,
      cacheMaxAge: this.#settings.cacheMaxAgeMs,
      [jwksCache]: cache as ExportedJWKSCache,
      [customFetch]: createCappedFetch(this.#settings, (summary) => {
        this.#lastResponse = summary;
        this.#fetchedAt = this.#settings.clock();
        if (summary.status === 200) this.#fetchedGeneration += 1;
      }),
    });
    return this.#remote;
  }

  /** The failure, with what the JWKS endpoint answered (said once). */
  #explained(error: unknown): unknown {
    const last = this.#lastResponse;
    this.#lastResponse = undefined;
    return explainedJwksFailure(error, last);
  }

  #inBackoff(): boolean {
    return this.#settings.clock() < this.#failedAt + this.#settings.failureBackoffMs;
  }

  /** After a successful lookup: if jose took a new key set, forget prepared keys and keep it as last good. */
  #applyNewKeySet(): void {
    if (this.#fetchedGeneration === this.#appliedGeneration || this.#remote === undefined) return;
    this.#appliedGeneration = this.#fetchedGeneration;
    const jwks = this.#remote.jwks();
    if (!jwks) return;
    this.#prepared.clear();
    this.#lastGood = { local: createLocalJWKSet(jwks), at: this.#settings.clock() };
    this.#settings.onKeySetChange?.(thumbprints(jwks));
  }

  async #remember(header: ProtectedHeader, cryptoKey: CryptoKey): Promise<PreparedKey> {
    let prepared: PreparedKey;
    try {
      prepared = await platform.prepareKey(header.alg, header.kid, cryptoKey);
    } catch (error) {
      if (error instanceof KeyMismatchError) throw new TokenGateError('invalid_token', 'The issuer key does not fit the token algorithm', { cause: error });
      throw error;
    }
    this.#prepared.set(lookupKey(header), prepared);
    return prepared;
  }

  async #fromLastGood(header: ProtectedHeader, cause: unknown): Promise<PreparedKey> {
    const lastGood = this.#lastGood;
    if (lastGood === undefined || this.#settings.clock() - lastGood.at > this.#settings.maxStaleAgeMs) throw this.#unavailable(cause);
    const known = this.#prepared.get(lookupKey(header));
    if (known) return known;
    try {
      return await this.#remember(header, await (lastGood.local as unknown as KeyLookup)(header as JWSHeaderParameters));
    } catch (error) {
      // An unknown kid while the issuer cannot be reached may be a key we have not seen yet.
      if (error instanceof errors.JWKSNoMatchingKey) throw this.#unavailable(cause);
      if (isKeySelectionError(error)) throw keySelectionError(error);
      throw error;
    }
  }

  #unavailable(cause: unknown): TokenGateError {
    const remaining = this.#failedAt + this.#settings.failureBackoffMs - this.#settings.clock();
    return new TokenGateError('temporarily_unavailable', "The token issuer's signing keys cannot be fetched right now", {
      cause,
      retryAfter: Math.max(1, Math.ceil(remaining / 1000)),
    });
  }
}
