/**
 * Stateless DPoP server nonces (RFC 9449 §8–9): a nonce is its time window and an HMAC of it, so
 * every instance holding the same secret makes and accepts the same nonces, and nothing is
 * stored. A nonce is accepted in its own window and the next one; the first secret signs, every
 * listed one verifies, so secrets rotate without a cut.
 */
import { platform } from '../platform/current.js';
import type { NonceSettings } from '../options/binding.js';
import type { Clock } from '../token/types.js';

/** Issues and checks nonces. */
export interface Nonces {
  /** The nonce of the current window. */
  issue(): string;
  /** Whether `nonce` is one of ours, of this window or the previous one. */
  accepts(nonce: unknown): boolean;
}

const MAC_BYTES = 16;
const NONCE = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})$/;

function mac(secret: Uint8Array, window: number): Uint8Array {
  return platform.hmacSha256(secret, `tokengate dpop nonce ${window}`).subarray(0, MAC_BYTES);
}

/**
 * Nonces for `settings`, windows read from `clock`.
 * @example const nonces = createNonces({ secrets: [secret], lifetime: 300 }, Date.now); nonces.accepts(nonces.issue()) // => true
 */
export function createNonces(settings: NonceSettings, clock: Clock): Nonces {
  const [signing] = settings.secrets as [Uint8Array];
  const windowOf = (): number => Math.floor(clock() / 1000 / settings.lifetime);
  return {
    issue() {
      const window = windowOf();
      return `${window.toString(36)}.${platform.toBase64url(mac(signing, window))}`;
    },
    accepts(nonce) {
      const match = typeof nonce === 'string' ? NONCE.exec(nonce) : null;
      if (match === null) return false;
      const window = Number.parseInt(match[1] as string, 36);
      const age = windowOf() - window;
      if (age !== 0 && age !== 1) return false;
      const presented = platform.base64urlBytes(match[2] as string);
      return settings.secrets.some((secret) => platform.equalBytes(mac(secret, window), presented));
    },
  };
}
