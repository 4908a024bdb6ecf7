/**
 * A Redis that is gone, slow or refusing the password: no call hangs past the store's timeout,
 * the same store works again once the server is back, and a wrong password is reported at connect.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Valkey } from 'iovalkey';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore, RedisTimeoutError, type RateLimitingStore } from '@tokengate/redis';
import { startRedisServer, type RedisServer } from '@tokengate/test-support';
import { CLIENT_KINDS, connectClient, eventually, rawClient, timed, type ClientKind, type TestClient } from './clients.js';

const TIMEOUT_MS = 300;
/** Scheduling slack on a busy machine; still far below the 2 s a sleeping server takes. */
const MARGIN_MS = 600;

let server: RedisServer;
const clients = new Map<ClientKind, TestClient>();
const stores = new Map<ClientKind, RateLimitingStore>();

beforeAll(async () => {
  server = await startRedisServer();
  for (const kind of CLIENT_KINDS) {
    const client = await connectClient(kind, server);
    clients.set(kind, client);
    stores.set(kind, redisStore(client.client, { prefix: `faults-${kind}:`, timeoutMs: TIMEOUT_MS }));
  }
});

afterAll(async () => {
  await Promise.all([...clients.values()].map((client) => client.close()));
  await server?.stop();
});

/** One call of every kind the store makes, each on a fresh key. */
function everyCall(store: RateLimitingStore): Record<string, () => Promise<unknown>> {
  const limiter = store.rateLimiter({ points: 5, duration: 60, keyPrefix: 'faults' });
  return {
    get: () => store.get(randomUUID()),
    set: () => store.set(randomUUID(), 'v', 60),
    setIfAbsent: () => store.setIfAbsent(randomUUID(), 'v', 60),
    increment: () => store.increment(randomUUID(), 60),
    delete: () => store.delete(randomUUID()),
    consume: () => limiter.consume(randomUUID()),
  };
}

/** Every call rejects, each within the timeout and the margin. */
async function expectEveryCallToRejectInTime(store: RateLimitingStore): Promise<void> {
  const results = await Promise.all(Object.entries(everyCall(store)).map(async ([name, call]) => ({ name, ...(await timed(call)) })));
  for (const { name, ms, outcome } of results) {
    expect(outcome.status, name).toBe('rejected');
    expect(ms, name).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
  }
}

/** Every call resolves again on the same store. */
async function expectEveryCallToWork(store: RateLimitingStore): Promise<void> {
  // The client reconnects on its own (every 250 ms at most); bounded wait for it.
  expect(await eventually(() => store.get('ping').then(() => true, () => false), 5_000)).toBe(true);
  const key = randomUUID();
  await store.set(key, 'back', 60);
  expect(await store.get(key)).toBe('back');
  await Promise.all(Object.values(everyCall(store)).map((call) => call()));
}

describe.each(CLIENT_KINDS)('a Redis that goes away: %s', (kind) => {
  it.each(['stop', 'kill'] as const)('after %s every call rejects within the timeout; after a restart the same store works', async (how) => {
    const store = stores.get(kind)!;
    await expectEveryCallToWork(store);
    await server[how]();
    await expectEveryCallToRejectInTime(store);
    await server.restart();
    await expectEveryCallToWork(store);
  });
});

describe('a slow Redis', () => {
  it('while the server sleeps 2 s (DEBUG SLEEP from another connection), calls reject with RedisTimeoutError within the timeout', async () => {
    const raw = await rawClient(server);
    try {
      const sleeping = raw.sendCommand(['DEBUG', 'SLEEP', '2']);
      // Let the server take the DEBUG command first.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const results = await Promise.all(CLIENT_KINDS.map(async (kind) => ({ kind, ...(await timed(() => stores.get(kind)!.get(randomUUID()))) })));
      for (const { kind, ms, outcome } of results) {
        expect(outcome.status, kind).toBe('rejected');
        const reason: unknown = outcome.status === 'rejected' ? outcome.reason : undefined;
        expect(reason, kind).toBeInstanceOf(RedisTimeoutError);
        expect((reason as Error).message).toBe(`Redis did not answer GET within ${TIMEOUT_MS} ms`);
        expect(ms, kind).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
      }
      await sleeping;
      for (const kind of CLIENT_KINDS) await expectEveryCallToWork(stores.get(kind)!);
    } finally {
      raw.destroy();
    }
  });
});

