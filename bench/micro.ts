/**
 * Micro family, one algorithm per process: each verifier is called directly (no HTTP), ops/s over
 * a fixed duration after a warm-up, median of 3 rounds interleaved over the rows, sampled p50/p99.
 * The anchors' rows (bench/anchors/micro-rows.ts) are added only with `anchors: true`. The
 * `dpop` suite (bench/lib/micro-dpop.ts) runs the DPoP rows instead, with their own floor.
 *
 *   node --expose-gc --import tsx bench/family.ts micro-rs256 [--quick] [--anchors]
 *   node --expose-gc --import tsx bench/family.ts micro-dpop [--quick]
 */
import type { SigningAlgorithm } from '@tokengate/testing';
import type { MicroTiming } from './lib/measure.js';
import { peekPayload } from './lib/tokens.js';
import { ownCpuSeconds } from './lib/cpu.js';
import { POOL_SIZE, createMicroContext, type MicroContext, type RowSpec } from './lib/micro-spec.js';
import { coreRows } from './lib/micro-rows.js';
import { dpopRows } from './lib/micro-dpop.js';
import { RoundRunner, prepare, rowBase, type Prepared } from './lib/micro-rounds.js';
import type { FamilyOptions, FamilyResult, MicroFamilyResult, MicroRow } from './lib/types.js';

export interface MicroOptions extends FamilyOptions {
  readonly algorithm: SigningAlgorithm;
  /** Only these rows (and the floor), diagnostics included (BENCH_ROWS). */
  readonly rows?: readonly string[] | undefined;
  /** `dpop`: the DPoP rows (a cached token, a new proof per call) instead of the access-token rows. Default `tokens`. */
  readonly suite?: 'tokens' | 'dpop';
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

async function allRows(ctx: MicroContext, options: MicroOptions): Promise<RowSpec[]> {
  // The anchors verify no DPoP proofs: the DPoP suite has no anchor rows.
  if (options.suite === 'dpop') return dpopRows(ctx);
  if (!options.anchors) return coreRows(ctx);
  const { anchorRows } = await import('./anchors/micro-rows.js');
  return [...coreRows(ctx), ...anchorRows(ctx)];
}

function selectRows(rows: readonly RowSpec[], options: MicroOptions): RowSpec[] {
  const only = options.rows;
  return rows.filter((spec) => (!only || spec.floor || only.includes(spec.id)) && !(spec.diagnostic && options.mode === 'quick' && !only));
}

/** Warm every shared row, then run their rounds interleaved. */
async function runInterleaved(specs: readonly RowSpec[], ctx: MicroContext, timing: MicroTiming, runner: RoundRunner): Promise<Prepared[]> {
  const prepared: Prepared[] = [];
  for (const spec of specs) if (!spec.isolated) prepared.push(await prepare(spec, ctx, timing));
  for (const entry of prepared) await entry.bench?.warm();
  await runner.run(prepared, 'interleaved rows');
  return prepared;
}

/** Then the isolated rows, one at a time, each from a collected heap. */
async function runIsolated(specs: readonly RowSpec[], ctx: MicroContext, timing: MicroTiming, runner: RoundRunner): Promise<Prepared[]> {
  const prepared: Prepared[] = [];
  for (const spec of specs) {
    if (!spec.isolated) continue;
    gc();
    const entry = await prepare(spec, ctx, { ...timing, warmMs: Math.max(timing.warmMs, ctx.mode === 'quick' ? 400 : 1500) });
    await entry.bench?.warm();
    await runner.run([entry], spec.id);
    prepared.push(entry);
    entry.after?.();
    // Results are read later; drop the row's verifier and token pool now.
    gc();
  }
  return prepared;
}

function collect(specs: readonly RowSpec[], prepared: readonly Prepared[], label: string): MicroRow[] {
  const floorP50Us = prepared.find((entry) => entry.spec.floor)?.bench?.result().p50;
  return specs.map((spec) => {
    const entry = prepared.find((candidate) => candidate.spec === spec);
    if (!entry?.bench) return { ...rowBase(spec), error: entry?.error ?? 'not run' };
    const threshold = spec.fastThreshold && floorP50Us !== undefined ? floorP50Us / 4 : undefined;
    if (!spec.isolated) entry.after?.();
    const result = entry.bench.result(threshold);
    process.stderr.write(`  micro ${label} ${spec.id}: ${Math.round(result.opsPerSec).toLocaleString('en-US')} ops/s\n`);
    return { ...entry.base, result };
  });
}

export async function runMicro(options: MicroOptions): Promise<MicroFamilyResult & FamilyResult> {
  const timing: MicroTiming = options.mode === 'quick' ? { warmMs: 100, roundMs: 150, rounds: 3 } : { warmMs: 400, roundMs: 1000, rounds: 3 };
  const ctx = await createMicroContext(options.algorithm, options.mode);
  try {
    const specs = selectRows(await allRows(ctx, options), options);
    const label = options.suite === 'dpop' ? 'dpop' : options.algorithm;
    const runner = new RoundRunner(options.mode, timing, `micro ${label}`);
    const prepared = await runInterleaved(specs, ctx, timing, runner);
    prepared.push(...(await runIsolated(specs, ctx, timing, runner)));
    return {
      family: 'micro',
      algorithm: options.algorithm,
      timing,
      tokenLength: ctx.pool[0]?.length ?? 0,
      claimCount: Object.keys(peekPayload(ctx.pool[0] as string)).length,
      poolSize: POOL_SIZE,
      distinctPoolSize: ctx.distinctPoolSize,
      cacheEntriesAfterDistinct: ctx.observed.cacheEntriesAfterDistinct,
      coreModule: import.meta.resolve('@tokengate/core'),
      rows: collect(specs, prepared, label),
      discardedRounds: runner.discardedRounds,
      foreignCores: runner.keptForeign,
      // Read after `collect`, whose `after` hooks record what the rows observed.
      ...(ctx.observed.dpop === undefined ? {} : { dpop: ctx.observed.dpop }),
      cpuSeconds: ownCpuSeconds(),
    };
  } finally {
    await ctx.issuer.close();
  }
}
