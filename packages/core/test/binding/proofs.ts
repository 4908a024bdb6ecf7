/**
 * DPoP proofs made by hand, so every member can be wrong on purpose: a key pair with its public
 * JWK and RFC 7638 thumbprint, and `makeProof` with claim and header overrides.
 */
import { constants, createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';

export const ORIGIN = 'https://api.example.com';
export const URL_PATH = '/v1/files';
export const HTU = `${ORIGIN}${URL_PATH}`;

export interface ProofKeys {
  readonly alg: string;
  readonly privateKey: KeyObject;
  readonly jwk: Record<string, unknown>;
  readonly thumbprint: string;
}

const MEMBERS: Readonly<Record<string, readonly string[]>> = { RSA: ['e', 'kty', 'n'], EC: ['crv', 'kty', 'x', 'y'], OKP: ['crv', 'kty', 'x'] };

/** The RFC 7638 thumbprint, computed here independently of core. */
export function thumbprintOf(jwk: Record<string, unknown>): string {
  const members = MEMBERS[jwk.kty as string] as readonly string[];
  const canonical = `{${members.map((name) => `"${name}":"${String(jwk[name])}"`).join(',')}}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

/** A fresh key pair for `alg` (ES256, ES384, PS256, RS256, EdDSA, Ed25519). */
export function proofKeys(alg = 'ES256'): ProofKeys {
  const pair =
    alg.startsWith('ES')
      ? generateKeyPairSync('ec', { namedCurve: { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[alg] as string })
      : alg === 'EdDSA' || alg === 'Ed25519'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  return { alg, privateKey: pair.privateKey, jwk, thumbprint: thumbprintOf(jwk) };
}

export function ath(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function signature(keys: ProofKeys, alg: string, input: Buffer): Buffer {
  const digest = `sha${alg.slice(2)}`;
  if (alg.startsWith('ES')) return sign(digest, input, { key: keys.privateKey, dsaEncoding: 'ieee-p1363' });
  if (alg.startsWith('PS')) return sign(digest, input, { key: keys.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
  if (alg.startsWith('RS')) return sign(digest, input, keys.privateKey);
  return sign(null, input, keys.privateKey);
}

export interface ProofParts {
  readonly token: string;
  readonly claims?: Record<string, unknown>;
  readonly header?: Record<string, unknown>;
  /** Sign with this key instead (the header still names `keys.jwk` unless overridden). */
  readonly signer?: ProofKeys;
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A proof for `GET ${HTU}` by `keys`, fresh now; `claims` and `header` members replace (or, as
 * `undefined`, remove) the defaults.
 */
export function makeProof(keys: ProofKeys, parts: ProofParts): string {
  const header = { typ: 'dpop+jwt', alg: keys.alg, jwk: keys.jwk, ...parts.header };
  const claims = { jti: randomUUID(), htm: 'GET', htu: HTU, iat: Math.floor(Date.now() / 1000), ath: ath(parts.token), ...parts.claims };
  const input = `${b64(header)}.${b64(claims)}`;
  const alg = typeof header.alg === 'string' ? header.alg : keys.alg;
  return `${input}.${signature(parts.signer ?? keys, alg, Buffer.from(input)).toString('base64url')}`;
}
