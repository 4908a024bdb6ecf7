/**
 * Where opaque-token answers are kept: the application's `introspection.store`, shared by every
 * instance; otherwise two bounded in-memory stores, so refusals (junk tokens) only ever displace
 * other refusals.
 */
import type { ResolvedOptions } from '../options/resolved.js';
import { createMemoryStore } from '../store/memory-store.js';
import type { Store } from '../store/store.js';

/** The stores of accepted and refused answers, and how many answers they hold when in memory. */
export interface AnswerStores {
  readonly accepted: Store;
  readonly refused: Store;
  /** Answers held in memory; `undefined` for the application's store. */
  readonly size: () => number | undefined;
}

/** Refusals are small and many: a tenth of the entries, at most this many. */
const MAX_REFUSALS = 1_000;

/**
 * The answer stores of a verifier.
 * @example const { accepted, refused } = answerStores(options);
 */
export function answerStores(options: ResolvedOptions): AnswerStores {
  const { store, maxEntries, maxBytes } = options.opaqueCache;
  if (store !== undefined) return { accepted: store, refused: store, size: () => undefined };
  const accepted = createMemoryStore({ maxEntries: Math.max(1, maxEntries), maxBytes: Math.max(1, maxBytes), clock: options.clock });
  const refused = createMemoryStore({ maxEntries: Math.min(MAX_REFUSALS, Math.max(1, Math.floor(maxEntries / 10))), clock: options.clock });
  return { accepted, refused, size: () => accepted.size + refused.size };
}
