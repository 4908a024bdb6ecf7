/**
 * The five commands a store needs, in each client's dialect behind one small interface.
 * Every write carries its expiry in the same command (`SET … PX`), so no key is ever left
 * without one.
 */
import type { Dialect, IoRedisClient, NodeRedisClient } from './clients.js';

/** What the store asks of Redis; keys are final Redis keys, durations milliseconds. */
export interface Commands {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, milliseconds: number): Promise<void>;
  /** `SET key value NX PX ms`: true when this call set the key. */
  setIfAbsent(key: string, value: string, milliseconds: number): Promise<boolean>;
  /** INCR, and PEXPIRE when the counter was just created, in one script (so atomically). */
  increment(key: string, milliseconds: number): Promise<number>;
  delete(key: string): Promise<void>;
}

/** Runs inside Redis: no other command sees a counter without its expiry. */
export const INCREMENT_SCRIPT = `local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

function text(reply: unknown): string | undefined {
  if (reply === null || reply === undefined) return undefined;
  return typeof reply === 'string' ? reply : String(reply);
}

function count(reply: unknown): number {
  const value = typeof reply === 'number' ? reply : Number(text(reply));
  if (!Number.isSafeInteger(value)) throw new Error(`Redis answered the increment with ${String(reply)}, not a count`);
  return value;
}

function nodeRedisCommands(client: NodeRedisClient): Commands {
  const px = (value: number) => ({ type: 'PX' as const, value });
  return {
    get: async (key) => text(await client.get(key)),
    set: async (key, value, milliseconds) => {
      await client.set(key, value, { expiration: px(milliseconds) });
    },
    setIfAbsent: async (key, value, milliseconds) => (await client.set(key, value, { expiration: px(milliseconds), condition: 'NX' })) === 'OK',
    increment: async (key, milliseconds) => count(await client.eval(INCREMENT_SCRIPT, { keys: [key], arguments: [String(milliseconds)] })),
    delete: async (key) => {
      await client.del(key);
    },
  };
}

function ioRedisCommands(client: IoRedisClient): Commands {
  return {
    get: async (key) => text(await client.get(key)),
    set: async (key, value, milliseconds) => {
      await client.set(key, value, 'PX', milliseconds);
    },
    setIfAbsent: async (key, value, milliseconds) => (await client.set(key, value, 'PX', milliseconds, 'NX')) === 'OK',
    increment: async (key, milliseconds) => count(await client.eval(INCREMENT_SCRIPT, 1, key, String(milliseconds))),
    delete: async (key) => {
      await client.del(key);
    },
  };
}

/** The commands in `dialect`'s own calling convention. */
export function commandsFor(dialect: Dialect): Commands {
  return dialect.kind === 'node-redis' ? nodeRedisCommands(dialect.client) : ioRedisCommands(dialect.client);
}
