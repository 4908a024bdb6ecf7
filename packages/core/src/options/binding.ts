/**
 * `dpop`, `mtls`, `publicOrigin`, `trustProxy` and `denyList`: validated, defaults applied.
 */
import { ASYMMETRIC_ALGORITHMS, isSupportedAlgorithm, HMAC_ALGORITHMS } from '../jwt/algorithms.js';
import { platform } from '../platform/current.js';
import type { ResolvedProxies } from '../platform/platform.js';
import { createMemoryStore } from '../store/memory-store.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../token/types.js';
import { checkBlock } from './blocks.js';
import { fail, nonNegative, optionalBoolean } from './checks.js';
import { checkSecureUrl } from './checks.js';
import type { DpopOptions, MtlsOptions } from './binding-types.js';
import type { DenyListOptions } from './state-types.js';

/** The proof algorithms accepted by default: every asymmetric one, with RFC 9864's `Ed25519`. */
export const DEFAULT_PROOF_ALGORITHMS: readonly string[] = Object.freeze([...ASYMMETRIC_ALGORITHMS, 'Ed25519']);

/** Stateless nonces: the keys (the first signs) and the window, seconds. */
export interface NonceSettings {
  readonly secrets: readonly Uint8Array[];
  readonly lifetime: number;
}

/** DPoP after validation and defaults. */
export interface ResolvedDpop {
  readonly required: boolean;
  readonly algorithms: readonly string[];
  readonly proofMaxAge: number;
  readonly clockTolerance: number;
  readonly nonce: NonceSettings | undefined;
  readonly replayStore: Store;
}

/** mTLS after validation: the socket, or a header believed only from the listed proxies. */
export interface ResolvedMtls {
  readonly certificate: 'socket' | { readonly header: string; readonly trustedProxies: ResolvedProxies; readonly proxies: readonly string[] };
}

/** Headers that carry something else: a certificate is never read from them. */
const RESERVED_HEADERS: ReadonlySet<string> = new Set(['authorization', 'dpop', 'cookie', 'host', 'forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto']);

const DPOP_NAMES = { required: true, algorithms: true, proofMaxAge: true, clockTolerance: true, nonce: true, replayStore: true } as const;
const NONCE_NAMES = { secret: true, lifetime: true } as const;

function proofAlgorithms(algorithms: unknown): readonly string[] {
  if (algorithms === undefined) return DEFAULT_PROOF_ALGORITHMS;
  if (!Array.isArray(algorithms) || algorithms.length === 0) fail('dpop.algorithms', 'must be a non-empty array');
  for (const alg of algorithms) {
    if (typeof alg !== 'string' || !(isSupportedAlgorithm(alg) || alg === 'Ed25519')) fail('dpop.algorithms', `contains an unsupported algorithm: ${JSON.stringify(alg)}`);
    if (HMAC_ALGORITHMS.includes(alg)) fail('dpop.algorithms', `lists ${alg}: DPoP proofs are signed with the client's private key, never a shared secret`);
  }
  return Object.freeze([...new Set(algorithms as string[])]);
}

function secretBytes(secret: unknown): Uint8Array {
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  if (!(bytes instanceof Uint8Array) || bytes.length < 32) fail('dpop.nonce.secret', 'must be a string or Uint8Array of at least 32 bytes (or a non-empty list of them)');
  return bytes;
}

function resolveNonce(nonce: DpopOptions['nonce']): NonceSettings | undefined {
  if (nonce === undefined) return undefined;
  checkBlock(nonce, NONCE_NAMES, 'dpop.nonce');
  const list: unknown[] = Array.isArray(nonce.secret) ? [...(nonce.secret as unknown[])] : [nonce.secret];
  if (list.length === 0) fail('dpop.nonce.secret', 'must not be an empty list');
  const lifetime = nonNegative(nonce.lifetime, 'dpop.nonce.lifetime', 300);
  if (lifetime < 1) fail('dpop.nonce.lifetime', 'must be at least 1 (second)');
  return Object.freeze({ secrets: Object.freeze(list.map(secretBytes)), lifetime });
}

function replayStoreOf(store: unknown, clock: Clock): Store {
  if (store === undefined) return createMemoryStore({ maxEntries: 100_000, maxBytes: 33_554_432, clock });
  const candidate = store as Partial<Store> | null;
  if (typeof candidate?.setIfAbsent !== 'function') fail('dpop.replayStore', 'must be a Store (with setIfAbsent), such as createMemoryStore() or a shared one');
  return store as Store;
}

