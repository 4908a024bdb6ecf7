/**
 * The `htu` comparison (RFC 9449 §4.3 step 9): the proof's URI and the request's public URL,
 * both without query and fragment, compared after RFC 3986 §6.2.2 syntax-based and §6.2.3
 * scheme-based normalisation (case of scheme and host, default port, dot segments, percent
 * encodings of unreserved characters decoded and the rest in upper case). Texts that are equal
 * need no normalising, and a path of plain characters is in normal form already.
 */
import { publicUrl, targetPath, type PublicOriginSettings, type RequestContext } from '../request/context.js';

const PERCENT = /%[0-9a-fA-F]{2}/g;
const UNRESERVED = /[A-Za-z0-9\-._~]/;
/** A path the URL parser leaves as it is: no percent sign, nothing it would encode. */
const PLAIN_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;
const DOT_SEGMENT = /(?:^|\/)\.\.?(?:\/|$)/;

function normalisePercent(encoded: string): string {
  const character = String.fromCharCode(Number.parseInt(encoded.slice(1), 16));
  return UNRESERVED.test(character) ? character : encoded.toUpperCase();
}

/**
 * The normal form of an `http:`/`https:` URL without query and fragment, or `undefined` for
 * anything else (another scheme, credentials in it, not a URL).
 * @example normaliseHtu('HTTPS://API.example.com:443/a/./b/%7euser?x=1') // => 'https://api.example.com/a/b/~user'
 */
export function normaliseHtu(value: string | URL): string | undefined {
  let url: URL;
  try {
    url = typeof value === 'string' ? new URL(value) : value;
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') return undefined;
  return `${url.origin}${url.pathname.replace(PERCENT, normalisePercent)}`;
}

/** Whether a proof's `htu` names the request URL `normal` (the request's normal form). */
export function htuMatches(htu: string, normal: string): boolean {
  return htu === normal || normaliseHtu(htu) === normal;
}

/**
 * The normal form of the request's public URL, or `undefined` when the request does not say
 * enough. With a configured origin (in normal form) a plain path is used as it is.
 * @example requestHtu({ headers: {}, target: '/v1/files?x=1' }, { publicOrigin: 'https://api.example.com', trustProxy: false })
 * // => 'https://api.example.com/v1/files'
 */
export function requestHtu(request: RequestContext, settings: PublicOriginSettings): string | undefined {
  const path = settings.publicOrigin === undefined || request.target === undefined ? undefined : targetPath(request.target);
  if (path !== undefined && PLAIN_PATH.test(path) && !DOT_SEGMENT.test(path)) return `${settings.publicOrigin}${path}`;
  const url = publicUrl(request, settings);
  return url === undefined ? undefined : normaliseHtu(url);
}
