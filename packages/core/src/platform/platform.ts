/**
 * What core needs from the runtime it runs on, in one interface: hashing, byte encodings, key
 * import and signature checks, and (on Node only) client certificates. Two implementations:
 * `node/` (`node:crypto` `KeyObject`s, `Buffer`: the fastest on Node, Bun and Deno) and `web/`
 * (WebCrypto and plain JavaScript, for Workers, edge runtimes and anything without `node:`). The
 * package's `exports` conditions pick one when the package is loaded; see current.ts.
 */
import type { webcrypto } from 'node:crypto';
import type { ResolvedMtls } from '../options/binding.js';
import type { RequestContext } from '../request/context.js';
import type { PreparedKey, SignatureVerifier } from '../jwt/signature.js';

/** A public key as runtimes hand it over: jose's key-set lookups resolve WebCrypto `CryptoKey`s. */
export type PlatformCryptoKey = webcrypto.CryptoKey;

/** Client certificates (RFC 8705), where the runtime exposes TLS connections. */
export interface CertificateSupport {
  /** The configured proxy list, checked (throws a TypeError naming the option). */
  trustedProxies(proxies: unknown): ResolvedProxies;
  /** The `x5t#S256` of the request's client certificate, or `undefined` when there is none to believe. */
  certificateThumbprint(context: RequestContext | undefined, mtls: ResolvedMtls): string | undefined;
}

/** A checked list of proxy addresses and ranges. */
export interface ResolvedProxies {
  /** Whether `address` is one of the listed proxies. */
  readonly contains: (address: string) => boolean;
  /** The list as configured. */
  readonly proxies: readonly string[];
}

/** One runtime's primitives. Every function is synchronous unless its type says otherwise. */
export interface Platform {
  /** `node` (`node:crypto`) or `web` (WebCrypto). */
  readonly name: 'node' | 'web';
  /** base64url(SHA-256(bytes, or the UTF-8 of text)). */
  sha256(data: string | Uint8Array): string;
  /** HMAC-SHA-256 of the UTF-8 of `text`. */
  hmacSha256(secret: Uint8Array, text: string): Uint8Array;
  /** Constant-time equality of two byte strings of the same length; false for different lengths. */
  equalBytes(a: Uint8Array, b: Uint8Array): boolean;
  /** The bytes of base64url text (lenient, like every decoder: callers check the alphabet where it matters). */
  base64urlBytes(text: string): Uint8Array;
  /** The UTF-8 text of base64url text. */
  base64urlText(text: string): string;
  /** base64url (no padding) of bytes. */
  toBase64url(bytes: Uint8Array): string;
  /** The UTF-8 bytes of text. */
  utf8(text: string): Uint8Array;
  /** A public key (or HMAC secret) made ready for one algorithm; rejects with `KeyMismatchError` when they do not fit. */
  prepareKey(alg: string, kid: string | undefined, key: PlatformCryptoKey | Uint8Array): PreparedKey | Promise<PreparedKey>;
  /** A public JWK imported for one algorithm (DPoP proof keys); throws or rejects when it does not fit. */
  importPublicJwk(jwk: Readonly<Record<string, unknown>>, alg: string): PreparedKey | Promise<PreparedKey>;
  /** The default signature check. */
  readonly verifySignature: SignatureVerifier;
  /** Client certificates, or `undefined` where the runtime does not expose them. */
  readonly certificates: CertificateSupport | undefined;
}
