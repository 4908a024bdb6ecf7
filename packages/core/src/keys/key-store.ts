/**
 * Signing keys for every accepted issuer (multi-tenant), each issuer's key set and metadata held
 * in a bounded LRU cache. Discovery runs once per issuer, shared by concurrent requests.
 */
import { LRUCache } from 'lru-cache';
import { discoverMetadata, type IssuerMetadata } from './discovery.js';
import { IssuerKeySet, type KeySetSettings } from './key-set.js';
import type { JwksSnapshot } from './snapshot.js';

/** Settings of the store: those of each key set, plus the cache bound and each issuer's fixed JWKS URL. */
export interface KeyStoreSettings extends Omit<KeySetSettings, 'onKeySetChange'> {
  readonly maxIssuers: number;
  /** An issuer's key set URL when it is configured or derived (`jwksUri`, a preset's rule); `undefined`: discover it. */
  readonly jwksUriFor?: ((issuer: string) => string | undefined) | undefined;
  /** Accept a discovered `http:` jwks_uri on a non-loopback host (`dangerouslyAllowHttpIssuer`). */
  readonly allowHttp: boolean;
  /** Called with the issuer and the key ids of each new key set. */
  readonly onKeySetChange?: (issuer: string, thumbprints: ReadonlySet<string>) => void;
}

interface IssuerEntry {
  readonly keys: IssuerKeySet;
  metadata: Promise<IssuerMetadata> | undefined;
  /** When the last discovery failed (clock ms): its failure is the answer until `failureBackoffMs` passes. */
  failedAt: number | undefined;
}

/** Keys and metadata of many issuers. */
export class KeyStore {
  readonly #settings: KeyStoreSettings;
  readonly #issuers: LRUCache<string, IssuerEntry>;

  constructor(settings: KeyStoreSettings) {
    this.#settings = settings;
    this.#issuers = new LRUCache<string, IssuerEntry>({ max: settings.maxIssuers });
  }

  /** Every key set fetched (or seeded), for another process to start with. */
  jwksSnapshot(): JwksSnapshot {
    return this.#settings.jwksCaches.snapshot();
  }

  /** The key set of an accepted issuer (created on first use). */
  keySet(issuer: string): IssuerKeySet {
    return this.#entry(issuer).keys;
  }

  /**
   * The issuer's metadata (RFC 8414 / OIDC Discovery), fetched once and shared. A failed discovery
   * is retried only after `failureBackoffMs`, like the JWKS, so an issuer whose metadata is down is
   * not asked again on every request.
   */
  metadata(issuer: string): Promise<IssuerMetadata> {
    const entry = this.#entry(issuer);
    const { clock, failureBackoffMs } = this.#settings;
    if (entry.metadata !== undefined && entry.failedAt !== undefined && clock() >= entry.failedAt + failureBackoffMs) entry.metadata = undefined;
    if (entry.metadata === undefined) {
      const pending = discoverMetadata(issuer, this.#settings, this.#settings.allowHttp);
      entry.metadata = pending;
      entry.failedAt = undefined;
      pending.catch(() => {
        if (entry.metadata === pending) entry.failedAt = clock();
      });
    }
    return entry.metadata;
  }

  #entry(issuer: string): IssuerEntry {
    let entry = this.#issuers.get(issuer);
    if (entry === undefined) {
      const settings = this.#settings;
      const keys = new IssuerKeySet(() => this.#jwksUri(issuer), {
        ...settings,
        onKeySetChange: settings.onKeySetChange && ((thumbprints) => settings.onKeySetChange?.(issuer, thumbprints)),
      });
      entry = { keys, metadata: undefined, failedAt: undefined };
      this.#issuers.set(issuer, entry);
    }
    return entry;
  }

  async #jwksUri(issuer: string): Promise<string> {
    const fixed = this.#settings.jwksUriFor?.(issuer);
    if (fixed !== undefined) return fixed;
    const metadata = await this.metadata(issuer);
    if (metadata.jwks_uri === undefined) throw new Error('The issuer metadata has no jwks_uri');
    return metadata.jwks_uri;
  }
}
