/**
 * Keys without `node:`: WebCrypto `CryptoKey`s (jose imports JWKs into them), checked against the
 * algorithm as on Node (RSA of 2048 bits or more, the curve of the ECDSA algorithm, an Ed25519
 * key for EdDSA), with `subtle.verify`'s parameters built once.
 */
import { importJWK, type JWK } from 'jose';
import type { webcrypto } from 'node:crypto';
import { algorithmSpec, type AlgorithmSpec } from '../../jwt/algorithms.js';
import { KeyMismatchError, type PreparedKey, type WebVerifyInput } from '../../jwt/signature.js';
import { canonicalJwk } from '../../keys/canonical-jwk.js';
import { sha256 } from './digest.js';

type CryptoKey = webcrypto.CryptoKey;
interface KeyAlgorithm {
  readonly name: string;
  readonly modulusLength?: number;
  readonly namedCurve?: string;
  readonly hash?: { readonly name: string };
}

const CURVES: Readonly<Record<string, string>> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };
const HASHES: Readonly<Record<string, string>> = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };
const SALT_LENGTHS: Readonly<Record<string, number>> = { sha256: 32, sha384: 48, sha512: 64 };
/** The public members a JWK is imported with: `alg`, `use` or `key_ops` of a proof key decide nothing. */
const PUBLIC_MEMBERS: readonly string[] = ['kty', 'crv', 'n', 'e', 'x', 'y'];

/** `subtle.verify`'s algorithm for a key that fits `alg`; throws `KeyMismatchError` otherwise. */
function verifyAlgorithm(key: CryptoKey, alg: string, spec: AlgorithmSpec): WebVerifyInput['algorithm'] {
  const algorithm = key.algorithm as KeyAlgorithm;
  const hash = HASHES[spec.digest ?? ''];
  if (spec.family === 'RS' || spec.family === 'PS') {
    const name = spec.family === 'RS' ? 'RSASSA-PKCS1-v1_5' : 'RSA-PSS';
    if (algorithm.name !== name || algorithm.hash?.name !== hash) throw new KeyMismatchError(`The key does not fit ${alg}`);
    // RFC 7518 §3.3: keys of 2048 bits or larger MUST be used.
    if ((algorithm.modulusLength ?? 0) < 2048) throw new KeyMismatchError(`${alg} needs an RSA key of at least 2048 bits`);
    // RFC 7518 §3.5: the salt is as long as the digest output.
    return spec.family === 'RS' ? { name } : { name, saltLength: SALT_LENGTHS[spec.digest as string] as number };
  }
  if (spec.family === 'ES' && algorithm.name === 'ECDSA' && algorithm.namedCurve === CURVES[alg]) return { name: 'ECDSA', hash: hash as string };
  if (spec.family === 'EdDSA' && (algorithm.name === 'Ed25519' || algorithm.name === 'Ed448')) return { name: algorithm.name };
  throw new KeyMismatchError(`The key does not fit ${alg}`);
}

/**
 * Prepare a WebCrypto public key or an HMAC secret for one algorithm. Rejects with
 * `KeyMismatchError` when they do not fit.
 * @example await prepareKey('ES256', 'k1', cryptoKey)
 */
export async function prepareKey(alg: string, kid: string | undefined, key: CryptoKey | Uint8Array): Promise<PreparedKey> {
  const spec = algorithmSpec(alg);
  if (!spec) throw new KeyMismatchError(`Unsupported algorithm ${alg}`);
  if (spec.family === 'HS') {
    if (!(key instanceof Uint8Array)) throw new KeyMismatchError('HMAC needs a shared secret');
    return Object.freeze({ alg, kid, thumbprint: undefined, key, spec, verifyInput: key });
  }
  if (key instanceof Uint8Array || key.type !== 'public') throw new KeyMismatchError('A public key is required');
  const algorithm = verifyAlgorithm(key, alg, spec);
  const canonical = canonicalJwk((await crypto.subtle.exportKey('jwk', key)) as Record<string, unknown>);
  const thumbprint = canonical === undefined ? undefined : sha256(canonical);
  return Object.freeze({ alg, kid, thumbprint, key, spec, verifyInput: Object.freeze({ algorithm, key }) });
}

/** A public JWK imported for `alg`. Rejects when it is not a usable key for it. */
export async function importPublicJwk(jwk: Readonly<Record<string, unknown>>, alg: string): Promise<PreparedKey> {
  const members: Record<string, unknown> = {};
  for (const name of PUBLIC_MEMBERS) if (jwk[name] !== undefined) members[name] = jwk[name];
  const key = await importJWK(members as JWK, alg, { extractable: true });
  if (key instanceof Uint8Array) throw new KeyMismatchError('A public key is required');
  return prepareKey(alg, undefined, key as CryptoKey);
}
