/**
 * Hashing and byte encodings on Node: `node:crypto` and `Buffer`.
 */
import { Buffer } from 'node:buffer';
import { createHmac, hash, timingSafeEqual } from 'node:crypto';

/** base64url(SHA-256(data)); text is hashed as UTF-8. */
export function sha256(data: string | Uint8Array): string {
  return hash('sha256', data, 'base64url');
}

/** HMAC-SHA-256 of the UTF-8 of `text`. */
export function hmacSha256(secret: Uint8Array, text: string): Uint8Array {
  return createHmac('sha256', secret).update(text).digest();
}

/** Constant-time equality; false for different lengths. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Decoding and encoding through `Buffer`. */
export const encoding = {
  base64urlBytes: (text: string): Uint8Array => Buffer.from(text, 'base64url'),
  base64urlText: (text: string): string => Buffer.from(text, 'base64url').toString('utf8'),
  toBase64url: (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url'),
  utf8: (text: string): Uint8Array => Buffer.from(text, 'utf8'),
};
