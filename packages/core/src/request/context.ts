/**
 * The request as core reads it. Adapters build one per request from the framework's request;
 * core reads only what a step needs (the `Authorization` header for a bearer token; the method
 * and public URL for proofs of possession and protected-resource metadata).
 */
import type { PeerCertificate } from 'node:tls';
import type { RequestLike } from '../token/types.js';

/** A request: `RequestLike` plus what later steps read. Every member but `headers` is optional. */
export interface RequestContext extends RequestLike {
  /** The request target as received: origin-form (`/v1/files?x=1`) or absolute-form. */
  readonly target?: string | undefined;
  /** Whether the connection to this server is TLS. */
  readonly secure?: boolean | undefined;
  /** The TLS client certificate, when the client presented one (mutual TLS). */
  readonly peerCertificate?: PeerCertificate | undefined;
  /** The address of the peer this server talks to (a proxy's, behind one). */
  readonly remoteAddress?: string | undefined;
}

/** Where the public origin of requests comes from. */
export interface PublicOriginSettings {
  /** The origin clients use (`https://api.example.com`), when fixed. Wins over any header. */
  readonly publicOrigin: string | undefined;
  /** Read `X-Forwarded-Proto` / `X-Forwarded-Host` (and RFC 7239 `Forwarded`) set by a trusted proxy. */
  readonly trustProxy: boolean;
}

function firstValue(value: string | readonly string[] | undefined): string | undefined {
  const text = typeof value === 'string' ? value : value?.[0];
  const first = text?.split(',')[0]?.trim();
  return first === undefined || first === '' ? undefined : first;
}

/** `proto` and `host` of the first element of an RFC 7239 `Forwarded` header. */
function forwarded(value: string | undefined): { proto?: string; host?: string } {
  const result: { proto?: string; host?: string } = {};
  for (const pair of (value ?? '').split(';')) {
    const at = pair.indexOf('=');
    const name = pair.slice(0, at).trim().toLowerCase();
    const text = pair.slice(at + 1).trim().replace(/^"(.*)"$/, '$1');
    if (at > 0 && (name === 'proto' || name === 'host')) result[name] = text;
  }
  return result;
}

function header(request: RequestLike, name: string): string | undefined {
  return firstValue(request.headers[name]);
}

/** An origin (`scheme://host[:port]`) as a URL, or `undefined` when the text is anything more or less. */
function parseOrigin(proto: string, host: string): URL | undefined {
  if (proto !== 'http' && proto !== 'https') return undefined;
  let url: URL;
  try {
    url = new URL(`${proto}://${host}`);
  } catch {
    return undefined;
  }
  // A host with a path, credentials or another authority smuggled in is not a host.
  return url.host === host.toLowerCase() && url.pathname === '/' && url.username === '' ? url : undefined;
}

/** The origin the client used, from the settings or the request's headers. */
function originOf(request: RequestContext, settings: PublicOriginSettings): URL | undefined {
  if (settings.publicOrigin !== undefined) return new URL(settings.publicOrigin);
  const proxy = settings.trustProxy ? forwarded(header(request, 'forwarded')) : {};
  const proto = settings.trustProxy ? (proxy.proto ?? header(request, 'x-forwarded-proto')) : undefined;
  const host = (settings.trustProxy ? (proxy.host ?? header(request, 'x-forwarded-host')) : undefined) ?? header(request, 'host');
  if (host === undefined) return undefined;
  return parseOrigin((proto ?? (request.secure === true ? 'https' : 'http')).toLowerCase(), host);
}

/**
 * The path of a request target: origin-form up to `?`, or the path of an absolute-form target.
 * @example targetPath('/v1/files?x=1') // => '/v1/files'
 */
export function targetPath(target: string): string | undefined {
  if (target.startsWith('/')) {
    const end = target.search(/[?#]/);
    return end < 0 ? target : target.slice(0, end);
  }
  return URL.canParse(target) ? new URL(target).pathname : undefined;
}

/**
 * The URL the client used for this request, without query or fragment: the configured
 * `publicOrigin`; else, with `trustProxy`, the forwarding headers; else the `Host` header and
 * the connection's own scheme. `undefined` when the request does not say enough (no target, no
 * host, or a host that is not one).
 * @example publicUrl({ headers: { host: 'api.example.com' }, target: '/mcp?x=1', secure: true }, { publicOrigin: undefined, trustProxy: false })
 * // => URL https://api.example.com/mcp
 */
export function publicUrl(request: RequestContext, settings: PublicOriginSettings): URL | undefined {
  const path = request.target === undefined ? undefined : targetPath(request.target);
  const origin = path === undefined ? undefined : originOf(request, settings);
  if (origin === undefined || path === undefined) return undefined;
  origin.pathname = path;
  return origin;
}
