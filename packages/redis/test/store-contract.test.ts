/**
 * The `Store` contract, one table run against the memory store and against a real redis-server
 * through each client kind. Redis subjects use two connections, so "atomic" means atomic between
 * instances, not only within one client's pipeline.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore, type Store } from '@tokengate/core';
import { redisStore } from '@tokengate/redis';
import { startRedisServer, type RedisServer } from '@tokengate/test-support';
import { CLIENT_KINDS, connectClient, eventually, rawClient, type ClientKind, type TestClient } from './clients.js';

type Raw = Awaited<ReturnType<typeof rawClient>>;

interface Subject {
  readonly name: 'memory' | ClientKind;
  /** Two stores on two connections (the memory store twice: it has one process to share). */
  readonly stores: readonly [Store, Store];
  /** The store's key prefix in Redis; undefined for the memory store. */
  readonly prefix?: string;
}

let server: RedisServer;
let raw: Raw;
const clients: TestClient[] = [];
const subjects = new Map<Subject['name'], Subject>();

beforeAll(async () => {
  server = await startRedisServer();
  raw = await rawClient(server);
  const memory = createMemoryStore();
  subjects.set('memory', { name: 'memory', stores: [memory, memory] });
  for (const kind of CLIENT_KINDS) {
    const pair = [await connectClient(kind, server), await connectClient(kind, server)] as const;
    clients.push(...pair);
    const prefix = `contract-${kind}:`;
    subjects.set(kind, { name: kind, prefix, stores: [redisStore(pair[0].client, { prefix }), redisStore(pair[1].client, { prefix })] });
  }
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  raw?.destroy();
  await server?.stop();
});

const digest = (key: string) => createHash('sha256').update(key).digest('base64url');
const key = (label: string) => `${label}:${randomUUID()}`;
const subject = (name: Subject['name']) => subjects.get(name)!;
const gone = (store: Store, name: string) => async () => (await store.get(name)) === undefined;

