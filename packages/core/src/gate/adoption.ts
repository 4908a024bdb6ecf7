/**
 * What the framework's `auth` member holds when a middleware meets a request: a token tokengate
 * made is reused; another library's object only when the application maps it.
 */
import { isAccessToken } from '../token/access-token.js';
import { runApplicationCode } from '../errors/application-code.js';
import type { AccessToken } from '../token/types.js';
import { attachToken } from './request-state.js';

/**
 * Turns another library's object on `req.auth` into an `AccessToken` the application vouches
 * for, or `undefined` to ignore it. Only for deployments that deliberately chain such a library.
 */
export type AdoptForeignAuth = (value: unknown) => AccessToken | undefined;

/**
 * Tell the gates what the framework's `auth` member holds (read it with `ownMember`: an inherited
 * one may come from a polluted prototype). A token tokengate made is attached; any other object
 * is ignored unless `adopt` maps it, in which case the application vouches for the result.
 * @example adoptRequestAuth(req, ownMember(req, 'auth'), options.adoptForeignAuth);
 */
export function adoptRequestAuth(request: object, value: unknown, adopt?: AdoptForeignAuth): void {
  if (value === undefined || value === null) return;
  if (isAccessToken(value)) {
    attachToken(request, value);
    return;
  }
  if (adopt === undefined) return;
  const adopted = runApplicationCode('adoptForeignAuth', () => adopt(value));
  if (adopted !== undefined) attachToken(request, adopted);
}

/**
 * The value of `holder[name]` when it is the holder's own member; `undefined` for an inherited one.
 * @example ownMember(req, 'auth')
 */
export function ownMember(holder: unknown, name: string): unknown {
  return typeof holder === 'object' && holder !== null && Object.hasOwn(holder, name) ? (holder as Record<string, unknown>)[name] : undefined;
}
