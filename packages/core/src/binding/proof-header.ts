/**
 * The protected header of a DPoP proof (RFC 9449 §4.2–4.3 steps 4–6): `typ` exactly `dpop+jwt`,
 * an allowed asymmetric `alg`, no `crit`, a public `jwk` imported for `alg`. A client sends the
 * same header with every proof (its key does not change), and importing a JWK costs as much as
 * verifying a signature, so a header that passed is kept, by its exact text, in a small LRU:
 * the same text always gives the same answer. Failures are not kept.
 */
import { LRUCache } from 'lru-cache';
import { invalidProof } from './invalid-proof.js';
import { platform } from '../platform/current.js';
import type { PreparedKey } from '../jwt/signature.js';
import { proofKey } from './proof-key.js';

/** A header that passed: the key to verify the signature with, and its RFC 7638 thumbprint. */
export interface ProofHeader {
  readonly prepared: PreparedKey;
  readonly thumbprint: string;
}

/** Reads proof headers: the header segment (base64url) to its key (kept headers answer without waiting). */
export type ProofHeaders = (segment: string) => ProofHeader | Promise<ProofHeader>;

const BASE64URL = /^[A-Za-z0-9_-]+$/;


function decodeHeader(segment: string): Record<string, unknown> {
  let header: unknown;
  try {
    header = BASE64URL.test(segment) ? JSON.parse(platform.base64urlText(segment)) : undefined;
  } catch (cause) {
    throw invalidProof('The DPoP proof is not a compact JWS with a JSON header and claims', cause);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw invalidProof('The DPoP proof is not a compact JWS with a JSON header and claims');
  return header as Record<string, unknown>;
}

async function readHeader(segment: string, algorithms: ReadonlySet<string>): Promise<ProofHeader> {
  const header = decodeHeader(segment);
  if (header.typ !== 'dpop+jwt') throw invalidProof('The DPoP proof typ must be dpop+jwt');
  if (typeof header.alg !== 'string' || !algorithms.has(header.alg)) throw invalidProof(`The DPoP proof algorithm is not accepted (accepted: ${[...algorithms].join(' ')})`);
  if (header.crit !== undefined) throw invalidProof('The DPoP proof has critical header parameters this server does not understand');
  return proofKey(header.jwk, header.alg);
}

/**
 * The header reader of a verifier: `algorithms` allowed, up to `maxHeaders` kept.
 * @example const headerOf = createProofHeaders(new Set(['ES256']), 1000); headerOf(proof.slice(0, proof.indexOf('.')))
 */
export function createProofHeaders(algorithms: ReadonlySet<string>, maxHeaders: number): ProofHeaders {
  const known = new LRUCache<string, ProofHeader>({ max: maxHeaders });
  return function headerOf(segment) {
    return known.get(segment) ?? readHeader(segment, algorithms).then((header) => {
      known.set(segment, header);
      return header;
    });
  };
}
