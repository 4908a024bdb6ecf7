/**
 * A DPoP proof (RFC 9449 §4), checked against the request it came with, every check of §4.3:
 * one compact JWS whose header passes (proof-header.ts: `typ`, `alg`, public `jwk`), a signature
 * by that key, `htm` and `htu` naming this request, `iat` recent, `ath` the hash of the access
 * token, and the server nonce when nonces are on. Replay is checked after (replay.ts).
 */
import { TokenGateError } from '../errors/error.js';
import { invalidProof } from './invalid-proof.js';
import { platform } from '../platform/current.js';
import type { Claims } from '../token/types.js';
import { htuMatches } from './htu.js';
import type { Nonces } from './nonce.js';
import type { ProofHeaders } from './proof-header.js';

/** The longest proof read: an RSA-4096 proof is under 3 KiB. */
export const MAX_PROOF_LENGTH = 8_192;
const MAX_JTI_LENGTH = 256;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** What a proof is checked against. */
export interface ProofRequest {
  /** The request method. */
  readonly method: string;
  /** The normal form of the request's public URL (`normaliseHtu`). */
  readonly url: string;
  /** base64url(SHA-256(access token)): what `ath` must be. */
  readonly ath: string;
}

/** The rules of a verifier. Seconds. */
export interface ProofRules {
  readonly proofMaxAge: number;
  readonly clockTolerance: number;
  readonly nonces: Nonces | undefined;
  /** The verifier's proof-header reader (keys imported once). */
  readonly headers: ProofHeaders;
}

/** A proof that passed: its key's thumbprint, its `jti` and how long it stays acceptable (seconds). */
export interface CheckedProof {
  readonly thumbprint: string;
  readonly jti: string;
  readonly remaining: number;
}


function notAJws(cause?: unknown): TokenGateError {
  return invalidProof('The DPoP proof is not a compact JWS with a JSON header and claims', cause);
}

/** The claims of a proof whose signature `rules` verified; its key's thumbprint. */
async function verifiedClaims(proof: string, rules: ProofRules): Promise<{ claims: Claims; thumbprint: string }> {
  if (proof.length > MAX_PROOF_LENGTH) throw invalidProof('The DPoP proof is too large');
  const first = proof.indexOf('.');
  const second = first < 0 ? -1 : proof.indexOf('.', first + 1);
  if (second < 0 || proof.indexOf('.', second + 1) >= 0 || !BASE64URL.test(proof.slice(second + 1))) throw notAJws();
  const { prepared, thumbprint } = await rules.headers(proof.slice(0, first));
  const signature = platform.base64urlBytes(proof.slice(second + 1));
  // UTF-8 as in jwt/decode.ts: what is verified is the proof exactly as sent.
  if (!(await platform.verifySignature(prepared, platform.utf8(proof.slice(0, second)), signature))) throw invalidProof('The DPoP proof signature is invalid');
  let claims: unknown;
  try {
    claims = JSON.parse(platform.base64urlText(proof.slice(first + 1, second)));
  } catch (cause) {
    throw notAJws(cause);
  }
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw notAJws();
  return { claims: claims as Claims, thumbprint };
}

function stringClaim(claims: Claims, name: string): string {
  const value = claims[name];
  if (typeof value !== 'string' || value === '') throw invalidProof(`The DPoP proof has no ${name} claim`);
  return value;
}

/** §4.3 steps 8–12 (the time window of `iat`); returns the seconds the proof stays acceptable. */
function checkClaims(claims: Claims, request: ProofRequest, rules: ProofRules, now: number): number {
  const jti = stringClaim(claims, 'jti');
  if (jti.length > MAX_JTI_LENGTH) throw invalidProof('The DPoP proof jti is too long');
  if (stringClaim(claims, 'htm') !== request.method) throw invalidProof('The DPoP proof htm does not match the request method');
  if (!htuMatches(stringClaim(claims, 'htu'), request.url)) throw invalidProof('The DPoP proof htu does not match the request URL');
  const iat = claims.iat;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalidProof('The DPoP proof has no numeric iat claim');
  if (iat > now + rules.clockTolerance) throw invalidProof('The DPoP proof iat is in the future');
  const remaining = iat + rules.proofMaxAge + rules.clockTolerance - now;
  if (remaining <= 0) throw invalidProof('The DPoP proof is too old (iat)');
  if (stringClaim(claims, 'ath') !== request.ath) throw invalidProof('The DPoP proof ath does not match the access token');
  return remaining;
}

/**
 * Check `proof` for `request`.
 * @throws TokenGateError `invalid_dpop_proof`; `use_dpop_nonce` when nonces are on and the proof's is missing or stale.
 * @example const { thumbprint, jti } = await checkProof(proof, { method: 'GET', url, ath }, rules, Date.now() / 1000);
 */
export async function checkProof(proof: string, request: ProofRequest, rules: ProofRules, now: number): Promise<CheckedProof> {
  const { claims, thumbprint } = await verifiedClaims(proof, rules);
  const remaining = checkClaims(claims, request, rules, now);
  if (rules.nonces !== undefined && !rules.nonces.accepts(claims.nonce)) {
    throw new TokenGateError('use_dpop_nonce', 'This resource server requires a fresh nonce in the DPoP proof (see the DPoP-Nonce header)');
  }
  return { thumbprint, jti: claims.jti as string, remaining };
}
