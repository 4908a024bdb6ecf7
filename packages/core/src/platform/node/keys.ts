/**
 * Keys on Node: a `KeyObject` checked against the algorithm (RSA of 2048 bits or more, the
 * curve of the ECDSA algorithm, an Edwards key for EdDSA) and its `crypto.verify` argument built
 * once.
 */
import { constants, createPublicKey, KeyObject, type JsonWebKey, type webcrypto } from 'node:crypto';
import { algorithmSpec, type AlgorithmSpec } from '../../jwt/algorithms.js';
import { KeyMismatchError, type PreparedKey } from '../../jwt/signature.js';
import { canonicalJwk } from '../../keys/canonical-jwk.js';
import { sha256 } from './digest.js';

function checkKey(key: KeyObject, alg: string, spec: AlgorithmSpec): void {
  const details = key.asymmetricKeyDetails ?? {};
  const type = key.asymmetricKeyType;
  if ((spec.family === 'RS' || spec.family === 'PS') && (type === 'rsa' || type === 'rsa-pss')) {
    // RFC 7518 §3.3: keys of 2048 bits or larger MUST be used.
    if ((details.modulusLength ?? 0) < 2048) throw new KeyMismatchError(`${alg} needs an RSA key of at least 2048 bits`);
    return;
  }
  if (spec.family === 'ES' && type === 'ec' && details.namedCurve === spec.curve) return;
  if (spec.family === 'EdDSA' && (type === 'ed25519' || type === 'ed448')) return;
  throw new KeyMismatchError(`The key does not fit ${alg}`);
}

/** The RFC 7638 thumbprint of a public `KeyObject`. */
export function keyObjectThumbprint(key: KeyObject): string | undefined {
  const canonical = canonicalJwk(key.export({ format: 'jwk' }) as Record<string, unknown>);
  return canonical === undefined ? undefined : sha256(canonical);
}

function prepareKeyObject(alg: string, kid: string | undefined, key: KeyObject | Uint8Array): PreparedKey {
  const spec = algorithmSpec(alg);
  if (!spec) throw new KeyMismatchError(`Unsupported algorithm ${alg}`);
  if (spec.family === 'HS') {
    if (key instanceof KeyObject) throw new KeyMismatchError('HMAC needs a shared secret');
    return Object.freeze({ alg, kid, thumbprint: undefined, key, spec, verifyInput: key });
  }
  if (!(key instanceof KeyObject) || key.type !== 'public') throw new KeyMismatchError('A public key is required');
  checkKey(key, alg, spec);
  let verifyInput: PreparedKey['verifyInput'] = key;
  if (spec.family === 'PS') {
    // RFC 7518 §3.5: the salt is as long as the digest output.
    verifyInput = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
  } else if (spec.family === 'ES') {
    // JWS carries ECDSA signatures as raw r||s (RFC 7518 §3.4), not DER.
    verifyInput = { key, dsaEncoding: 'ieee-p1363' };
  }
  return Object.freeze({ alg, kid, thumbprint: keyObjectThumbprint(key), key, spec, verifyInput });
}

/**
 * Prepare a public key (a `KeyObject`, or a WebCrypto key as jose hands it over) or an HMAC
 * secret for one algorithm. Throws `KeyMismatchError` when they do not fit.
 * @example prepareKey('ES256', 'k1', createPublicKey(pem))
 */
export function prepareKey(alg: string, kid: string | undefined, key: KeyObject | webcrypto.CryptoKey | Uint8Array): PreparedKey {
  const keyObject = key instanceof Uint8Array || key instanceof KeyObject ? key : KeyObject.from(key);
  return prepareKeyObject(alg, kid, keyObject);
}

/** A public JWK imported for `alg`. Throws when it is not a usable key for it. */
export function importPublicJwk(jwk: Readonly<Record<string, unknown>>, alg: string): PreparedKey {
  return prepareKeyObject(alg, undefined, createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }));
}
