/**
 * The clients a store accepts, by shape: node-redis (`createClient()` from `redis`, v5 and later)
 * and ioredis or iovalkey (`new Redis()` / `new Valkey()`). Neither package is imported at run
 * time; the application brings its own client, connected and configured as it likes.
 */

/** The part of a node-redis client the store uses. */
export interface NodeRedisClient {
  /** node-redis has it; ioredis does not (that is how the two are told apart). */
  readonly isOpen: boolean;
  get(key: string): Promise<unknown>;
  set(key: string, value: string, options: { expiration: { type: 'PX'; value: number }; condition?: 'NX' }): Promise<unknown>;
  del(key: string): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** The part of an ioredis or iovalkey client the store uses. */
export interface IoRedisClient {
  /** `'ready'`, `'connecting'`, `'end'`, …: ioredis has it; node-redis does not. */
  readonly status: string;
  get(key: string): Promise<unknown>;
  set(key: string, value: string, millisecondsToken: 'PX', milliseconds: number): Promise<unknown>;
  set(key: string, value: string, millisecondsToken: 'PX', milliseconds: number, nx: 'NX'): Promise<unknown>;
  del(key: string): Promise<unknown>;
  eval(script: string, numberOfKeys: number, ...keysAndArguments: string[]): Promise<unknown>;
  /** rate-limiter-flexible registers its script through it. */
  defineCommand(name: string, definition: { numberOfKeys?: number; lua: string }): void;
}

/** A client of either kind. */
export type RedisClient = NodeRedisClient | IoRedisClient;

/** A client together with the kind it was recognised as. */
export type Dialect = { readonly kind: 'node-redis'; readonly client: NodeRedisClient } | { readonly kind: 'ioredis'; readonly client: IoRedisClient };

const NOT_A_CLIENT = '"client" must be a node-redis client (createClient() from "redis") or an ioredis/iovalkey client (new Redis())';

function hasMethods(value: object, names: readonly string[]): boolean {
  const record = value as Record<string, unknown>;
  return names.every((name) => typeof record[name] === 'function');
}

/** Which kind `client` is; a `TypeError` when it is neither. */
export function dialectOf(client: unknown): Dialect {
  if (typeof client !== 'object' || client === null || !hasMethods(client, ['get', 'set', 'del', 'eval'])) throw new TypeError(NOT_A_CLIENT);
  const shape = client as Partial<NodeRedisClient & IoRedisClient>;
  if (typeof shape.status === 'string' && typeof shape.defineCommand === 'function') return { kind: 'ioredis', client: client as IoRedisClient };
  if (typeof shape.isOpen === 'boolean') return { kind: 'node-redis', client: client as NodeRedisClient };
  throw new TypeError(NOT_A_CLIENT);
}