/**
 * `dpop`, or `undefined` when DPoP is not accepted.
 * @example resolveDpop({ required: true }, Date.now)?.algorithms // ['RS256', …, 'Ed25519']
 */
export function resolveDpop(dpop: DpopOptions | undefined, clock: Clock): ResolvedDpop | undefined {
  if (dpop === undefined) return undefined;
  checkBlock(dpop, DPOP_NAMES, 'dpop');
  return Object.freeze({
    required: optionalBoolean(dpop.required, 'dpop.required'),
    algorithms: proofAlgorithms(dpop.algorithms),
    proofMaxAge: nonNegative(dpop.proofMaxAge, 'dpop.proofMaxAge', 300),
    clockTolerance: nonNegative(dpop.clockTolerance, 'dpop.clockTolerance', 5),
    nonce: resolveNonce(dpop.nonce),
    replayStore: replayStoreOf(dpop.replayStore, clock),
  });
}

/**
 * `mtls`, or `undefined` when certificate-bound tokens are not accepted.
 * @example resolveMtls({ certificate: { header: 'X-Client-Cert', trustedProxies: ['10.0.0.0/8'] } })
 */
export function resolveMtls(mtls: MtlsOptions | undefined): ResolvedMtls | undefined {
  if (mtls === undefined) return undefined;
  checkBlock(mtls, { certificate: true }, 'mtls');
  const support = platform.certificates;
  if (support === undefined) fail('mtls', 'needs Node.js (or Bun or Deno): this runtime does not expose TLS client certificates to JavaScript, so certificate-bound tokens cannot be checked here');
  const { certificate } = mtls;
  if (certificate === 'socket') return Object.freeze({ certificate });
  if (certificate === null || typeof certificate !== 'object') fail('mtls.certificate', 'must be "socket" or { header, trustedProxies }');
  checkBlock(certificate, { header: true, trustedProxies: true }, 'mtls.certificate');
  const header = certificate.header;
  if (typeof header !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) fail('mtls.certificate.header', 'must be a header name, such as "X-Client-Cert"');
  if (RESERVED_HEADERS.has(header.toLowerCase())) fail('mtls.certificate.header', `cannot be ${JSON.stringify(header)}, which carries something else; use the header your proxy sets, such as "X-Client-Cert"`);
  const proxies = support.trustedProxies(certificate.trustedProxies);
  return Object.freeze({ certificate: Object.freeze({ header: header.toLowerCase(), trustedProxies: proxies, proxies: proxies.proxies }) });
}

/**
 * `denyList`: a store (and an optional prefix).
 * @example resolveDenyList({ store: createMemoryStore() })
 */
export function resolveDenyList(denyList: DenyListOptions | undefined): DenyListOptions | undefined {
  if (denyList === undefined) return undefined;
  checkBlock(denyList, { store: true, prefix: true }, 'denyList');
  const store = denyList.store as Partial<Store> | undefined;
  if (typeof store?.get !== 'function' || typeof store.set !== 'function') fail('denyList.store', 'must be a Store (with get and set), such as createMemoryStore() or redisStore(client)');
  if (denyList.prefix !== undefined && (typeof denyList.prefix !== 'string' || denyList.prefix === '')) fail('denyList.prefix', 'must be a non-empty string');
  return Object.freeze({ ...denyList });
}

/**
 * `publicOrigin`: the origin clients use (`https://api.example.com`), without path, query or
 * credentials; `http:` only on loopback or with `dangerouslyAllowHttpIssuer`.
 */
export function resolvePublicOrigin(origin: unknown, allowHttp: boolean): string | undefined {
  if (origin === undefined) return undefined;
  if (typeof origin !== 'string' || !URL.canParse(origin)) fail('publicOrigin', `must be an absolute URL such as "https://api.example.com" (got ${JSON.stringify(origin)})`);
  const url = new URL(origin);
  if (url.origin !== origin.replace(/\/$/, '') || url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    fail('publicOrigin', `must be an origin only: scheme, host and port, lower case, no path (got ${JSON.stringify(origin)}; did you mean ${JSON.stringify(url.origin)}?)`);
  }
  checkSecureUrl(origin, 'publicOrigin', allowHttp);
  return url.origin;
}
