/**
 * The micro-benchmark harness: ops/s over a fixed duration after a warm-up, the median of several
 * rounds, and per-operation latency sampled with `process.hrtime.bigint()` on a subset of calls.
 */

/** Timings of one micro run. */
export interface MicroTiming {
  readonly warmMs: number;
  readonly roundMs: number;
  readonly rounds: number;
}

/** The result of measuring one operation. */
export interface Measurement {
  /** Median ops/s of the rounds. */
  readonly opsPerSec: number;
  /** Ops/s of each round. */
  readonly roundOps: readonly number[];
  /** Latency percentiles of the sampled calls, in microseconds. */
  readonly p50: number;
  readonly p99: number;
  /** Number of latency samples. */
  readonly samples: number;
  /** Fraction of the sampled calls faster than `fastThresholdUs`, when one was given. */
  readonly fastFraction?: number;
}

/**
 * `sync` functions are called in a plain loop; `async` ones are awaited one at a time.
 * `prepare`, when given, is called before every stretch of calls (the probe, the warm-up, each
 * round), outside the timing, with an upper estimate of the calls the stretch may make
 * (`undefined` before the probe, when nothing is known yet): an operation whose inputs can be
 * used only once (DPoP proofs) makes enough of them there.
 */
export type Operation = ({ readonly kind: 'sync'; readonly run: () => unknown } | { readonly kind: 'async'; readonly run: () => Promise<unknown> }) & {
  readonly prepare?: (calls: number | undefined) => void;
};

const now = (): number => Number(process.hrtime.bigint());
const SAMPLE_CAPACITY = 1 << 20;
/** `prepare` is told twice the calls the fastest stretch so far would make in the time (plus one batch: the clock is read between batches). */
const PREPARE_MARGIN = 2;

class Samples {
  readonly values = new Float64Array(SAMPLE_CAPACITY);
  count = 0;
  add(ns: number): void {
    if (this.count < SAMPLE_CAPACITY) this.values[this.count++] = ns;
  }
}

interface Loop {
  /** Calls per clock check. */
  batch: number;
  /** Sample one call in `sampleMask + 1` (a power of two). */
  sampleMask: number;
}

async function round(op: Operation, ms: number, loop: Loop, samples: Samples | undefined): Promise<{ ops: number; ns: number }> {
  const start = now();
  const deadline = start + ms * 1e6;
  const { batch, sampleMask } = loop;
  let ops = 0;
  let end = start;
  if (op.kind === 'sync') {
    const run = op.run;
    do {
      for (let j = 0; j < batch; j += 1) {
        if (samples !== undefined && ((ops + j) & sampleMask) === 0) {
          const t0 = now();
          run();
          samples.add(now() - t0);
        } else {
          run();
        }
      }
      ops += batch;
      end = now();
    } while (end < deadline);
  } else {
    const run = op.run;
    do {
      for (let j = 0; j < batch; j += 1) {
        if (samples !== undefined && ((ops + j) & sampleMask) === 0) {
          const t0 = now();
          await run();
          samples.add(now() - t0);
        } else {
          await run();
        }
      }
      ops += batch;
      end = now();
    } while (end < deadline);
  }
  return { ops, ns: end - start };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * One measured operation. `warm()` estimates the cost of a call, sizes the inner loop so the clock
 * is read about every 20 µs and warms up; each `round()` then runs for `roundMs`. Rounds of
 * several operations can be interleaved so a drifting machine load hits them all alike.
 * Latency: every call is sampled when calls take ≥ 5 µs, one in 16 otherwise.
 */
export class Bench {
  readonly #op: Operation;
  readonly #timing: MicroTiming;
  readonly #samples = new Samples();
  readonly #roundOps: number[] = [];
  #loop: Loop = { batch: 1, sampleMask: 0 };
  /** The shortest time per call of any stretch so far (for `prepare`). */
  #fastestNs = Number.POSITIVE_INFINITY;

  constructor(op: Operation, timing: MicroTiming) {
    this.#op = op;
    this.#timing = timing;
  }

  /** Run one stretch of `ms`, after the operation's `prepare`. */
  async #stretch(ms: number, samples: Samples | undefined): Promise<{ ops: number; ns: number }> {
    const fastest = this.#fastestNs;
    this.#op.prepare?.(Number.isFinite(fastest) ? Math.ceil(((ms * 1e6) / fastest) * PREPARE_MARGIN) + this.#loop.batch : undefined);
    const stretch = await round(this.#op, ms, this.#loop, samples);
    if (stretch.ops > 0) this.#fastestNs = Math.min(fastest, stretch.ns / stretch.ops);
    return stretch;
  }

  async warm(): Promise<void> {
    this.#loop = { batch: 1, sampleMask: 0 };
    const probe = await this.#stretch(Math.min(50, this.#timing.warmMs), undefined);
    const perCallNs = probe.ns / Math.max(1, probe.ops);
    this.#loop = {
      batch: Math.max(1, Math.min(1024, Math.round(20_000 / Math.max(1, perCallNs)))),
      sampleMask: perCallNs >= 5_000 ? 0 : 15,
    };
    await this.#stretch(this.#timing.warmMs, undefined);
  }

  #samplesBeforeRound = 0;

  async round(): Promise<void> {
    this.#samplesBeforeRound = this.#samples.count;
    const { ops, ns } = await this.#stretch(this.#timing.roundMs, this.#samples);
    this.#roundOps.push((ops * 1e9) / ns);
  }

  /** Forget the last round (it was disturbed by other processes). */
  discardLastRound(): void {
    this.#roundOps.pop();
    this.#samples.count = this.#samplesBeforeRound;
  }

  /** Median ops/s of the rounds run so far and the sampled latency. */
  result(fastThresholdUs?: number): Measurement {
    const sorted = this.#samples.values.slice(0, this.#samples.count).sort();
    let fastFraction: number | undefined;
    if (fastThresholdUs !== undefined) {
      let fast = 0;
      for (const value of sorted) if (value < fastThresholdUs * 1000) fast += 1;
      fastFraction = sorted.length === 0 ? 0 : fast / sorted.length;
    }
    return {
      opsPerSec: median(this.#roundOps),
      roundOps: [...this.#roundOps],
      p50: percentile(sorted, 50) / 1000,
      p99: percentile(sorted, 99) / 1000,
      samples: sorted.length,
      ...(fastFraction === undefined ? {} : { fastFraction }),
    };
  }
}

/** Measure one operation on its own: warm up, then `timing.rounds` rounds. */
export async function measure(op: Operation, timing: MicroTiming, fastThresholdUs?: number): Promise<Measurement> {
  const bench = new Bench(op, timing);
  await bench.warm();
  for (let i = 0; i < timing.rounds; i += 1) await bench.round();
  return bench.result(fastThresholdUs);
}

/** A function cycling through `items`, one per call. */
export function cycle<T>(items: readonly T[]): () => T {
  let index = 0;
  const length = items.length;
  return () => {
    const item = items[index] as T;
    index += 1;
    if (index === length) index = 0;
    return item;
  };
}
