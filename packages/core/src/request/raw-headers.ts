/**
 * Node's raw header list (name, value, name, value, …): the only place a repeated header shows
 * when `headers` keeps one value (`Authorization`) or joins them.
 */

/**
 * How many lines of the raw list carry `name` (lower case), whatever their spelling.
 * @example rawHeaderCount(['Authorization', 'Bearer a', 'authorization', 'Bearer b'], 'authorization') // => 2
 */
export function rawHeaderCount(rawHeaders: readonly string[] | undefined, name: string): number {
  let seen = 0;
  for (let i = 0; rawHeaders !== undefined && i < rawHeaders.length; i += 2) {
    const candidate = rawHeaders[i] as string;
    if (candidate.length === name.length && candidate.toLowerCase() === name) seen += 1;
  }
  return seen;
}
