/**
 * A store call with a time bound: a networked store that does not answer must not hold a request.
 * tokengate's own memory store answers in this process and cannot hang, so it is not timed.
 */
import { isMemoryStore } from './memory-store.js';
import type { Store } from './store.js';

/** How long a request waits for a shared store (or a shared rate limiter) before its policy applies. */
export const STORE_TIMEOUT_MS = 2_000;

/**
 * `promise`, or a rejection after `ms` milliseconds (the timer never keeps the process alive).
 * @example await bounded(store.get(key), 2_000);
 */
export function bounded<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`The store did not answer within ${ms} ms`)), ms);
    // Node's timers have `unref`; Web runtimes' are plain numbers (and keep nothing alive).
    (timer as { unref?: () => void }).unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * `call`, a call to `store`: bounded by `ms` unless the store is tokengate's in-process one.
 * @example const fresh = await storeCall(store, store.setIfAbsent(key, '1', ttl));
 */
export function storeCall<T>(store: Store, call: Promise<T>, ms: number = STORE_TIMEOUT_MS): Promise<T> {
  return isMemoryStore(store) ? call : bounded(call, ms);
}
