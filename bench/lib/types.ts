/**
 * Results exchanged between the family processes and `run.ts`.
 */
import type { Measurement, MicroTiming } from './measure.js';

export type Mode = 'quick' | 'full';

/** Targets a row is checked against. */
export type MicroTarget = 'unique-vs-floor' | 'same-token-rate' | 'dpop-vs-floor';

/** What the DPoP family (bench/lib/micro-dpop.ts) reports besides its rows. */
export interface DpopObserved {
  /** The JWS algorithm of the proofs. */
  readonly proofAlgorithm: string;
  /** Characters of the access token (bound to the proof key by `cnf.jkt`) and of one proof. */
  readonly tokenLength: number;
  readonly proofLength: number;
  /** The `htu` of every proof. */
  readonly htu: string;
  /** Proofs signed over the run (outside the timing), and the largest batch signed at once. */
  readonly proofsSigned: number;
  readonly largestBatch: number;
  /** Tokens in the tokengate row's verified-token cache after its rounds (1: the token was answered from the cache). */
  readonly cachedTokens?: number;
}

export interface MicroRow {
  readonly id: string;
  readonly name: string;
  /** Which tokens the row cycles through. */
  readonly tokens: string;
  readonly note?: string;
  readonly floor?: boolean;
  readonly target?: MicroTarget;
  readonly tokengate?: boolean;
  readonly result?: Measurement;
  readonly error?: string;
}

export interface MicroFamilyResult {
  readonly family: 'micro';
  readonly algorithm: string;
  readonly timing: MicroTiming;
  readonly tokenLength: number;
  readonly claimCount: number;
  readonly poolSize: number;
  readonly distinctPoolSize: number;
  /** Entries the verified-token cache held after the distinct-pool row. */
  readonly cacheEntriesAfterDistinct: number | undefined;
  /** Where `@tokengate/core` was loaded from. */
  readonly coreModule: string;
  readonly rows: readonly MicroRow[];
  /** Rounds thrown away because other processes were busy, and the foreign load of the kept ones. */
  readonly discardedRounds: number;
  readonly foreignCores: readonly number[];
  /** The DPoP family only (`micro-dpop`); absent for the access-token families. */
  readonly dpop?: DpopObserved;
}

/** `lookup`: the diagnostic row of bench/lib/lookup-floor.ts (the least a correct cache does). */
export type HttpVariant = 'bare' | 'noop' | 'lookup' | 'tokengate' | 'anchor';
export type TokenMode = 'pool' | 'same';
export type Framework = 'express' | 'fastify' | 'koa' | 'hono';
export const FRAMEWORKS: readonly Framework[] = ['express', 'fastify', 'koa', 'hono'];

/** What every family function takes. */
export interface FamilyOptions {
  readonly mode: Mode;
  /** Add the competitor anchors (bench/anchors) to the micro and HTTP families. */
  readonly anchors: boolean;
}

export interface HttpRow {
  readonly server: string;
  readonly framework: Framework;
  readonly name: string;
  readonly variant: HttpVariant;
  readonly mode: TokenMode;
  readonly reqPerSec?: number;
  /** Latency in milliseconds (autocannon's histogram). */
  readonly p50?: number;
  readonly p99?: number;
  readonly total?: number;
  readonly non2xx?: number;
  readonly errors?: number;
  readonly timeouts?: number;
  readonly statusCodes?: Readonly<Record<string, number>>;
  /** Server process CPU use during the timed run, in % of one core. */
  readonly serverCpu?: number;
  /** Server CPU time per request, in microseconds (independent of the load generator's limits). */
  readonly serverUsPerRequest?: number;
  /** Cores used by other processes during the timed run (worst segment), and segment runs needed. */
  readonly foreignCores?: number;
  readonly attempts?: number;
  /** req/s of each segment, in the order the round-robin ran them (segment i of every row ran in cycle i). */
  readonly segmentRates?: readonly number[];
  /** tokengate servers: entries in the verified-token cache after the run. */
  readonly cachedTokens?: number;
  readonly error?: string;
}

export interface HttpFamilyResult {
  readonly family: 'http';
  readonly algorithm: string;
  readonly connections: number;
  readonly durationSec: number;
  readonly warmSec: number;
  readonly segments: number;
  readonly tokenLength: number;
  readonly poolSize: number;
  readonly pinned: boolean;
  readonly rows: readonly HttpRow[];
}

export interface MemoryFamilyResult {
  readonly family: 'memory';
  readonly algorithm: string;
  readonly tokens: number;
  /** Times each token is presented in a row (1: every token distinct; 2: every token admitted to the cache). */
  readonly uses: number;
  readonly tokenLength: number;
  readonly seconds: number;
  readonly baselineRss: number;
  readonly peakRss: number;
  readonly finalRss: number;
  readonly baselineHeap: number;
  readonly finalHeapAfterGc: number;
  readonly rssSamples: number;
  readonly stats: { readonly cachedTokens: number; readonly cachedBytes: number };
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly withinBound: boolean;
  readonly failures: number;
}

/** Every family result also carries the CPU time its processes used (seconds, all cores). */
export type FamilyResult = (MicroFamilyResult | HttpFamilyResult | MemoryFamilyResult) & { readonly cpuSeconds: number };

/** Send the result to `run.ts` (over IPC), or print it when run by hand. */
export function report(result: FamilyResult): Promise<void> {
  // (cpuSeconds: the caller adds its own process's and its servers' CPU time.)
  if (process.send) {
    return new Promise((resolve, reject) => {
      process.send?.({ type: 'result', result }, (error: Error | null) => (error ? reject(error) : resolve()));
    });
  }
  console.log(JSON.stringify(result, null, 2));
  return Promise.resolve();
}

export function modeFrom(argv: readonly string[]): Mode {
  return argv.includes('--quick') || argv.includes('quick') ? 'quick' : 'full';
}
