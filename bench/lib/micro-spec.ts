/**
 * What a micro row is and what every row gets to build its operation: the algorithm's issuer,
 * its public key, and the tokens. Shared by the core rows (micro-rows.ts) and the anchors
 * (bench/anchors/micro-rows.ts).
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { SigningAlgorithm, TestIssuer } from '@tokengate/testing';
import { cycle, type Operation } from './measure.js';
import { createTokenFactory, type TokenFactory } from './tokens.js';
import type { DpopObserved, MicroTarget, Mode } from './types.js';

export const POOL_SIZE = 1000;

export interface MicroContext {
  readonly algorithm: SigningAlgorithm;
  readonly mode: Mode;
  readonly factory: TokenFactory;
  readonly issuer: TestIssuer;
  /** The 1,000 pool, used in order. */
  readonly pool: readonly string[];
  readonly bearerPool: readonly string[];
  readonly sameToken: string;
  readonly publicKey: KeyObject;
  readonly publicPem: string;
  /**
   * More distinct tokens than the default cache holds (about 5,400 of these), cycled in order, so
   * every call misses: each token comes back only after the cache's admission memory has been
   * emptied, so none is admitted (with admission on first use, each would be inserted and evicted).
   */
  readonly distinctPoolSize: number;
  /** What rows observed, for the report. */
  readonly observed: { cacheEntriesAfterDistinct?: number; dpop?: DpopObserved };
}

/** What `setup` gives back: the operation, a check of one token (returns its `sub`), and what runs once timed. */
export interface RowSetup {
  readonly op: Operation;
  readonly check: (token: string) => Promise<unknown>;
  readonly after?: () => void;
}

export interface RowSpec {
  readonly id: string;
  readonly name: string;
  readonly tokens: string;
  readonly note?: string;
  readonly floor?: boolean;
  readonly tokengate?: boolean;
  readonly target?: MicroTarget;
  /** Report the fraction of sampled calls faster than a quarter of the floor's p50 (cache hits). */
  readonly fastThreshold?: boolean;
  /**
   * Measured on its own after the interleaved rows (set up only then, warmed until the cache is
   * full): its cache churn makes old-generation garbage whose collection would otherwise be
   * charged to whichever row happens to run, and its token pool would enlarge every row's heap.
   */
  readonly isolated?: boolean;
  /** Diagnostic rows are left out of quick runs. */
  readonly diagnostic?: boolean;
  /** The token `check` is given (default: the pool's first, or the same token for an id ending in `-same`). */
  readonly probe?: string;
  readonly setup: () => Promise<RowSetup>;
}

export function fromAsync(verifyOne: (token: string) => Promise<unknown>, tokens: readonly string[]): Operation {
  const next = cycle(tokens);
  return { kind: 'async', run: () => verifyOne(next()) };
}

export function fromSync(verifyOne: (token: string) => unknown, tokens: readonly string[]): Operation {
  const next = cycle(tokens);
  return { kind: 'sync', run: () => verifyOne(next()) };
}

/** Start the algorithm's issuer and mint the pool and the same token. */
export async function createMicroContext(algorithm: SigningAlgorithm, mode: Mode): Promise<MicroContext> {
  const factory = await createTokenFactory(algorithm);
  const { issuer } = factory;
  const pool = await factory.mintMany(POOL_SIZE, 'pool');
  const publicKey = createPublicKey({ key: issuer.currentPublicJwk() as JsonWebKey, format: 'jwk' });
  return {
    algorithm,
    mode,
    factory,
    issuer,
    pool,
    bearerPool: pool.map((token) => `Bearer ${token}`),
    sameToken: await factory.mint(0, 'same'),
    publicKey,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    distinctPoolSize: mode === 'quick' ? 6_000 : 30_000,
    observed: {},
  };
}
