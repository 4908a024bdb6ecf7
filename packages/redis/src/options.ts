/**
 * The store's options: validated once, defaults filled in, frozen.
 */

/** How a Redis store names its keys and bounds its commands. */
export interface RedisStoreOptions {
  /** Prepended to every key this store writes, so tokengate's keys stay apart from the rest. Default `tokengate:`. */
  readonly prefix?: string;
  /** Milliseconds a command may take before it rejects with a `RedisTimeoutError`. Default 1000. */
  readonly timeoutMs?: number;
  /** Largest value, in UTF-8 bytes, that `set` and `setIfAbsent` accept; larger ones reject and store nothing. Default 65536. */
  readonly maxValueBytes?: number;
}

/** The options with every default filled in. */
export type ResolvedRedisStoreOptions = Readonly<Required<RedisStoreOptions>>;

/** The longest delay a Node timer holds (2^31 - 1 ms). */
const LONGEST_TIMER_MS = 2_147_483_647;

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** Validates `options` (a `TypeError` names the first bad one) and fills in the defaults. */
export function resolveOptions(options: RedisStoreOptions | undefined): ResolvedRedisStoreOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null) throw new TypeError('"options" must be an object');
  const { prefix = 'tokengate:', timeoutMs = 1_000, maxValueBytes = 65_536 } = options;
  if (typeof prefix !== 'string') throw new TypeError('"prefix" option must be a string');
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > LONGEST_TIMER_MS) {
    throw new TypeError(`"timeoutMs" option must be a positive number of milliseconds, at most ${LONGEST_TIMER_MS}`);
  }
  if (!isPositiveInteger(maxValueBytes)) throw new TypeError('"maxValueBytes" option must be a positive integer');
  return Object.freeze({ prefix, timeoutMs, maxValueBytes });
}