describe('a Redis that requires a password', () => {
  let guarded: RedisServer;
  const password = `pw-${randomUUID()}`;

  beforeAll(async () => {
    guarded = await startRedisServer({ password });
  });

  afterAll(async () => {
    await guarded?.stop();
  });

  it.each(CLIENT_KINDS)('%s with the right password: the store works', async (kind) => {
    const client = await connectClient(kind, { url: guarded.url, password });
    try {
      const store = redisStore(client.client);
      await store.set('authenticated', 'yes', 60);
      expect(await store.get('authenticated')).toBe('yes');
    } finally {
      await client.close();
    }
  });

  it.each(CLIENT_KINDS)('%s with a wrong password: connecting fails with WRONGPASS', async (kind) => {
    const started = performance.now();
    await expect(connectClient(kind, { url: guarded.url, password: 'wrong' })).rejects.toThrow(
      'WRONGPASS invalid username-password pair or user is disabled.',
    );
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('node-redis with its default reconnection and a wrong password: connect() never settles, store calls fail', async () => {
    const client = createClient({ url: guarded.url, password: 'wrong' });
    const failures: string[] = [];
    client.on('error', (error: Error) => failures.push(error.message));
    const connecting = client.connect().then(
      () => 'connected',
      () => 'rejected',
    );
    const { ms, outcome } = await timed(() => redisStore(client, { timeoutMs: TIMEOUT_MS }).get('k'));
    // Between handshakes the call waits in node-redis's queue (then times out); during one, the server refuses it.
    expect(outcome).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/^(NOAUTH Authentication required\.|Redis did not answer GET within 300 ms)$/) } });
    expect(ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    expect(await eventually(async () => failures.length > 0, 2_000)).toBe(true);
    expect(failures[0]).toBe('WRONGPASS invalid username-password pair or user is disabled.');
    const pending = new Promise((resolve) => setTimeout(resolve, 300, 'pending'));
    expect(await Promise.race([connecting, pending])).toBe('pending');
    client.destroy();
    expect(await Promise.race([connecting, new Promise((resolve) => setTimeout(resolve, 1_000, 'still pending'))])).not.toBe('connected');
  });

  it('a store on a node-redis client whose connect failed (or that never connected) rejects every call at once: "The client is closed"', async () => {
    const failed = createClient({ url: guarded.url, password: 'wrong', socket: { reconnectStrategy: (_, cause) => cause } });
    failed.on('error', () => undefined);
    await expect(failed.connect()).rejects.toThrow('WRONGPASS');
    for (const client of [failed, createClient({ url: guarded.url, password })]) {
      const { ms, outcome } = await timed(() => redisStore(client).get('k'));
      expect(outcome).toMatchObject({ status: 'rejected', reason: { message: 'The client is closed' } });
      expect(ms).toBeLessThan(TIMEOUT_MS);
    }
  });

  it.each(['ioredis', 'iovalkey'] as const)('%s with a wrong password, connecting on its own: every store call rejects with WRONGPASS', async (kind) => {
    const options = { password: 'wrong', maxRetriesPerRequest: 1, retryStrategy: (attempt: number) => Math.min(50 * attempt, 250) };
    const client = kind === 'ioredis' ? new Redis(guarded.url, options) : new Valkey(guarded.url, options);
    client.on('error', () => undefined);
    try {
      await expect(redisStore(client, { timeoutMs: TIMEOUT_MS }).get('k')).rejects.toThrow('WRONGPASS invalid username-password pair or user is disabled.');
    } finally {
      client.disconnect();
    }
  });
});
