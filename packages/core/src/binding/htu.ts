/**
 * The `htu` comparison (RFC 9449 §4.3 step 9): the proof's URI and the request's public URL,
 * both without query and fragment, compared after RFC 3986 §6.2.2 syntax-based and §6.2.3
 * scheme-based normalisation (case of scheme and host, default port, dot segments, percent
 * encodings of unreserved characters decoded and the rest in upper case).
 */

const PERCENT = /%[0-9a-fA-F]{2}/g;
const UNRESERVED = /[A-Za-z0-9\-._~]/;

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
