/**
 * The time bound on every command: a dead or slow Redis must not hold a request, so a command
 * not answered in time rejects (the command itself may still run later; its answer is dropped).
 */

/** Redis did not answer a command within the store's `timeoutMs`. */
export class RedisTimeoutError extends Error {
  override readonly name = 'RedisTimeoutError';
  /** What was asked, e.g. `GET` or `SET NX`. */
  readonly command: string;
  /** The bound that passed, milliseconds. */
  readonly timeoutMs: number;

  constructor(command: string, timeoutMs: number) {
    super(`Redis did not answer ${command} within ${timeoutMs} ms`);
    this.command = command;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * `work`, or a `RedisTimeoutError` after `timeoutMs`; the timer is cleared as soon as either
 * settles and never keeps the process alive.
 * @example const value = await withTimeout(client.get(key), 1_000, 'GET');
 */
export function withTimeout<T>(work: Promise<T>, timeoutMs: number, command: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisTimeoutError(command, timeoutMs)), timeoutMs);
    timer.unref();
  });
  return Promise.race([work, expiry]).finally(() => clearTimeout(timer));
}
