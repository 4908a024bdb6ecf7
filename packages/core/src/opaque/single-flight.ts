/**
 * One lookup per key in flight, shared by concurrent callers, and at most `limit` different
 * keys in flight: past it a new key is refused at once (the caller answers 503 `Retry-After: 1`),
 * so a flood of junk tokens cannot open a flood of requests to the authorization server.
 */

/** Thrown when `limit` lookups are under way already. */
export class LookupOverloadError extends Error {
  override readonly name = 'LookupOverloadError';
}

/** Shared lookups. */
export interface SingleFlight<T> {
  /** The lookup under way for `key`, or `load` started now. */
  run(key: string, load: () => Promise<T>): Promise<T>;
  /** Whether `error` is this limit's refusal. */
  overloaded(error: unknown): boolean;
}

/**
 * Create a single-flight group.
 * @example const flights = createSingleFlight<Outcome>(64); await flights.run(digest, () => load());
 */
export function createSingleFlight<T>(limit: number): SingleFlight<T> {
  const inFlight = new Map<string, Promise<T>>();
  return {
    run(key, load) {
      const pending = inFlight.get(key);
      if (pending !== undefined) return pending;
      if (inFlight.size >= limit) return Promise.reject(new LookupOverloadError(`${inFlight.size} lookups are under way already`));
      const started = load().finally(() => inFlight.delete(key));
      inFlight.set(key, started);
      return started;
    },
    overloaded: (error) => error instanceof LookupOverloadError,
  };
}
