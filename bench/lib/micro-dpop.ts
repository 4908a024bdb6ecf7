/**
 * The DPoP family's rows (RFC 9449): tokengate's `authenticate` with one access token, bound to the
 * client's key (`cnf.jkt`) and answered by the verified-token cache, and a new proof on every
 * call; and its floor, one proof signature checked the cheapest honest way plus the lookup any
 * caching verifier does (lookup-floor.ts), also with the imported key kept. A proof is accepted once (the verifier remembers its
 * `jti`), so proofs are signed in batches outside the timing, before each stretch of calls
 * (`Operation.prepare`), and the tokengate row never sends one twice.
 */
import { Buffer } from 'node:buffer';
import { createHash, createPublicKey, generateKeyPairSync, sign, verify as cryptoVerify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createVerifier, type RequestContext, type Verifier } from '@tokengate/core';
import { redisStore } from '@tokengate/redis';
import { createClient } from 'redis';
import { startRedisServer } from '@tokengate/testing';
import { createLookupFloor, type LookupAuth } from './lookup-floor.js';
import type { MicroContext, RowSpec } from './micro-spec.js';
import { AUDIENCE } from './tokens.js';
import type { DpopObserved } from './types.js';

/** The verifier's `publicOrigin` and the request every proof is made for. */
const ORIGIN = 'https://api.example.com';
const TARGET = '/v1/files';
const HTU = `${ORIGIN}${TARGET}`;
const PROOF_ALGORITHM = 'ES256';
/** Requests signed at the start: enough for the checks and the floor's warm-up, which cycles them. */
const FIRST_BATCH = 256;
/**
 * Requests signed before a row's probe, when its call rate is not known yet: enough for the 50 ms
 * probe at 12 µs a call, several times less than one P-256 signature check takes here.
 */
const PROBE_BATCH = 4096;
/** The most requests signed at once (a proof is about 510 characters). */
const MAX_BATCH = 50_000;
/** A batch older than this is signed again, well within the verifier's 300 s proof window. */
const MAX_BATCH_AGE_MS = 60_000;

/** A request as both rows get it: the same `Authorization` value, a new proof. */
interface DpopRequest extends RequestContext {
  readonly headers: { readonly authorization: string; readonly dpop: string };
}

/** The client's key pair, its public JWK and that JWK's RFC 7638 thumbprint (the token's `cnf.jkt`). */
interface ClientKey {
  readonly privateKey: KeyObject;
  readonly jwk: JsonWebKey;
  readonly thumbprint: string;
}

function createClientKey(): ClientKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  // RFC 7638 §3.2: the required members, in lexicographic order, no whitespace.
  const thumbprint = createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).digest('base64url');
  return { privateKey, jwk, thumbprint };
}

const segment = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Signed requests for the rows. The tokengate row takes each request once (`take`), from a batch
 * signed by `refill` outside the timing; the floor, which remembers nothing, cycles through
 * whatever batch is current.
 */
class ProofSupply {
  readonly #key: KeyObject;
  readonly #header: string;
  readonly #authorization: string;
  readonly #ath: string;
  #batch: DpopRequest[] = [];
  #madeAt = 0;
  #next = 0;
  #cycled = 0;
  #serial = 0;
  signed = 0;
  largestBatch = 0;

  constructor(client: ClientKey, token: string) {
    this.#key = client.privateKey;
    this.#header = segment({ typ: 'dpop+jwt', alg: PROOF_ALGORITHM, jwk: client.jwk });
    this.#authorization = `DPoP ${token}`;
    this.#ath = createHash('sha256').update(token).digest('base64url');
    this.#sign(FIRST_BATCH);
  }

