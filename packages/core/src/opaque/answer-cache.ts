/**
 * The cache of opaque-token outcomes, on the `Store` seam so that instances can share it.
 * Keys are SHA-256 digests of the token under a prefix naming this API's rules, so the store
 * never holds token text and two APIs sharing a store never answer for each other.
 *
 * Accepted answers are kept for at most `maxAge` and never past their `exp`; refused ones
 * (inactive, or failing this API's rules) for `inactiveMaxAge`, in a store of their own by
 * default, so a flood of junk tokens never evicts a good token's answer.
 */
import { platform } from '../platform/current.js';
import type { Claims } from '../token/types.js';
import type { Store } from '../store/store.js';
import { storeCall } from '../store/bounded.js';

/** What the source said about a token, once this API's rules have run. */
export type OpaqueOutcome = { readonly claims: Claims; readonly refused?: undefined } | { readonly refused: string; readonly claims?: undefined };

/** Where and how long outcomes are kept. Seconds. */
export interface AnswerCacheSettings {
  /** Accepted answers. */
  readonly accepted: Store;
  /** Refused answers (may be the same store: keys differ). */
  readonly refused: Store;
  /** Seconds an accepted answer is kept (also bounded by the token's `exp`); `0` keeps none. */
  readonly maxAge: number;
  /** Seconds a refused answer is kept; `0` keeps none. */
  readonly inactiveMaxAge: number;
  /** Names this API's rules (issuers, audiences, endpoint, client): part of every key. */
  readonly scope: string;
  /** Current time in ms. */
  readonly clock: () => number;
}

/**
 * The digest of a token: SHA-256, base64url.
 * @example tokenDigest('dba896fe-8f14-46bd-89ac-4270091e9db1') // => 43 characters, not the token
 */
export function tokenDigest(token: string): string {
  return platform.sha256(token);
}

/** How long a request waits for a shared store before it asks the source instead (shorter: the source can answer). */
const STORE_TIMEOUT_MS = 1_000;

/**
 * A store error is the store's problem: the answer is fetched again rather than the request
 * failed, and a store that does not answer in time counts as one that failed.
 */
async function quietly<T>(store: Store, operation: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await storeCall(store, operation(), STORE_TIMEOUT_MS);
  } catch {
    return fallback;
  }
}

function parse(text: string | undefined): OpaqueOutcome | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as { claims?: unknown; refused?: unknown };
    if (typeof value.refused === 'string') return { refused: value.refused };
    if (value.claims !== null && typeof value.claims === 'object' && !Array.isArray(value.claims)) return { claims: value.claims as Claims };
  } catch {
    // Not ours, or damaged: a miss.
  }
  return undefined;
}

/** The cache of one verifier. */
export interface AnswerCache {
  /** The outcome kept for `digest`, if any. */
  get(digest: string): Promise<OpaqueOutcome | undefined>;
  /** Keep an outcome; accepted ones no longer than `exp` (seconds) allows. */
  set(digest: string, outcome: OpaqueOutcome): Promise<void>;
}

/**
 * Create the answer cache of a verifier.
 * @example const cache = createAnswerCache({ accepted: store, refused: store, maxAge: 60, inactiveMaxAge: 5, scope, clock: Date.now });
 */
export function createAnswerCache(settings: AnswerCacheSettings): AnswerCache {
  const acceptedKey = (digest: string): string => `tokengate:introspection:${settings.scope}:a:${digest}`;
  const refusedKey = (digest: string): string => `tokengate:introspection:${settings.scope}:r:${digest}`;
  return {
    async get(digest) {
      if (settings.maxAge > 0) {
        const accepted = parse(await quietly(settings.accepted, () => settings.accepted.get(acceptedKey(digest)), undefined));
        if (accepted !== undefined) return accepted;
      }
      if (settings.inactiveMaxAge <= 0) return undefined;
      return parse(await quietly(settings.refused, () => settings.refused.get(refusedKey(digest)), undefined));
    },
    async set(digest, outcome) {
      if (outcome.claims === undefined) {
        await quietly(settings.refused, () => settings.refused.set(refusedKey(digest), JSON.stringify({ refused: outcome.refused }), settings.inactiveMaxAge), undefined);
        return;
      }
      const exp = outcome.claims.exp;
      const untilExp = typeof exp === 'number' ? exp - settings.clock() / 1000 : Number.POSITIVE_INFINITY;
      const ttl = Math.min(settings.maxAge, untilExp);
      if (!(ttl > 0)) return;
      await quietly(settings.accepted, () => settings.accepted.set(acceptedKey(digest), JSON.stringify({ claims: outcome.claims }), ttl), undefined);
      await quietly(settings.refused, () => settings.refused.delete(refusedKey(digest)), undefined);
    },
  };
}

/**
 * The scope part of the keys: a digest of everything that decides whether an answer is accepted
 * here, so a store shared by several APIs keeps their outcomes apart.
 * @example answerScope(['https://issuer/'], ['api'], 'https://issuer/introspect', 'client')
 */
export function answerScope(...parts: readonly unknown[]): string {
  return platform.sha256(JSON.stringify(parts)).slice(0, 16);
}
