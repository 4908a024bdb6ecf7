/**
 * The Redis `Store`: every method one command (or one script), so each is atomic in Redis and
 * shared by every instance on the same server; keys hashed, values size-checked, every command
 * bounded in time.
 */
import type { RateLimiter, RateLimitingStore, RateLimitSettings } from '@tokengate/core';
import { dialectOf, type Dialect, type RedisClient } from './clients.js';
import { commandsFor, type Commands } from './commands.js';
import { redisKey } from './keys.js';
import { redisRateLimiter } from './limiter.js';
import { resolveOptions, type RedisStoreOptions, type ResolvedRedisStoreOptions } from './options.js';
import { withTimeout } from './timeout.js';

/** `ttl` seconds as whole milliseconds (at least 1), or `undefined` for 0 or less: nothing to store. */
function milliseconds(ttl: number): number | undefined {
  if (typeof ttl !== 'number' || Number.isNaN(ttl) || ttl === Infinity) throw new TypeError('"ttl" must be a finite number of seconds');
  return ttl > 0 ? Math.max(1, Math.ceil(ttl * 1000)) : undefined;
}

class RedisStore implements RateLimitingStore {
  readonly #dialect: Dialect;
  readonly #commands: Commands;
  readonly #options: ResolvedRedisStoreOptions;

  constructor(dialect: Dialect, options: ResolvedRedisStoreOptions) {
    this.#dialect = dialect;
    this.#commands = commandsFor(dialect);
    this.#options = options;
  }

  #key(key: string): string {
    if (typeof key !== 'string') throw new TypeError('"key" must be a string');
    return redisKey(this.#options.prefix, key);
  }

  #checkValue(value: string): void {
    if (typeof value !== 'string') throw new TypeError('"value" must be a string');
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > this.#options.maxValueBytes) {
      throw new RangeError(`The value is ${bytes} bytes, over the store's maxValueBytes (${this.#options.maxValueBytes}); nothing was stored`);
    }
  }

  #bounded<T>(work: Promise<T>, command: string): Promise<T> {
    return withTimeout(work, this.#options.timeoutMs, command);
  }

  async get(key: string): Promise<string | undefined> {
    return this.#bounded(this.#commands.get(this.#key(key)), 'GET');
  }

  async set(key: string, value: string, ttl: number): Promise<void> {
    const name = this.#key(key);
    this.#checkValue(value);
    const ms = milliseconds(ttl);
    if (ms !== undefined) await this.#bounded(this.#commands.set(name, value, ms), 'SET');
  }

  async setIfAbsent(key: string, value: string, ttl: number): Promise<boolean> {
    const name = this.#key(key);
    this.#checkValue(value);
    const ms = milliseconds(ttl);
    // Like the memory store: no lifetime means nothing is stored, but a live value still says "taken".
    if (ms === undefined) return (await this.get(key)) === undefined;
    return this.#bounded(this.#commands.setIfAbsent(name, value, ms), 'SET NX');
  }

  async increment(key: string, ttl: number): Promise<number> {
    const name = this.#key(key);
    const ms = milliseconds(ttl);
    // Like the memory store: a counter without a lifetime is never kept, so each count is the first.
    if (ms === undefined) return 1;
    return this.#bounded(this.#commands.increment(name, ms), 'the increment script');
  }

  async delete(key: string): Promise<void> {
    await this.#bounded(this.#commands.delete(this.#key(key)), 'DEL');
  }

  rateLimiter(settings: RateLimitSettings): RateLimiter {
    return redisRateLimiter(this.#dialect, settings, this.#options);
  }
}

/**
 * A `Store` (with rate limiters) on Redis or Valkey, through the application's own client: a
 * node-redis client (`createClient()` from `redis`, connected) or an ioredis/iovalkey client.
 * Share one store between every place tokengate takes one (DPoP replay, introspection, deny list,
 * rate limits): every instance of the API on the same server then shares that state.
 * @example
 * const client = await createClient({ url: process.env.REDIS_URL }).on('error', console.error).connect();
 * const store = redisStore(client);
 */
export function redisStore(client: RedisClient, options?: RedisStoreOptions): RateLimitingStore {
  const dialect = dialectOf(client);
  return new RedisStore(dialect, resolveOptions(options));
}
