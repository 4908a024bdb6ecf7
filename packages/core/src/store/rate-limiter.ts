/**
 * The rate-limit seam: a counter of points per key over a fixed duration, kept where a `Store`
 * keeps its state, so a limit holds across every instance that shares the store. tokengate's
 * limiters are built on rate-limiter-flexible: in memory here, on the store's own client in a
 * shared store (`@tokengate/redis`).
 */
import RateLimiterMemory from 'rate-limiter-flexible/lib/RateLimiterMemory.js';
import type { Store } from './store.js';

/** What one limiter counts. */
export interface RateLimitSettings {
  /** Requests allowed per window. */
  readonly points: number;
  /** The window, seconds. */
  readonly duration: number;
  /** Namespaces this limiter's keys from every other's. */
  readonly keyPrefix: string;
}

/** The state of one key after a request was counted. */
export interface RateLimitOutcome {
  /** Whether this request is within the limit. */
  readonly allowed: boolean;
  /** Requests left in the window (0 when refused). */
  readonly remaining: number;
  /** Seconds until the window ends and the count starts again. */
  readonly resetAfter: number;
}

/** Counts requests per key. Rejects when the backend cannot answer. */
export interface RateLimiter {
  consume(key: string): Promise<RateLimitOutcome>;
}

/** A `Store` that also makes rate limiters on its own backend (so limits are shared like its state). */
export interface RateLimitingStore extends Store {
  rateLimiter(settings: RateLimitSettings): RateLimiter;
}

/** Whether `store` makes its own rate limiters. */
export function isRateLimitingStore(store: Store | undefined): store is RateLimitingStore {
  return typeof (store as Partial<RateLimitingStore> | undefined)?.rateLimiter === 'function';
}

/** What rate-limiter-flexible answers (its `RateLimiterRes`), read by shape: another copy of the library may have made it. */
interface FlexibleAnswer {
  readonly remainingPoints: number;
  readonly msBeforeNext: number;
}

function isAnswer(value: unknown): value is FlexibleAnswer {
  const answer = value as Partial<FlexibleAnswer> | null;
  return typeof answer?.remainingPoints === 'number' && typeof answer.msBeforeNext === 'number';
}

/** rate-limiter-flexible's answer (resolved or rejected) as an outcome; any other rejection is a backend failure. */
function outcomeOf(answer: unknown, allowed: boolean): RateLimitOutcome {
  if (!isAnswer(answer)) throw answer;
  return { allowed, remaining: Math.max(0, answer.remainingPoints), resetAfter: Math.max(0, Math.ceil(answer.msBeforeNext / 1000)) };
}

/**
 * Counts on any rate-limiter-flexible limiter: `consume` resolves when allowed, rejects with a
 * `RateLimiterRes` when not, and with an error when its backend fails.
 * @example const limiter = limiterOn(new RateLimiterRedis({ storeClient, points: 100, duration: 60 }));
 */
export function limiterOn(flexible: { consume(key: string, points?: number): Promise<unknown> }): RateLimiter {
  return {
    consume: (key) =>
      flexible.consume(key).then(
        (answer) => outcomeOf(answer, true),
        (answer: unknown) => outcomeOf(answer, false),
      ),
  };
}

/**
 * A limiter in this process: limits per instance, not shared.
 * @example const limiter = createMemoryRateLimiter({ points: 100, duration: 60, keyPrefix: 'api' });
 */
export function createMemoryRateLimiter(settings: RateLimitSettings): RateLimiter {
  return limiterOn(new RateLimiterMemory({ points: settings.points, duration: settings.duration, keyPrefix: settings.keyPrefix }));
}
