/**
 * The `DPoP` proof header (RFC 9449 §4.1, §7.1): exactly one, holding one JWS. Node joins a
 * repeated `DPoP` header into one value with commas, so repeats are seen in the raw header list
 * and in the value itself (a compact JWS has no comma).
 */
import type { TokenGateError } from '../errors/error.js';
import { invalidProof } from '../binding/invalid-proof.js';
import type { RequestLike } from '../token/types.js';
import { rawHeaderCount } from './raw-headers.js';

const NAME = 'dpop';


function exactlyOne(): TokenGateError {
  return invalidProof('The DPoP scheme needs exactly one DPoP proof header');
}

/** Every value of `DPoP` in the header map, whatever the spelling of its name. */
function values(headers: RequestLike['headers']): string[] {
  const found: string[] = [];
  for (const name in headers) {
    if (name.length !== NAME.length || name.toLowerCase() !== NAME || !Object.hasOwn(headers, name)) continue;
    const value: unknown = headers[name];
    if (typeof value === 'string') found.push(value);
    else if (Array.isArray(value)) for (const item of value) if (typeof item === 'string') found.push(item);
  }
  return found;
}

/**
 * The proof of a DPoP request.
 * @throws TokenGateError `invalid_dpop_proof` unless there is exactly one `DPoP` header with one value.
 * @example readProof({ headers: { dpop: 'eyJ0eXAiOiJkcG9wK2p3dCJ9.eyJ9.c2ln' } }) // => 'eyJ0eXAi…'
 */
export function readProof(request: RequestLike): string {
  const found = values(request.headers);
  if (found.length !== 1 || rawHeaderCount(request.rawHeaders, NAME) > 1) throw found.length === 0 ? invalidProof('The DPoP scheme needs a DPoP proof header') : exactlyOne();
  const proof = (found[0] as string).trim();
  if (proof === '') throw invalidProof('The DPoP proof header is empty');
  if (proof.includes(',')) throw exactlyOne();
  return proof;
}
