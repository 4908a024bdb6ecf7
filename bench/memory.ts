/**
 * Memory family: N distinct valid tokens (1,000,000; 100,000 with --quick) through one verifier
 * with its caches on at their default sizes. Tokens are signed here with node:crypto (HS256 with
 * the verifier's `secret` option: an RSA or ECDSA signature per token would make minting, not
 * verifying, the run time) in batches, so only one batch of token text is alive at a time.
 * Reports peak RSS growth and the final `verifier.stats()`, and checks the cache bound.
 * `--uses=2` presents every token twice in a row, so every token is admitted to the cache and
 * the cache churns at its bound (the worst case for memory); the default presents each once.
 *
 *   node --expose-gc --import tsx bench/memory.ts [--quick] [--uses=2]
 */
import { createHmac, randomBytes } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { createVerifier } from '@tokengate/core';
import { AUDIENCE, TARGET_TOKEN_LENGTH, TOKEN_LIFETIME, extraClaims, identity } from './lib/tokens.js';
import { modeFrom, report } from './lib/types.js';
import { ownCpuSeconds } from './lib/cpu.js';

const mode = modeFrom(process.argv.slice(2));
const TOTAL = mode === 'quick' ? 100_000 : 1_000_000;
const USES = process.argv.includes('--uses=2') ? 2 : 1;
const BATCH = 1000;
// The documented defaults of `cache` (the run uses them by passing no cache option).
const DEFAULT_MAX_ENTRIES = 10_000;
const DEFAULT_MAX_BYTES = 33_554_432;
const ISSUER = 'https://issuer.tokengate.bench/';
const secret = randomBytes(32);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

const now = Math.floor(Date.now() / 1000);
const header = Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'bench-hs256', typ: 'at+jwt' })).toString('base64url');
const SCOPE = 'openid profile email offline_access read:messages write:messages read:files write:files';

function payloadFor(index: number, salt: string, permissions: number): string {
  const { sub, jti } = identity(index, salt);
  const claims = {
    iss: ISSUER,
    aud: AUDIENCE,
    iat: now,
    exp: now + TOKEN_LIFETIME,
    jti,
    sub,
    client_id: 'bench-web-app',
    scope: SCOPE,
    ...extraClaims(index, salt, permissions, now),
  };
  return Buffer.from(JSON.stringify(claims)).toString('base64url');
}

function sign(index: number, salt: string, permissions: number): string {
  const signingInput = `${header}.${payloadFor(index, salt, permissions)}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

// Same size as the other families' tokens (~1.4 kB, 16 claims).
let permissions = 0;
while (sign(0, 'size', permissions).length < TARGET_TOKEN_LENGTH && permissions < 200) permissions += 1;
const mint = (index: number, salt: string) => sign(index, salt, permissions);
// Diagnostics only: BENCH_CACHE=off|<maxBytes> overrides the default cache (the reported run uses the defaults).
const cacheOverride = process.env.BENCH_CACHE;
const cache = cacheOverride === undefined ? undefined : cacheOverride === 'off' ? (false as const) : { maxBytes: Number(cacheOverride) };
const options = { issuer: ISSUER, audience: AUDIENCE, secret, algorithms: ['HS256'], ...(cache === undefined ? {} : { cache }) };

// Baseline: everything loaded, nothing verified yet (so the growth includes all the run costs).
gc();
gc();
const baselineRss = process.memoryUsage.rss();
const baselineHeap = process.memoryUsage().heapUsed;

const verifier = createVerifier(options);
let peakRss = baselineRss;
let rssSamples = 0;
let failures = 0;
const started = performance.now();
for (let start = 0; start < TOTAL; start += BATCH) {
  const end = Math.min(TOTAL, start + BATCH);
  const batch: string[] = [];
  for (let i = start; i < end; i += 1) batch.push(mint(i, 'mem'));
  for (const token of batch) {
    for (let use = 0; use < USES; use += 1) {
      try {
        await verifier.verify(token);
      } catch {
        failures += 1;
      }
    }
  }
  const rss = process.memoryUsage.rss();
  rssSamples += 1;
  if (rss > peakRss) peakRss = rss;
}
const seconds = (performance.now() - started) / 1000;
const finalRss = process.memoryUsage.rss();
gc();
gc();
const finalHeapAfterGc = process.memoryUsage().heapUsed;
const stats = verifier.stats();
const withinBound = stats.cachedTokens <= DEFAULT_MAX_ENTRIES && stats.cachedBytes <= DEFAULT_MAX_BYTES;
process.stderr.write(
  `  memory: ${TOTAL.toLocaleString('en-US')} tokens × ${USES} uses in ${seconds.toFixed(1)} s, peak RSS +${((peakRss - baselineRss) / 1048576).toFixed(1)} MB, cache ${stats.cachedTokens} entries\n`,
);

await report({
  family: 'memory',
  algorithm: 'HS256',
  tokens: TOTAL,
  uses: USES,
  tokenLength: mint(0, 'mem').length,
  seconds,
  baselineRss,
  peakRss,
  finalRss,
  baselineHeap,
  finalHeapAfterGc,
  rssSamples,
  stats,
  maxEntries: DEFAULT_MAX_ENTRIES,
  maxBytes: DEFAULT_MAX_BYTES,
  withinBound,
  failures,
  cpuSeconds: ownCpuSeconds(),
});
process.exit(0);
