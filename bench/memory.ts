/**
 * Memory family: N distinct valid tokens (1,000,000; 100,000 quick) through one verifier with its
 * caches on at their default sizes. Tokens are signed here with node:crypto (HS256 with the
 * verifier's `secret` option: an RSA or ECDSA signature per token would make minting, not
 * verifying, the run time) in batches, so only one batch of token text is alive at a time.
 * Reports peak RSS growth and the final `verifier.stats()`, and checks the cache bound.
 * `uses: 2` presents every token twice in a row, so every token is admitted to the cache and
 * the cache churns at its bound (the worst case for memory); `uses: 1` presents each once.
 *
 *   node --expose-gc --import tsx bench/family.ts memory|memory-reused [--quick]
 */
import { createHmac, randomBytes } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { createVerifier, type Verifier } from '@tokengate/core';
import { AUDIENCE, TARGET_TOKEN_LENGTH, TOKEN_LIFETIME, extraClaims, identity } from './lib/tokens.js';
import { ownCpuSeconds } from './lib/cpu.js';
import type { FamilyOptions, FamilyResult, MemoryFamilyResult } from './lib/types.js';

export interface MemoryOptions extends FamilyOptions {
  readonly uses: 1 | 2;
  /** Diagnostics only: `off` or a `maxBytes` overrides the default cache (BENCH_CACHE). */
  readonly cache?: string | undefined;
}

const BATCH = 1000;
// The documented defaults of `cache` (the run uses them by passing no cache option).
const DEFAULT_MAX_ENTRIES = 10_000;
const DEFAULT_MAX_BYTES = 33_554_432;
const ISSUER = 'https://issuer.tokengate.bench/';
const SCOPE = 'openid profile email offline_access read:messages write:messages read:files write:files';
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/** A minter of HS256 tokens of the other families' size (~1.4 kB, 16 claims), and its secret. */
function hs256Minter(): { secret: Buffer; mint: (index: number, salt: string) => string } {
  const secret = randomBytes(32);
  const now = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'bench-hs256', typ: 'at+jwt' })).toString('base64url');
  const sign = (index: number, salt: string, permissions: number): string => {
    const { sub, jti } = identity(index, salt);
    const claims = { iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + TOKEN_LIFETIME, jti, sub, client_id: 'bench-web-app', scope: SCOPE, ...extraClaims(index, salt, permissions, now) };
    const signingInput = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
  };
  let permissions = 0;
  while (sign(0, 'size', permissions).length < TARGET_TOKEN_LENGTH && permissions < 200) permissions += 1;
  return { secret, mint: (index, salt) => sign(index, salt, permissions) };
}

function cacheOption(override: string | undefined): { cache?: false | { maxBytes: number } } {
  if (override === undefined) return {};
  return { cache: override === 'off' ? false : { maxBytes: Number(override) } };
}

interface Pass {
  readonly seconds: number;
  readonly peakRss: number;
  readonly rssSamples: number;
  readonly failures: number;
}

/** Every token through the verifier, `uses` times in a row, minted a batch at a time; RSS sampled per batch. */
async function verifyAll(verifier: Verifier, mint: (index: number, salt: string) => string, total: number, uses: number): Promise<Pass> {
  let peakRss = 0;
  let rssSamples = 0;
  let failures = 0;
  const started = performance.now();
  for (let start = 0; start < total; start += BATCH) {
    const batch: string[] = [];
    for (let i = start; i < Math.min(total, start + BATCH); i += 1) batch.push(mint(i, 'mem'));
    for (const token of batch) {
      for (let use = 0; use < uses; use += 1) {
        try {
          await verifier.verify(token);
        } catch {
          failures += 1;
        }
      }
    }
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    rssSamples += 1;
  }
  return { seconds: (performance.now() - started) / 1000, peakRss, rssSamples, failures };
}

export async function runMemory(options: MemoryOptions): Promise<MemoryFamilyResult & FamilyResult> {
  const total = options.mode === 'quick' ? 100_000 : 1_000_000;
  const { secret, mint } = hs256Minter();
  // Baseline: everything loaded, nothing verified yet (so the growth includes all the run costs).
  gc();
  gc();
  const baselineRss = process.memoryUsage.rss();
  const baselineHeap = process.memoryUsage().heapUsed;
  const verifier = createVerifier({ issuer: ISSUER, audience: AUDIENCE, secret, algorithms: ['HS256'], ...cacheOption(options.cache) });
  const { peakRss: peakSampled, ...pass } = await verifyAll(verifier, mint, total, options.uses);
  const peakRss = Math.max(baselineRss, peakSampled);
  const finalRss = process.memoryUsage.rss();
  gc();
  gc();
  const finalHeapAfterGc = process.memoryUsage().heapUsed;
  const stats = verifier.stats();
  const growthMb = ((peakRss - baselineRss) / 1048576).toFixed(1);
  process.stderr.write(`  memory: ${total.toLocaleString('en-US')} tokens × ${options.uses} uses in ${pass.seconds.toFixed(1)} s, peak RSS +${growthMb} MB, cache ${stats.cachedTokens} entries\n`);
  return {
    family: 'memory',
    algorithm: 'HS256',
    tokens: total,
    uses: options.uses,
    tokenLength: mint(0, 'mem').length,
    ...pass,
    peakRss,
    baselineRss,
    finalRss,
    baselineHeap,
    finalHeapAfterGc,
    stats,
    maxEntries: DEFAULT_MAX_ENTRIES,
    maxBytes: DEFAULT_MAX_BYTES,
    withinBound: stats.cachedTokens <= DEFAULT_MAX_ENTRIES && stats.cachedBytes <= DEFAULT_MAX_BYTES,
    cpuSeconds: ownCpuSeconds(),
  };
}