  /** At least `calls` unused requests (at most `MAX_BATCH`): a new batch when the current one has fewer left or is getting old. */
  refill(calls: number | undefined): void {
    const wanted = Math.min(MAX_BATCH, calls ?? PROBE_BATCH);
    if (this.#batch.length - this.#next >= wanted && Date.now() - this.#madeAt < MAX_BATCH_AGE_MS) return;
    this.#sign(wanted);
  }

  /** The next unused request. */
  take(): DpopRequest {
    const request = this.#batch[this.#next];
    if (request === undefined) throw new Error(`DPoP rows: the batch of ${this.#batch.length} proofs ran out during a stretch (its estimate of the calls was too low)`);
    this.#next += 1;
    return request;
  }

  /** Any request of the current batch, round and round. */
  cycle(): DpopRequest {
    if (this.#cycled >= this.#batch.length) this.#cycled = 0;
    return this.#batch[this.#cycled++] as DpopRequest;
  }

  /** Characters of one proof. */
  get proofLength(): number {
    return this.#batch[0]?.headers.dpop.length ?? 0;
  }

  #sign(count: number): void {
    // The old batch goes first, so two are never held at once.
    this.#batch = [];
    const iat = Math.floor(Date.now() / 1000);
    const batch = new Array<DpopRequest>(count);
    for (let i = 0; i < count; i += 1) batch[i] = this.#request(iat);
    this.#batch = batch;
    this.#madeAt = Date.now();
    this.#next = 0;
    this.#cycled = 0;
    this.signed += count;
    this.largestBatch = Math.max(this.largestBatch, count);
  }

  #request(iat: number): DpopRequest {
    // A serial number as long as a 128-bit random id in base64url.
    const jti = (this.#serial++).toString(36).padStart(22, '0');
    const signingInput = `${this.#header}.${segment({ jti, htm: 'GET', htu: HTU, iat, ath: this.#ath })}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key: this.#key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    return { method: 'GET', target: TARGET, headers: { authorization: this.#authorization, dpop: `${signingInput}.${signature}` } };
  }
}

/** The public key of a proof: its header decoded and the `jwk` imported. */
function importProofKey(headerSegment: string): KeyObject {
  const header = JSON.parse(Buffer.from(headerSegment, 'base64url').toString('utf8')) as { jwk?: JsonWebKey };
  return createPublicKey({ key: header.jwk as JsonWebKey, format: 'jwk' });
}

/**
 * The floor: the cache lookup (the token's entry found by a fingerprint, its text compared, `exp`
 * checked) and the proof's signature: its header decoded, the `jwk` imported, `crypto.verify`.
 * No claim of the proof is read, nothing is remembered. With `keepKeys`, the imported key is
 * kept under the header's exact text (which determines the `jwk`), so a client's later proofs
 * skip the import.
 */
function dpopFloor(keepKeys: boolean): (request: DpopRequest) => LookupAuth {
  const lookup = createLookupFloor('DPoP');
  const kept = new Map<string, KeyObject>();
  return (request) => {
    const auth = lookup(request.headers.authorization);
    const proof = request.headers.dpop;
    const first = proof.indexOf('.');
    const second = proof.indexOf('.', first + 1);
    const headerSegment = proof.slice(0, first);
    let key = keepKeys ? kept.get(headerSegment) : undefined;
    if (key === undefined) {
      key = importProofKey(headerSegment);
      if (keepKeys) kept.set(headerSegment, key);
    }
    const signed = cryptoVerify('sha256', Buffer.from(proof.slice(0, second), 'latin1'), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(proof.slice(second + 1), 'base64url'));
    if (!signed || auth === undefined) throw new Error('DPoP floor: the proof or the token was refused');
    return auth;
  };
}

/** The floors and tokengate's row of the `micro-dpop` family; the bound token is minted here. */
export async function dpopRows(ctx: MicroContext): Promise<RowSpec[]> {
  const client = createClientKey();
  const token = await ctx.factory.mint(0, 'dpop', { cnf: { jkt: client.thumbprint } });
  const supply = new ProofSupply(client, token);
  const floor = dpopFloor(false);
  const keptKeyFloor = dpopFloor(true);
  let cachedTokens: number | undefined;
  const observe = (): void => {
    const observed: DpopObserved = { proofAlgorithm: PROOF_ALGORITHM, tokenLength: token.length, proofLength: supply.proofLength, htu: HTU, proofsSigned: supply.signed, largestBatch: supply.largestBatch };
    ctx.observed.dpop = cachedTokens === undefined ? observed : { ...observed, cachedTokens };
  };
  observe();
  const tokens = 'same token (cnf-bound), a new proof per call';
  return [
    {
      id: 'dpop-floor',
      name: 'floor: the cache lookup (lookup-floor.ts) + one proof signature (header `JSON.parse`, its jwk\'s `KeyObject` kept in a Map under the header text — one import per client key, as clients reuse their key — and `crypto.verify`)',
      tokens,
      floor: true,
      probe: token,
      setup: async () => ({ op: { kind: 'sync', run: () => keptKeyFloor(supply.cycle()) }, check: async () => keptKeyFloor(supply.cycle()).subject, after: observe }),
    },
    {
      // The report gives tokengate's ratio to this row too (report.ts).
      id: 'dpop-floor-import',
      name: 'floor importing every key: as the floor, with `createPublicKey` of the jwk on every call (a client with a new key per proof)',
      tokens,
      probe: token,
      setup: async () => ({ op: { kind: 'sync', run: () => floor(supply.cycle()) }, check: async () => floor(supply.cycle()).subject }),
    },
    ...(hasRedisServer() ? [redisRow(ctx, supply, token, tokens)] : []),
    {
      id: 'tokengate-dpop',
      name: 'tokengate `verifier.authenticate()` with `dpop: {}` (cache on: the token is a hit; the proof is checked in full and its `jti` remembered)',
      tokens,
      tokengate: true,
      target: 'dpop-vs-floor',
      probe: token,
      setup: async () => {
        const verifier = createVerifier({ issuer: ctx.issuer.issuer, audience: AUDIENCE, jwksUri: ctx.issuer.jwksUri, dpop: {}, publicOrigin: ORIGIN });
        return {
          op: { kind: 'async', run: () => verifier.authenticate(supply.take()), prepare: (calls) => supply.refill(calls) },
          check: async () => (await verifier.authenticate(supply.take())).subject,
          after: () => {
            cachedTokens = verifier.stats().cachedTokens;
            observe();
          },
        };
      },
    },
  ];
}

/** Whether a `redis-server` can be started here (the Redis row is left out otherwise). */
function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * tokengate's row with the replay store on a real `redis-server` (loopback, no persistence) through
 * `@tokengate/redis` and a node-redis client: the extra time per request a shared replay check costs.
 */
function redisRow(ctx: MicroContext, supply: ProofSupply, token: string, tokens: string): RowSpec {
  return {
    id: 'tokengate-dpop-redis',
    name: 'tokengate `authenticate()` as above, the `jti` replay check in Redis (`dpop.replayStore: redisStore(client)`, node-redis, redis-server on 127.0.0.1)',
    tokens,
    tokengate: true,
    probe: token,
    setup: async () => {
      const server = await startRedisServer();
      const client = await createClient({ url: server.url }).connect();
      const verifier: Verifier = createVerifier({ issuer: ctx.issuer.issuer, audience: AUDIENCE, jwksUri: ctx.issuer.jwksUri, dpop: { replayStore: redisStore(client) }, publicOrigin: ORIGIN });
      return {
        op: { kind: 'async', run: () => verifier.authenticate(supply.take()), prepare: (calls) => supply.refill(calls) },
        check: async () => (await verifier.authenticate(supply.take())).subject,
        after: () => {
          void client.quit().finally(() => server.stop());
        },
      };
    },
  };
}
