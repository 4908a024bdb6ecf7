/**
 * DPoP replay (RFC 9449 §11.1): each proof is accepted once. Its `jti` is remembered, per proof
 * key, for as long as the proof could still be accepted, with one atomic set-if-absent on the
 * `Store` (never "check, then set", which two instances could both pass). The key is a digest,
 * so the store never holds what the client sent. A store that fails or does not answer in time
 * refuses the request (503): an unknown answer is never taken for a fresh proof.
 */
import { TokenGateError } from '../errors/error.js';
import { platform } from '../platform/current.js';
import { storeCall } from '../store/bounded.js';
import type { Store } from '../store/store.js';

const PREFIX = 'tokengate:dpop:jti:';

function unavailable(cause?: unknown): TokenGateError {
  return new TokenGateError('temporarily_unavailable', 'The DPoP replay check is unavailable; try again shortly', { cause, retryAfter: 1 });
}

/**
 * Remember the proof `jti` of the key `thumbprint` for `ttl` seconds.
 * @throws TokenGateError `invalid_dpop_proof` for a proof seen before; `temporarily_unavailable` (503) when the store cannot tell.
 * @example await rememberProof(store, thumbprint, payload.jti, 305);
 */
export function rememberProof(store: Store, thumbprint: string, jti: string, ttl: number): Promise<void> {
  const key = PREFIX + platform.sha256(`${thumbprint}.${jti}`);
  let answer: Promise<boolean>;
  try {
    answer = Promise.resolve(store.setIfAbsent(key, '1', ttl));
  } catch (cause) {
    return Promise.reject(unavailable(cause));
  }
  return storeCall(store, answer).then(
    (fresh) => {
      if (fresh !== true) throw new TokenGateError('invalid_dpop_proof', 'The DPoP proof was already used (replay)');
    },
    (cause: unknown) => {
      throw unavailable(cause);
    },
  );
}
