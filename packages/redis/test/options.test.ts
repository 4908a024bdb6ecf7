/**
 * Arguments checked when the store is made (and when a limiter is): a `TypeError` that names what
 * is wrong. Real clients, never connected: recognising a client needs no server.
 */
import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { Valkey } from 'iovalkey';
import { createClient } from 'redis';
import { redisStore, type RedisClient, type RedisStoreOptions, type RateLimitSettings } from '@tokengate/redis';

const nodeRedis = createClient();
const ioRedis = new Redis({ lazyConnect: true });
const ioValkey = new Valkey({ lazyConnect: true });

describe('redisStore(client)', () => {
  it.each([
    ['node-redis', nodeRedis],
    ['ioredis', ioRedis],
    ['iovalkey', ioValkey],
  ] as const)('accepts a %s client without connecting it', (_, client) => {
    expect(typeof redisStore(client).rateLimiter).toBe('function');
  });

  it.each([undefined, null, 0, 'redis://localhost', {}, { get() {}, set() {}, del() {} }, { get() {}, set() {}, del() {}, eval() {} }, new Map()])(
    'refuses %s: neither client shape',
    (client) => {
      expect(() => redisStore(client as unknown as RedisClient)).toThrow(
        new TypeError('"client" must be a node-redis client (createClient() from "redis") or an ioredis/iovalkey client (new Redis())'),
      );
    },
  );
});

describe('redisStore options', () => {
  it.each<[unknown, string]>([
    [null, '"options" must be an object'],
    ['tokengate:', '"options" must be an object'],
    [{ prefix: 1 }, '"prefix" option must be a string'],
    [{ prefix: null }, '"prefix" option must be a string'],
    ...[0, -1, Number.NaN, Infinity, '1000', 2_147_483_648].map((timeoutMs): [unknown, string] => [
      { timeoutMs },
      '"timeoutMs" option must be a positive number of milliseconds, at most 2147483647',
    ]),
    ...[0, -1, 1.5, Number.NaN, '65536'].map((maxValueBytes): [unknown, string] => [{ maxValueBytes }, '"maxValueBytes" option must be a positive integer']),
  ])('refuses %j', (options, message) => {
    expect(() => redisStore(ioRedis, options as RedisStoreOptions)).toThrow(new TypeError(message));
  });

  it('accepts every option in range, an empty prefix included', () => {
    expect(() => redisStore(nodeRedis, { prefix: '', timeoutMs: 0.5, maxValueBytes: 1 })).not.toThrow();
  });
});

describe('store calls', () => {
  const store = redisStore(ioRedis, { maxValueBytes: 4 });

  it.each([Number.NaN, Infinity, '60'])('refuse a ttl of %s before any command', async (ttl) => {
    await expect(store.set('k', 'v', ttl as number)).rejects.toThrow(new TypeError('"ttl" must be a finite number of seconds'));
    await expect(store.increment('k', ttl as number)).rejects.toThrow(TypeError);
  });

  it('refuse keys and values that are not strings, and values over maxValueBytes', async () => {
    await expect(store.get(1 as unknown as string)).rejects.toThrow(new TypeError('"key" must be a string'));
    await expect(store.set('k', 1 as unknown as string, 60)).rejects.toThrow(new TypeError('"value" must be a string'));
    await expect(store.setIfAbsent('k', 'ééé', 60)).rejects.toThrow(new RangeError("The value is 6 bytes, over the store's maxValueBytes (4); nothing was stored"));
  });
});

describe('rateLimiter settings', () => {
  const store = redisStore(nodeRedis);
  const valid: RateLimitSettings = { points: 10, duration: 60, keyPrefix: 'api' };

  it.each<[Partial<Record<keyof RateLimitSettings, unknown>>, string]>([
    [{ points: 0 }, '"points" setting must be a positive integer'],
    [{ points: 1.5 }, '"points" setting must be a positive integer'],
    [{ duration: 0 }, '"duration" setting must be a positive integer (seconds)'],
    [{ duration: 0.5 }, '"duration" setting must be a positive integer (seconds)'],
    [{ keyPrefix: undefined }, '"keyPrefix" setting must be a string'],
  ])('refuses %j', (change, message) => {
    expect(() => store.rateLimiter({ ...valid, ...change } as RateLimitSettings)).toThrow(new TypeError(message));
  });
});
