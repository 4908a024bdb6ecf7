/**
 * Byte helpers that every runtime has the means for (`TextEncoder`, `btoa`), for the paths where
 * speed does not matter: response bodies, the Basic credentials of an introspection client.
 */

/**
 * The chunks as one array of `size` bytes.
 * @example concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])], 3) // => Uint8Array [1, 2, 3]
 */
export function concatBytes(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * base64 (with padding) of bytes.
 * @example toBase64(new Uint8Array([104, 105])) // => 'aGk='
 */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode takes its arguments on the stack.
  for (let index = 0; index < bytes.length; index += 0x8000) binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  return btoa(binary);
}

/**
 * base64 of the UTF-8 of text.
 * @example base64OfText('client:sécret') // => 'Y2xpZW50OnPDqWNyZXQ='
 */
export function base64OfText(text: string): string {
  return toBase64(new TextEncoder().encode(text));
}
