/**
 * Rate limits on Redis: one count per key however many instances (stores on their own
 * connections, of any client kind) share the server, refused past `points`, reset after `duration`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRateLimitingStore } from '@tokengate/core';
import { redisStore, type RateLimitingStore } from '@tokengate/redis';
import { startRedisServer, type RedisServer } from '@tokengate/test-support';
import { CLIENT_KINDS, connectClient, eventually, rawClient, type ClientKind, type TestClient } from './clients.js';

let server: RedisServer;
let raw: Awaited<ReturnType<typeof rawClient>>;
const clients: TestClient[] = [];
const PREFIX = 'limits:';

beforeAll(async () => {
  server = await startRedisServer();
  raw = await rawClient(server);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  raw?.destroy();
  await server?.stop();
});

/** A store on a connection of its own, as another instance of the API would have. */
async function instance(kind: ClientKind): Promise<RateLimitingStore> {
  const client = await connectClient(kind, server);
  clients.push(client);
  return redisStore(client.client, { prefix: PREFIX });
}

const PAIRS = CLIENT_KINDS.map((kind, i) => [kind, CLIENT_KINDS[(i + 1) % CLIENT_KINDS.length]!] as const);

describe.each(PAIRS)('a rate limit shared by a %s instance and a %s instance', (first, second) => {
  it('counts across both, refuses after `points`, reports remaining and resetAfter, and resets after `duration`', async () => {
    const stores = [await instance(first), await instance(second)] as const;
    expect(stores.every(isRateLimitingStore)).toBe(true);
    const keyPrefix = `api-${randomUUID()}`;
    const [a, b] = stores.map((store) => store.rateLimiter({ points: 3, duration: 1, keyPrefix }));
    const client = `client-${randomUUID()}`;
    const outcomes = [await a!.consume(client), await b!.consume(client), await a!.consume(client), await b!.consume(client)];
    expect(outcomes.map(({ allowed, remaining }) => ({ allowed, remaining }))).toEqual([
      { allowed: true, remaining: 2 },
      { allowed: true, remaining: 1 },
      { allowed: true, remaining: 0 },
      { allowed: false, remaining: 0 },
    ]);
    expect(outcomes.every(({ resetAfter }) => resetAfter === 1)).toBe(true);
    expect(await b!.consume(`another-${client}`)).toEqual({ allowed: true, remaining: 2, resetAfter: 1 });

    const counter = `${PREFIX}limit:${keyPrefix}:${createHash('sha256').update(client).digest('base64url')}`;
    expect(await eventually(async () => (await raw.exists(counter)) === 0, 3_000)).toBe(true);
    expect(await b!.consume(client)).toEqual({ allowed: true, remaining: 2, resetAfter: 1 });
  });
});

describe('rate limit keys', () => {
  it('live under the store prefix and the limiter keyPrefix, with the key hashed', async () => {
    const store = await instance('node-redis');
    const keyPrefix = `keys-${randomUUID()}`;
    const secret = `token-text-${randomUUID()}`;
    await store.rateLimiter({ points: 2, duration: 60, keyPrefix }).consume(secret);
    const names = await raw.keys(`${PREFIX}limit:${keyPrefix}:*`);
    expect(names).toEqual([`${PREFIX}limit:${keyPrefix}:${createHash('sha256').update(secret).digest('base64url')}`]);
    expect((await raw.keys('*')).some((name) => name.includes(secret))).toBe(false);
  });

  it('of different keyPrefixes count apart', async () => {
    const store = await instance('ioredis');
    const client = randomUUID();
    const read = store.rateLimiter({ points: 1, duration: 60, keyPrefix: `read-${client}` });
    const write = store.rateLimiter({ points: 1, duration: 60, keyPrefix: `write-${client}` });
    expect((await read.consume(client)).allowed).toBe(true);
    expect((await write.consume(client)).allowed).toBe(true);
    expect((await read.consume(client)).allowed).toBe(false);
  });
});
