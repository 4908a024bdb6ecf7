/**
 * The `Store` seam: state that several instances of an API may share (introspection answers
 * today; DPoP replay and nonces next). Values are strings, so any key-value service can hold
 * them; every call is asynchronous, so a networked store fits as well as memory.
 */

/** A key-value store with expiry. Keys are tokengate's own (digests and prefixes, never token text). */
export interface Store {
  /** The value under `key`, or `undefined` when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Set `key` to `value` for `ttl` seconds (fractions allowed); a `ttl` of 0 or less stores nothing. */
  set(key: string, value: string, ttl: number): Promise<void>;
  /**
   * Set `key` only when it holds no live value, atomically: `true` when this call set it,
   * `false` when a value was there (a replayed proof, a second writer).
   */
  setIfAbsent(key: string, value: string, ttl: number): Promise<boolean>;
  /**
   * Add one to the counter under `key` and return the new count; a counter that did not exist
   * starts at 1 and expires `ttl` seconds after this first increment.
   */
  increment(key: string, ttl: number): Promise<number>;
  /** Remove `key`; absent keys are fine. */
  delete(key: string): Promise<void>;
}
