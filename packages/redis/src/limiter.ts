/**
 * Rate limiters on the store's own client: rate-limiter-flexible's `RateLimiterRedis` (one Lua
 * script per request, so counts are exact across every instance), under the store's prefix, with
 * the store's time bound and hashed keys.
 */
import { limiterOn, type RateLimiter, type RateLimitSettings } from '@tokengate/core';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { Dialect } from './clients.js';
import { redisKey } from './keys.js';
import type { ResolvedRedisStoreOptions } from './options.js';
import { withTimeout } from './timeout.js';

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** `settings`, checked: rate-limiter-flexible counts whole seconds and whole points. */
function validate(settings: RateLimitSettings): RateLimitSettings {
  if (typeof settings !== 'object' || settings === null) throw new TypeError('rate limit settings must be an object');
  if (!isPositiveInteger(settings.points)) throw new TypeError('"points" setting must be a positive integer');
  if (!isPositiveInteger(settings.duration)) throw new TypeError('"duration" setting must be a positive integer (seconds)');
  if (typeof settings.keyPrefix !== 'string') throw new TypeError('"keyPrefix" setting must be a string');
  return settings;
}

/**
 * A limiter counting in Redis through `dialect`'s client; its keys are
 * `<prefix>limit:<keyPrefix>:<digest of the key>`.
 */
export function redisRateLimiter(dialect: Dialect, settings: RateLimitSettings, options: ResolvedRedisStoreOptions): RateLimiter {
  const { points, duration, keyPrefix } = validate(settings);
  const flexible = new RateLimiterRedis({
    storeClient: dialect.client,
    useRedisPackage: dialect.kind === 'node-redis',
    points,
    duration,
    keyPrefix: `${options.prefix}limit:${keyPrefix}`,
  });
  return limiterOn({
    // async: a bad key rejects like every other failure instead of throwing.
    consume: async (key: string) => withTimeout(flexible.consume(redisKey('', key)), options.timeoutMs, 'the rate limit script'),
  });
}
