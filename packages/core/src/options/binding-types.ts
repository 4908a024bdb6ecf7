/**
 * The options of sender-constrained tokens, as applications write them: DPoP (RFC 9449) and
 * mTLS-bound tokens (RFC 8705). Durations in seconds.
 */
import type { Store } from '../store/store.js';

/**
 * Server nonces (RFC 9449 §8): stateless, an HMAC over a time window, so every instance that
 * shares the secret issues and accepts the same nonces without shared state.
 */
export interface DpopNonceOptions {
  /**
   * The HMAC key, at least 32 bytes; or a list for rotation: the first makes new nonces, every
   * one is accepted.
   */
  readonly secret: string | Uint8Array | readonly (string | Uint8Array)[];
  /** Seconds a nonce is issued for; it is accepted in its window and the next one (so for up to twice this). Default 300. */
  readonly lifetime?: number;
}

/** DPoP: `Authorization: DPoP <token>` with a `DPoP` proof header (RFC 9449 §7). */
export interface DpopOptions {
  /** Refuse the Bearer scheme: every token must be DPoP-bound and presented with a proof. Default false (both accepted). */
  readonly required?: boolean;
  /** Proof algorithms accepted (asymmetric only). Default ES256, ES384, ES512, PS256–512, RS256–512, EdDSA, Ed25519. */
  readonly algorithms?: readonly string[];
  /** Seconds a proof is accepted after its `iat`. Default 300. */
  readonly proofMaxAge?: number;
  /** Seconds of leeway for the proof's `iat`, backwards and forwards. Default 5. */
  readonly clockTolerance?: number;
  /** Require server nonces (`use_dpop_nonce`); default none. */
  readonly nonce?: DpopNonceOptions;
  /**
   * Where proof ids (`jti`) are remembered for the acceptance window, so a proof is accepted
   * once: a `Store` shared by every instance of this API (Redis, …) makes a replay to another
   * instance fail too. Default an in-memory store of 100000 proofs. A store that fails or does
   * not answer in 2 s refuses the request (503), never accepts it.
   */
  readonly replayStore?: Store;
}

/** Where a forwarded client certificate comes from: a header that only trusted proxies may set. */
export interface MtlsHeaderSource {
  /** The header the TLS-terminating proxy puts the client certificate in: PEM, URL-encoded PEM, or base64 DER. */
  readonly header: string;
  /** The proxies (IP addresses or CIDR ranges, `10.0.0.0/8`, `::1`) whose header is believed; from any other peer it is ignored. */
  readonly trustedProxies: readonly string[];
}

/** mTLS-bound tokens (RFC 8705 §3): where the client certificate of a request comes from. */
export interface MtlsOptions {
  /** `'socket'`: this server terminates TLS (`requestCert: true`); or a header set by a trusted proxy. */
  readonly certificate: 'socket' | MtlsHeaderSource;
}
