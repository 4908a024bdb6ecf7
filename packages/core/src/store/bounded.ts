/**
 * A store call with a time bound: a networked store that does not answer must not hold a request.
 */

/**
 * `promise`, or a rejection after `ms` milliseconds (the timer never keeps the process alive).
 * @example await bounded(store.get(key), 2_000);
 */
export function bounded<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`The store did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
