/**
 * Real clients of the three kinds the store accepts, connected to a test server, with bounded
 * reconnection (so a restarted server is found again within a second) and their own shutdown.
 */
import type { RedisClient } from '@tokengate/redis';
import type { RedisServer } from '@tokengate/test-support';
import { Redis } from 'ioredis';
import { Valkey } from 'iovalkey';
import { createClient } from 'redis';

export const CLIENT_KINDS = ['node-redis', 'ioredis', 'iovalkey'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];

/** A connected client and how to close it. */
export interface TestClient {
  readonly kind: ClientKind;
  readonly client: RedisClient;
  close(): Promise<void>;
}

/** What the test connects to: a server, or the same server with another password. */
export interface Target {
  readonly url: string;
  readonly password?: string | undefined;
}

/** Authentication errors are final: retrying with the same password would fail forever. */
const isAuthenticationError = (error: Error) => /WRONGPASS|NOAUTH/.test(error.message);

const CONNECT_TIMEOUT_MS = 1_000;
const RETRY_DELAY_MS = (attempt: number) => Math.min(50 * attempt, 250);

/** A node-redis client, connected; rejects like an application's startup would on a bad password. */
export async function nodeRedisClient(target: Target) {
  const client = createClient({
    url: target.url,
    password: target.password,
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries, cause) => (isAuthenticationError(cause) ? cause : RETRY_DELAY_MS(retries + 1)),
    },
  });
  // node-redis throws an 'error' event nobody listens to; these tests read failures from the calls.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

function ioOptions(target: Target) {
  return {
    password: target.password,
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt: number) => RETRY_DELAY_MS(attempt),
  };
}

/** A connected client of `kind`. */
export async function connectClient(kind: ClientKind, target: Target): Promise<TestClient> {
  if (kind === 'node-redis') {
    const client = await nodeRedisClient(target);
    return { kind, client, close: async () => client.destroy() };
  }
  const client = kind === 'ioredis' ? new Redis(target.url, ioOptions(target)) : new Valkey(target.url, ioOptions(target));
  const failures: Error[] = [];
  client.on('error', (error: Error) => failures.push(error));
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    // connect() says only "Connection is closed."; why (WRONGPASS, NOAUTH, …) is in the 'error' event.
    throw failures[0] ?? error;
  }
  return { kind, client, close: async () => client.disconnect() };
}

/** The server's own view, for looking at keys behind the store's back. */
export async function rawClient(server: RedisServer) {
  return nodeRedisClient({ url: server.url, password: server.password });
}

/**
 * Polls `check` every 25 ms until it holds, at most `withinMs`; resolves with whether it held.
 * Bounded in time and in count.
 */
export async function eventually(check: () => Promise<boolean>, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (let attempt = 0; attempt <= withinMs / 25; attempt += 1) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

/** How long `work` took to settle, and how it settled. */
export async function timed<T>(work: () => Promise<T>): Promise<{ readonly ms: number; readonly outcome: PromiseSettledResult<T> }> {
  const started = performance.now();
  const [outcome] = await Promise.allSettled([work()]);
  return { ms: performance.now() - started, outcome: outcome as PromiseSettledResult<T> };
}
