/**
 * Per-client rate limits (`rateLimit()`): requests counted per client (or subject, or a key of
 * the application's) over a window, on a limiter shared by every instance when the store is
 * (rate-limiter-flexible on `@tokengate/redis`), in memory otherwise. A refused request is 429
 * `rate_limited` with `Retry-After`; every answer carries the `RateLimit-Policy` and `RateLimit`
 * headers of the IETF httpapi draft (draft-ietf-httpapi-ratelimit-headers).
 */
import { TokenGateError } from '../errors/error.js';
import type { GuardOptions } from '../options/adapter-options.js';
import { checkKnownOptions } from '../options/known-options.js';
import { platform } from '../platform/current.js';
import { createMemoryRateLimiter, isRateLimitingStore, type RateLimiter, type RateLimitOutcome } from '../store/rate-limiter.js';
import type { Store } from '../store/store.js';
import type { AccessToken } from '../token/types.js';

/** Options of `rateLimit()`: the limit, whose requests count together, where they are counted. */
export interface RateLimitOptions extends GuardOptions {
  /** Requests allowed per window. */
  readonly points: number;
  /** The window, seconds. */
  readonly duration: number;
  /** Whose requests count together: `clientId` (default, else the subject), `subject`, or a function of the token. */
  readonly key?: 'clientId' | 'subject' | ((token: AccessToken) => string);
  /** A shared store that makes limiters (`redisStore(client)`), so the limit holds across instances. Default in memory. */
  readonly store?: Store;
  /** The policy's name in the headers, and its counters' namespace. Default `default`. */
  readonly name?: string;
  /** When the store cannot count: `true` (default) lets the request through and reports to `onError`; `false` answers 503. */
  readonly failOpen?: boolean;
}

/** A compiled limit. */
export interface CompiledRateLimit {
  readonly limiter: RateLimiter;
  readonly keyOf: (token: AccessToken) => string;
  readonly failOpen: boolean;
  /** The `RateLimit-Policy` header value. */
  readonly policy: string;
  readonly name: string;
  /** Counted in a shared store (its calls time-bounded), not in memory. */
  readonly shared: boolean;
}

const OWN_NAMES = ['points', 'duration', 'key', 'store', 'name', 'failOpen'];

function positive(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new TypeError(`rateLimit(): "${option}" must be a positive number`);
  return value;
}

function keyFunction(key: RateLimitOptions['key']): (token: AccessToken) => string {
  if (typeof key === 'function') return key;
  if (key === 'subject') return (token) => token.subject ?? token.clientId ?? '';
  if (key === undefined || key === 'clientId') return (token) => token.clientId ?? token.subject ?? '';
  throw new TypeError(`rateLimit(): "key" must be 'clientId', 'subject' or a function (got ${JSON.stringify(key)})`);
}

/**
 * Check and compile `rateLimit()` options (guard options besides).
 * @example const limit = compileRateLimit({ points: 100, duration: 60 }, GUARD_OPTION_NAMES);
 */
export function compileRateLimit(options: RateLimitOptions, guardNames: readonly string[]): CompiledRateLimit {
  if (options === null || typeof options !== 'object') throw new TypeError('rateLimit() needs { points, duration }');
  checkKnownOptions(options, [...guardNames, ...OWN_NAMES], 'rateLimit() options');
  const points = Math.floor(positive(options.points, 'points'));
  const duration = Math.ceil(positive(options.duration, 'duration'));
  const name = options.name ?? 'default';
  if (typeof name !== 'string' || !/^[a-z*][a-z0-9_\-.*]*$/.test(name)) throw new TypeError('rateLimit(): "name" must be a lower-case token such as "default" or "per-client"');
  if (options.store !== undefined && !isRateLimitingStore(options.store)) throw new TypeError('rateLimit(): "store" must make rate limiters (redisStore(client) from @tokengate/redis); without it, limits are kept in memory');
  if (options.failOpen !== undefined && typeof options.failOpen !== 'boolean') throw new TypeError('rateLimit(): "failOpen" must be a boolean');
  const settings = { points, duration, keyPrefix: `tokengate:rl:${name}:${points}:${duration}` };
  const limiter = isRateLimitingStore(options.store) ? options.store.rateLimiter(settings) : createMemoryRateLimiter(settings);
  return { limiter, keyOf: keyFunction(options.key), failOpen: options.failOpen !== false, policy: `"${name}";q=${points};w=${duration}`, name, shared: options.store !== undefined };
}

/** The headers of an outcome (draft-ietf-httpapi-ratelimit-headers). */
export function rateLimitHeaders(limit: CompiledRateLimit, outcome: RateLimitOutcome): Record<string, string> {
  return { 'RateLimit-Policy': limit.policy, RateLimit: `"${limit.name}";r=${outcome.remaining};t=${outcome.resetAfter}` };
}

/** The counter key of a token: a digest, so no client id or subject is written to a shared store. */
export function counterKey(limit: CompiledRateLimit, token: AccessToken): string {
  return platform.sha256(`${token.issuer} ${limit.keyOf(token)}`);
}

/** The 429 of a refused request. */
export function rateLimited(limit: CompiledRateLimit, outcome: RateLimitOutcome): TokenGateError {
  return new TokenGateError('rate_limited', `Too many requests from this client; try again in ${outcome.resetAfter} s`, {
    retryAfter: outcome.resetAfter,
    responseHeaders: rateLimitHeaders(limit, outcome),
  });
}
