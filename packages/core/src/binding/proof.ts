/**
 * A DPoP proof (RFC 9449 §4), checked against the request it came with, every check of §4.3:
 * one well-formed JWS, `typ` `dpop+jwt`, an allowed asymmetric `alg`, a public `jwk` that
 * verifies the signature, `htm` and `htu` naming this request, `iat` recent, `ath` the hash of
 * the access token, and the server nonce when nonces are on. Replay is checked after (replay.ts).
 */
import { createHash } from 'node:crypto';
import { TokenGateError } from '../errors/error.js';
import { decodeJws, type DecodedJws } from '../jwt/decode.js';
import { nodeSignatureVerifier } from '../jwt/signature.js';
import type { Claims } from '../token/types.js';
import { normaliseHtu } from './htu.js';
import type { Nonces } from './nonce.js';
import type { ProofKeys } from './proof-key.js';

/** The longest proof read: an RSA-4096 proof is under 3 KiB. */
export const MAX_PROOF_LENGTH = 8_192;
const MAX_JTI_LENGTH = 256;

/** What a proof is checked against. */
export interface ProofRequest {
  /** The request method. */
  readonly method: string;
  /** The normalised public URL of the request (`normaliseHtu`). */
  readonly url: string;
  /** The access token presented with the proof. */
  readonly accessToken: string;
}

/** The rules of a verifier. Seconds. */
export interface ProofRules {
  readonly algorithms: ReadonlySet<string>;
  readonly proofMaxAge: number;
  readonly clockTolerance: number;
  readonly nonces: Nonces | undefined;
  /** The verifier's proof-key import. */
  readonly keys: ProofKeys;
}

/** A proof that passed: its key's thumbprint, its `jti` and how long it stays acceptable (seconds). */
export interface CheckedProof {
  readonly thumbprint: string;
  readonly jti: string;
  readonly remaining: number;
}

function invalidProof(description: string, cause?: unknown): TokenGateError {
  return new TokenGateError('invalid_dpop_proof', description, { cause });
}

function decodeProof(proof: string): DecodedJws {
  if (proof.length > MAX_PROOF_LENGTH) throw invalidProof('The DPoP proof is too large');
  try {
    return decodeJws(proof);
  } catch (cause) {
    throw invalidProof('The DPoP proof is not a compact JWS with a JSON header and claims', cause);
  }
}

/** §4.3 steps 4–7: the header, then the signature by the header's own key. */
function verifySignedProof(decoded: DecodedJws, rules: ProofRules): string {
  const { header } = decoded;
  if (header.typ !== 'dpop+jwt') throw invalidProof('The DPoP proof typ must be dpop+jwt');
  if (typeof header.alg !== 'string' || !rules.algorithms.has(header.alg)) throw invalidProof(`The DPoP proof algorithm is not accepted (accepted: ${[...rules.algorithms].join(' ')})`);
  if (header.crit !== undefined) throw invalidProof('The DPoP proof has critical header parameters this server does not understand');
  const key = rules.keys(header.jwk, header.alg);
  if (!nodeSignatureVerifier(key.prepared, decoded.signingInput, decoded.signature)) throw invalidProof('The DPoP proof signature is invalid');
  return key.thumbprint;
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
  if (normaliseHtu(stringClaim(claims, 'htu')) !== request.url) throw invalidProof('The DPoP proof htu does not match the request URL');
  const iat = claims.iat;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalidProof('The DPoP proof has no numeric iat claim');
  if (iat > now + rules.clockTolerance) throw invalidProof('The DPoP proof iat is in the future');
  const remaining = iat + rules.proofMaxAge + rules.clockTolerance - now;
  if (remaining <= 0) throw invalidProof('The DPoP proof is too old (iat)');
  if (stringClaim(claims, 'ath') !== createHash('sha256').update(request.accessToken).digest('base64url')) {
    throw invalidProof('The DPoP proof ath does not match the access token');
  }
  return remaining;
}

/**
 * Check `proof` for `request`.
 * @throws TokenGateError `invalid_dpop_proof`; `use_dpop_nonce` when nonces are on and the proof's is missing or stale.
 * @example const { thumbprint, jti } = checkProof(proof, { method: 'GET', url, accessToken }, rules, Date.now() / 1000);
 */
export function checkProof(proof: string, request: ProofRequest, rules: ProofRules, now: number): CheckedProof {
  const decoded = decodeProof(proof);
  const thumbprint = verifySignedProof(decoded, rules);
  const remaining = checkClaims(decoded.payload, request, rules, now);
  if (rules.nonces !== undefined && !rules.nonces.accepts(decoded.payload.nonce)) {
    throw new TokenGateError('use_dpop_nonce', 'This resource server requires a fresh nonce in the DPoP proof (see the DPoP-Nonce header)');
  }
  return { thumbprint, jti: decoded.payload.jti as string, remaining };
}
