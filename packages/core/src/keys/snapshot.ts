/**
 * Key sets carried from one process to the next: a short-lived process (a Workers isolate, a
 * serverless cold start) starts with the key sets an earlier one fetched instead of fetching
 * them before its first answer. A snapshot holds each JWKS URL's public keys and when they were
 * fetched; they are used while fresh (`jwks.cacheMaxAgeMs` from then), then fetched as usual.
 * The keys are trusted for verification: a snapshot must come from storage that only the
 * application writes.
 */
import { LRUCache } from 'lru-cache';
import { fail } from '../options/checks.js';

/** One JWKS URL's key set, as fetched. */
export interface JwksSnapshotEntry {
  readonly jwksUri: string;
  readonly jwks: { readonly keys: readonly Readonly<Record<string, unknown>>[] };
  /** When it was fetched: milliseconds since the Unix epoch. */
  readonly fetchedAt: number;
}

/** The key sets of a verifier (`verifier.jwksSnapshot()`), to seed another (`jwks.snapshot`). Plain JSON. */
export interface JwksSnapshot {
  readonly version: 1;
  readonly keySets: readonly JwksSnapshotEntry[];
}

/** The cache object jose's remote key set reads at creation and writes after each fetch. */
export type JoseJwksCache = { jwks?: JwksSnapshotEntry['jwks']; uat?: number };

/** A clock skew a snapshot's `fetchedAt` may be ahead by (another machine wrote it). */
const MAX_AHEAD_MS = 60_000;

function checkEntry(entry: unknown, now: number): JwksSnapshotEntry {
  const { jwksUri, jwks, fetchedAt } = (entry ?? {}) as Partial<Record<keyof JwksSnapshotEntry, unknown>>;
  if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri)) fail('jwks.snapshot', 'has an entry without an absolute jwksUri');
  const keys = (jwks as { keys?: unknown } | null | undefined)?.keys;
  if (!Array.isArray(keys) || keys.some((key) => key === null || typeof key !== 'object')) fail('jwks.snapshot', `has no key set ({ keys: [...] }) for ${jwksUri}`);
  if (typeof fetchedAt !== 'number' || !Number.isFinite(fetchedAt) || fetchedAt > now + MAX_AHEAD_MS) {
    fail('jwks.snapshot', `has no fetchedAt (milliseconds since the epoch, not in the future) for ${jwksUri}`);
  }
  return { jwksUri, jwks: jwks as JwksSnapshotEntry['jwks'], fetchedAt };
}

/**
 * `jwks.snapshot`, checked. Throws a TypeError naming the option for anything else than what
 * `jwksSnapshot()` returns.
 * @example resolveJwksSnapshot(JSON.parse(await env.KV.get('jwks')), Date.now())
 */
export function resolveJwksSnapshot(value: unknown, now: number): JwksSnapshot | undefined {
  if (value === undefined) return undefined;
  const snapshot = value as Partial<JwksSnapshot> | null;
  if (snapshot === null || typeof snapshot !== 'object' || snapshot.version !== 1 || !Array.isArray(snapshot.keySets)) {
    fail('jwks.snapshot', 'must be what verifier.jwksSnapshot() returned: { version: 1, keySets: [...] }');
  }
  return Object.freeze({ version: 1, keySets: Object.freeze(snapshot.keySets.map((entry) => checkEntry(entry, now))) });
}

/** The jose caches of one verifier, by JWKS URL: seeded from a snapshot, filled by fetches. */
export class JwksCaches {
  readonly #caches: LRUCache<string, JoseJwksCache>;

  constructor(snapshot: JwksSnapshot | undefined, maxEntries: number) {
    this.#caches = new LRUCache({ max: maxEntries });
    for (const { jwksUri, jwks, fetchedAt } of snapshot?.keySets ?? []) this.#caches.set(jwksUri, { jwks: structuredClone(jwks), uat: fetchedAt });
  }

  /** The cache object of `jwksUri` (jose keeps a reference and writes into it). */
  cacheFor(jwksUri: string): JoseJwksCache {
    let cache = this.#caches.get(jwksUri);
    if (cache === undefined) {
      cache = {};
      this.#caches.set(jwksUri, cache);
    }
    return cache;
  }

  /** Every key set held, as plain JSON. */
  snapshot(): JwksSnapshot {
    const keySets: JwksSnapshotEntry[] = [];
    for (const [jwksUri, { jwks, uat }] of this.#caches.entries()) {
      if (jwks !== undefined && uat !== undefined) keySets.push({ jwksUri, jwks: structuredClone(jwks), fetchedAt: uat });
    }
    return { version: 1, keySets };
  }
}
