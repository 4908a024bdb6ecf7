/**
 * `@tokengate/redis`: shared state for tokengate on Redis or Valkey, through the application's
 * own node-redis, ioredis or iovalkey client.
 * @packageDocumentation
 */
export { redisStore } from './store.js';
export type { RedisStoreOptions } from './options.js';
export type { RedisClient, NodeRedisClient, IoRedisClient } from './clients.js';
export { RedisTimeoutError } from './timeout.js';
export type { RateLimiter, RateLimitingStore, RateLimitOutcome, RateLimitSettings, Store } from '@tokengate/core';
