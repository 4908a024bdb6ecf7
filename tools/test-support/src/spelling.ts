/**
 * A compact JWS (or DPoP proof) with one character of segment `index` replaced by the character
 * 256 code points above it. latin1 keeps only the low byte of each character, and Node's
 * base64url decoder reads the character the same way, so the claims and the latin1 bytes are those
 * of the original: only the UTF-8 of the text tells the two apart.
 * @example beyondLatin1(token, 1) // the payload's sixth character replaced
 */
export function beyondLatin1(compact: string, index: number): string {
  const segments = compact.split('.');
  const segment = segments[index] as string;
  segments[index] = segment.slice(0, 5) + String.fromCharCode(segment.charCodeAt(5) + 0x100) + segment.slice(6);
  return segments.join('.');
}
