/**
 * The checks option validation is made of: each throws a `TypeError` naming the option.
 */
import { isSecureUrl } from './secure-url.js';

/** Throw the `TypeError` for `option`: `"clockTolerance" option must be a non-negative number`. */
export function fail(option: string, rule: string): never {
  throw new TypeError(`"${option}" option ${rule}`);
}

/** A non-empty string or non-empty array of non-empty strings, de-duplicated. */
export function stringList(value: unknown, option: string): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) fail(option, 'must be a non-empty string or array of strings');
  for (const item of list) if (typeof item !== 'string' || item === '') fail(option, 'must contain only non-empty strings');
  return [...new Set(list as string[])];
}

/** A finite number ≥ 0, or `fallback` when absent. */
export function nonNegative(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(option, 'must be a non-negative number');
  return value;
}

/** An absolute `https:` URL (`http:` only for loopback hosts, or with `dangerouslyAllowHttpIssuer`). */
export function checkSecureUrl(value: string, option: string, allowHttp: boolean): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(option, `must be an absolute URL (got ${JSON.stringify(value)})`);
  }
  if (isSecureUrl(url, allowHttp)) return;
  fail(option, `must use https: (${JSON.stringify(value)}); http: is accepted only for loopback hosts or with "dangerouslyAllowHttpIssuer"`);
}

/** A function, or `undefined`. */
export function optionalFunction<T>(value: T | undefined, option: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') fail(option, 'must be a function');
  return value;
}

/** A non-empty string that must be there. */
export function requiredString(value: unknown, option: string): string {
  if (value === undefined) fail(option, 'is required');
  if (typeof value !== 'string' || value === '') fail(option, 'must be a non-empty string');
  return value;
}

/** A boolean, `false` when absent. */
export function optionalBoolean(value: unknown, option: string): boolean {
  if (value !== undefined && typeof value !== 'boolean') fail(option, 'must be a boolean');
  return value === true;
}