describe.each(['memory', ...CLIENT_KINDS] as const)('the Store contract: %s', (name) => {
  it('get: undefined for an absent key, the value as given after set, the last value after a second set', async () => {
    const [store, other] = subject(name).stores;
    const k = key('get');
    expect(await store.get(k)).toBeUndefined();
    for (const value of ['v', '', '{"active":true,"scope":"a b"}', 'ünïcødé €', ' spaces and\nnewlines ']) {
      await store.set(k, value, 60);
      expect(await other.get(k)).toBe(value);
    }
  });

  it('set: the value lives for its ttl, then is gone', async () => {
    const [store, other] = subject(name).stores;
    const k = key('expiry');
    await store.set(k, 'v', 0.3);
    expect(await other.get(k)).toBe('v');
    expect(await eventually(gone(other, k), 3_000)).toBe(true);
  });

  it('setIfAbsent: true for the first writer, false while the value lives (which stays), true again once expired', async () => {
    const [store, other] = subject(name).stores;
    const k = key('nx');
    expect(await store.setIfAbsent(k, 'first', 0.3)).toBe(true);
    expect(await other.setIfAbsent(k, 'second', 60)).toBe(false);
    expect(await other.get(k)).toBe('first');
    expect(await eventually(gone(other, k), 3_000)).toBe(true);
    expect(await other.setIfAbsent(k, 'third', 60)).toBe(true);
    expect(await store.get(k)).toBe('third');
  });

  it('setIfAbsent: of 50 concurrent callers on two connections exactly one wins, and its value is kept', async () => {
    const stores = subject(name).stores;
    const k = key('race');
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => stores[i % 2]!.setIfAbsent(k, `caller-${i}`, 60)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await stores[0].get(k)).toBe(`caller-${results.indexOf(true)}`);
  });

  it('increment: 1, 2, 3; 50 concurrent increments on two connections get 1..50 each exactly once', async () => {
    const stores = subject(name).stores;
    const k = key('count');
    expect([await stores[0].increment(k, 60), await stores[1].increment(k, 60), await stores[0].increment(k, 60)]).toEqual([1, 2, 3]);
    const racing = key('count-race');
    const counts = await Promise.all(Array.from({ length: 50 }, (_, i) => stores[i % 2]!.increment(racing, 60)));
    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('increment: the counter expires ttl after the first increment (later ones do not extend it), then starts at 1', async () => {
    const [store, other] = subject(name).stores;
    const k = key('window');
    expect(await store.increment(k, 0.4)).toBe(1);
    expect(await other.increment(k, 60)).toBe(2);
    expect(await store.get(k)).toBe('2');
    expect(await eventually(gone(other, k), 3_000)).toBe(true);
    expect(await other.increment(k, 60)).toBe(1);
  });

  it('delete: removes the value; deleting an absent key is fine', async () => {
    const [store, other] = subject(name).stores;
    const k = key('delete');
    await store.set(k, 'v', 60);
    await other.delete(k);
    expect(await store.get(k)).toBeUndefined();
    await expect(other.delete(key('absent'))).resolves.toBeUndefined();
  });

  it('a ttl of 0 or less stores nothing: set, setIfAbsent (still true when absent) and increment (always 1)', async () => {
    const [store] = subject(name).stores;
    const k = key('no-ttl');
    for (const ttl of [0, -1]) {
      await store.set(k, 'v', ttl);
      expect(await store.get(k)).toBeUndefined();
      expect(await store.setIfAbsent(k, 'v', ttl)).toBe(true);
      expect(await store.get(k)).toBeUndefined();
      expect(await store.increment(k, ttl)).toBe(1);
      expect(await store.increment(k, ttl)).toBe(1);
    }
    await store.set(k, 'live', 60);
    expect(await store.setIfAbsent(k, 'v', 0)).toBe(false);
  });

  it('fractional ttls are accepted, however small', async () => {
    const [store] = subject(name).stores;
    await expect(store.set(key('tiny'), 'v', 0.0001)).resolves.toBeUndefined();
    await expect(store.setIfAbsent(key('tiny'), 'v', 0.0001)).resolves.toBe(true);
    await expect(store.increment(key('tiny'), 0.0001)).resolves.toBe(1);
    const k = key('fraction');
    await store.set(k, 'v', 1.5);
    expect(await store.get(k)).toBe('v');
  });
});

describe.each(CLIENT_KINDS)('the Redis store in Redis: %s', (name) => {
  const keysUnder = (prefix: string) => raw.keys(`${prefix}*`);

  it('stores under prefix + base64url(SHA-256(key)): no key text reaches Redis; values are stored as given', async () => {
    const { stores, prefix } = subject(name);
    const token = `eyJhbGciOiJFUzI1NiJ9.${randomUUID()}.signature`;
    await stores[0].set(`introspection:${token}`, 'answer', 60);
    await stores[0].setIfAbsent(`dpop:jti:${token}`, '1', 60);
    await stores[0].increment(`limit:${token}`, 60);
    const names = await keysUnder(prefix!);
    const ours = [`introspection:${token}`, `dpop:jti:${token}`, `limit:${token}`].map((k) => `${prefix}${digest(k)}`);
    expect(names).toEqual(expect.arrayContaining(ours));
    for (const stored of await raw.keys('*')) {
      expect(stored).not.toContain(token.split('.')[1]);
      expect(stored).toMatch(/^[^:]+:[A-Za-z0-9_-]{43}$/);
    }
    expect(await raw.get(ours[0]!)).toBe('answer');
  });

  it('writes every key with its expiry in milliseconds, rounded up to at least 1 ms', async () => {
    const { stores, prefix } = subject(name);
    const k = key('pttl');
    await stores[0].set(k, 'v', 1.5);
    const ttl = await raw.pTTL(`${prefix}${digest(k)}`);
    expect(ttl).toBeGreaterThan(1_000);
    expect(ttl).toBeLessThanOrEqual(1_500);
    const counter = key('pttl-counter');
    await stores[0].increment(counter, 2);
    await stores[1].increment(counter, 60);
    expect(await raw.pTTL(`${prefix}${digest(counter)}`)).toBeLessThanOrEqual(2_000);
  });

  it('refuses values over maxValueBytes (counted in UTF-8 bytes) and stores nothing; a value of exactly the limit is stored', async () => {
    const { stores, prefix } = subject(name);
    const [store] = stores;
    const k = key('large');
    const before = (await keysUnder(prefix!)).length;
    await expect(store.set(k, 'x'.repeat(65_537), 60)).rejects.toThrow(/65537 bytes, over the store's maxValueBytes \(65536\); nothing was stored/);
    await expect(store.setIfAbsent(k, '€'.repeat(21_846), 60)).rejects.toThrow(RangeError);
    expect(await store.get(k)).toBeUndefined();
    expect(await keysUnder(prefix!)).toHaveLength(before);
    await store.set(k, 'x'.repeat(65_536), 60);
    expect(await store.get(k)).toHaveLength(65_536);
  });
});
