/**
 * Hashing and byte encodings without `node:`: SHA-256 and HMAC from @noble/hashes (audited,
 * synchronous: WebCrypto's digest is asynchronous, and cache keys, thumbprints and DPoP nonces
 * are computed where nothing can wait), base64url through `atob`/`btoa`.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 as sha256Bytes } from '@noble/hashes/sha2.js';
import { toBase64 } from '../bytes.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** base64url (no padding) of bytes. */
export function toBase64url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

/** base64url(SHA-256(data)); text is hashed as UTF-8. */
export function sha256(data: string | Uint8Array): string {
  return toBase64url(sha256Bytes(typeof data === 'string' ? encoder.encode(data) : data));
}

/** HMAC-SHA-256 of the UTF-8 of `text`. */
export function hmacSha256(secret: Uint8Array, text: string): Uint8Array {
  return hmac(sha256Bytes, secret, encoder.encode(text));
}

/** Constant-time equality (every byte is read whatever differs); false for different lengths. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index += 1) difference |= (a[index] as number) ^ (b[index] as number);
  return difference === 0;
}

/**
 * The bytes of base64url text. Lenient like Node's decoder where it can be (padding optional);
 * text outside the alphabet gives bytes that verify nothing (callers check the alphabet where
 * the spelling matters).
 */
export function base64urlBytes(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return new Uint8Array(0);
  }
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** Decoding and encoding without `Buffer`. */
export const encoding = {
  base64urlBytes,
  base64urlText: (text: string): string => decoder.decode(base64urlBytes(text)),
  toBase64url,
  utf8: (text: string): Uint8Array => encoder.encode(text),
};
