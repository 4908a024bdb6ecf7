/**
 * The client certificate of a request (RFC 8705 §3): from the TLS connection this server
 * terminates, or from a header a TLS-terminating proxy sets — believed only when the request
 * comes from one of the trusted proxies, since anyone else can set any header. Its identity is
 * the SHA-256 thumbprint of its DER encoding (`x5t#S256`, base64url).
 */
import { Buffer } from 'node:buffer';
import { createHash, X509Certificate } from 'node:crypto';
import type { ResolvedMtls } from '../../options/binding.js';
import type { RequestContext } from '../../request/context.js';

const BEGIN = '-----BEGIN CERTIFICATE-----';
const PEM = /-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----/;
const MAX_HEADER_LENGTH = 16_384;

function headerValue(context: RequestContext, name: string): string | undefined {
  const value = context.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The DER bytes of a header value: PEM (also with its line breaks turned into spaces), URL-encoded
 * PEM, or base64 DER. A value holding two certificates (a repeated header, which Node joins with a
 * comma) is none: a proxy that appends instead of replacing would let the client pick.
 */
function derOf(value: string): Buffer | undefined {
  if (value.length > MAX_HEADER_LENGTH) return undefined;
  let text = value.trim();
  if (text.includes('%')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return undefined;
    }
  }
  if (text.indexOf(BEGIN) !== text.lastIndexOf(BEGIN)) return undefined;
  const body = PEM.exec(text)?.[1] ?? text;
  const base64 = body.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(base64)) return undefined;
  // Node's base64 decoder reads the base64url alphabet too.
  const der = Buffer.from(base64, 'base64');
  try {
    // Parsing proves it is a certificate, not any bytes; its DER is hashed as the proxy received it.
    return new X509Certificate(der).raw;
  } catch {
    return undefined;
  }
}

/**
 * The `x5t#S256` of the request's client certificate, or `undefined` when there is none to
 * believe (no certificate, or a header from a peer that is not a trusted proxy).
 * @example certificateThumbprint(context, { certificate: 'socket' })
 */
export function certificateThumbprint(context: RequestContext | undefined, mtls: ResolvedMtls): string | undefined {
  if (context === undefined) return undefined;
  const { certificate } = mtls;
  let der: Buffer | undefined;
  if (certificate === 'socket') der = context.peerCertificate?.raw;
  else if (context.remoteAddress !== undefined && certificate.trustedProxies.contains(context.remoteAddress)) {
    const value = headerValue(context, certificate.header);
    der = value === undefined ? undefined : derOf(value);
  }
  return der === undefined || der.length === 0 ? undefined : createHash('sha256').update(der).digest('base64url');
}
