/**
 * The path a router routes, read from the raw request target, so that a route policy decides on
 * exactly what the framework will route. Routers differ (Fastify percent-decodes before matching
 * and can fold `//` and cut at `;`; Express and Koa match the raw path but hand handlers decoded
 * parameters; all of them take the path of an absolute-form target), so the policy reads the
 * target the strictest way they share and refuses what it cannot read the same way as every one
 * of them.
 */
import { TokenGateError } from '../errors/error.js';

/** How the framework's router reads paths; adapters fill it from the framework's settings. */
export interface RouterBehaviour {
  /** The router folds repeated slashes (`//` as `/`), like Fastify's `ignoreDuplicateSlashes`. */
  readonly ignoreDuplicateSlashes?: boolean;
  /** The router ends the path at the first `;`, like Fastify's `useSemicolonDelimiter`. */
  readonly useSemicolonDelimiter?: boolean;
  /**
   * Whether the router matches paths case-sensitively. A policy is never more case-sensitive than
   * its router, else `/V1/ADMIN` would miss a `/v1/admin/*` row and still reach its handler.
   */
  readonly caseSensitive?: boolean;
}

/** Router settings as a framework's configuration spells them, at the top level or under `routerOptions` (Fastify 5). */
export type RouterSettings = RouterBehaviour & { readonly routerOptions?: RouterBehaviour };

/**
 * What a router does with paths, from its settings (`routerOptions` first); `defaults` where
 * neither says.
 * @example routerBehaviour(fastify.initialConfig, { caseSensitive: true })
 */
export function routerBehaviour(settings: RouterSettings, defaults: Required<RouterBehaviour>): Required<RouterBehaviour> {
  const nested = settings.routerOptions ?? {};
  return Object.freeze({
    caseSensitive: nested.caseSensitive ?? settings.caseSensitive ?? defaults.caseSensitive,
    ignoreDuplicateSlashes: nested.ignoreDuplicateSlashes ?? settings.ignoreDuplicateSlashes ?? defaults.ignoreDuplicateSlashes,
    useSemicolonDelimiter: nested.useSemicolonDelimiter ?? settings.useSemicolonDelimiter ?? defaults.useSemicolonDelimiter,
  });
}

// RFC 3986 §3.1 scheme, then `//` and an authority (absolute-form, RFC 9112 §3.2.2).
const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;
const PERCENT = /%(?![0-9A-Fa-f]{2})/;
// An encoded `/` or `\` would be one segment to the router and two to anything that decodes first.
const ENCODED_SEPARATOR = /%(?:2[Ff]|5[Cc])/;
const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:\/|$)/;

function unroutable(description: string): TokenGateError {
  return new TokenGateError('invalid_request', description);
}

/** The origin-form path of a target: the path of an absolute-form one, `/` when it has none. */
function originForm(target: string): string {
  if (target.startsWith('/')) return target;
  const absolute = ABSOLUTE_FORM.exec(target);
  if (absolute === null) throw unroutable('The request target is not a path');
  const rest = target.slice(absolute[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/** The path without its query and fragment (and parameters, for routers that cut at `;`). */
function withoutQuery(path: string, router: RouterBehaviour): string {
  for (let at = 0; at < path.length; at += 1) {
    const code = path.charCodeAt(at);
    // `?` (0x3f), `#` (0x23), and `;` (0x3b) when the router cuts there.
    if (code === 0x3f || code === 0x23 || (code === 0x3b && router.useSemicolonDelimiter === true)) return path.slice(0, at);
  }
  return path;
}

function decoded(path: string): string {
  if (!path.includes('%')) return path;
  if (PERCENT.test(path)) throw unroutable('The request path has an invalid percent-encoding');
  if (ENCODED_SEPARATOR.test(path)) throw unroutable('The request path has an encoded "/" or "\\"');
  try {
    return decodeURIComponent(path);
  } catch {
    throw unroutable('The request path is not valid percent-encoded UTF-8');
  }
}

function withoutEmptySegments(path: string, router: RouterBehaviour): string {
  if (!path.includes('//')) return path;
  if (router.ignoreDuplicateSlashes !== true) throw unroutable('The request path has an empty segment ("//")');
  return path.replace(/\/{2,}/g, '/');
}

/**
 * The decoded path a router routes for a raw request target (`req.url`): absolute-form reduced to
 * its path, query and fragment cut, percent-escapes decoded (as Fastify routes and as every
 * router decodes parameters), `//` folded where the router folds it. Targets that routers read
 * differently are refused: invalid or non-UTF-8 percent-encoding, an encoded `/` or `\`, a `\`,
 * dot segments (`.`, `..`, plain or encoded), empty segments, and anything that is not a path.
 * @throws TokenGateError `invalid_request` (400) for such a target.
 * @example
 * routePath('/v1/%61dmin/users?x=1'); // => '/v1/admin/users'
 * routePath('http://api.example.com/v1/admin'); // => '/v1/admin'
 * routePath('/v1/x/%2e%2e/admin'); // throws invalid_request
 */
export function routePath(target: string, router: RouterBehaviour = {}): string {
  if (typeof target !== 'string') throw unroutable('The request target is not a path');
  const path = decoded(withoutQuery(originForm(target), router));
  if (path.includes('\\')) throw unroutable('The request path has a "\\"');
  if (DOT_SEGMENT.test(path)) throw unroutable('The request path has a "." or ".." segment');
  return withoutEmptySegments(path, router);
}
