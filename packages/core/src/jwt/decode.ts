/**
 * Decoding a compact JWS (RFC 7515 §7.1): three segments, canonical base64url, JSON objects.
 */
import { TokenGateError } from '../errors/error.js';
import { platform } from '../platform/current.js';
import { encryptedTokenError, looksLikeJwe } from './jwe.js';
import type { Claims, ProtectedHeader } from '../token/types.js';

/** A compact JWS split and decoded, not yet verified. */
export interface DecodedJws {
  readonly header: ProtectedHeader;
  readonly payload: Claims;
  /** `BASE64URL(header) || '.' || BASE64URL(payload)`, the bytes that were signed. */
  readonly signingInput: Uint8Array;
  readonly signature: Uint8Array;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Whether a base64url segment (alphabet already checked) is the one canonical spelling of its
 * bytes: no impossible length, and the unused low bits of its last character zero (RFC 4648
 * §3.5). Decoders ignore those bits, so without this every signature has 4 or 16 spellings, each
 * its own cache slot and a way around anything keyed on the token text.
 */
function isCanonicalBase64url(segment: string): boolean {
  const rest = segment.length % 4;
  if (rest === 0) return true;
  if (rest === 1) return false;
  const last = ALPHABET.indexOf(segment.charAt(segment.length - 1));
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}
function invalid(description: string, cause?: unknown): TokenGateError {
  return new TokenGateError('invalid_token', description, { cause });
}

function notBase64url(part: 'header' | 'payload'): TokenGateError {
  return invalid(`The token ${part} is not base64url`);
}

/**
 * Decode one JSON object segment. The payload's alphabet is checked only when decoding fails (or
 * after a failed signature, see `describeBadSignature`): Node's decoder skips stray characters,
 * and the signature covers the segment exactly as sent, so a stray character can never pass.
 */
function decodeObject(segment: string, part: 'header' | 'payload'): Record<string, unknown> {
  if (part === 'header' && !BASE64URL.test(segment)) throw notBase64url(part);
  let value: unknown;
  try {
    value = JSON.parse(platform.base64urlText(segment));
  } catch (cause) {
    throw BASE64URL.test(segment) ? invalid(`The token ${part} is not JSON`, cause) : notBase64url(part);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw BASE64URL.test(segment) ? invalid(`The token ${part} is not a JSON object`) : notBase64url(part);
  }
  return value as Record<string, unknown>;
}

/** Why a token's signature failed: a payload outside the base64url alphabet, or the signature itself. */
export function describeBadSignature(token: string): string {
  const first = token.indexOf('.');
  const payload = token.slice(first + 1, token.indexOf('.', first + 1));
  return BASE64URL.test(payload) ? 'The token signature is invalid' : 'The token payload is not base64url';
}

/** Split and decode a compact JWS. Throws `invalid_token` for anything that is not one. */
export function decodeJws(token: string): DecodedJws {
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (second < 0 || token.indexOf('.', second + 1) >= 0) {
    const segments = token.split('.', 6).length;
    throw segments === 5 && looksLikeJwe(token) ? encryptedTokenError() : invalid('The token is not a JWT (expected three segments)');
  }
  const signatureSegment = token.slice(second + 1);
  if (signatureSegment === '') throw invalid('The token is unsigned');
  if (!BASE64URL.test(signatureSegment)) throw invalid('The token signature is not base64url');
  // Header and payload are signed as sent, so only the signature could be spelled another way.
  if (!isCanonicalBase64url(signatureSegment)) throw invalid('The token signature is not canonical base64url');
  const header = decodeObject(token.slice(0, first), 'header') as unknown as ProtectedHeader;
  const payload = decodeObject(token.slice(first + 1, second), 'payload') as Claims;
  return {
    header,
    payload,
    // UTF-8, never latin1: latin1 keeps only the low byte of each character, so a character outside
    // ASCII would be signed as some ASCII one while the decoder reads the same claims.
    signingInput: platform.utf8(token.slice(0, second)),
    signature: platform.base64urlBytes(signatureSegment),
  };
}
