/**
 * Machine CPU accounting, to tell how much of a run other processes took.
 */
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

export interface CpuSnapshot {
  /** Busy milliseconds summed over all cores. */
  readonly busy: number;
  /** Total milliseconds summed over all cores. */
  readonly total: number;
}

export function snapshot(): CpuSnapshot {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    busy += times.user + times.nice + times.sys + times.irq;
    total += times.user + times.nice + times.sys + times.irq + times.idle;
  }
  return { busy, total };
}

/** Busy core-seconds between two snapshots. */
export function busySeconds(from: CpuSnapshot, to: CpuSnapshot): number {
  return (to.busy - from.busy) / 1000;
}

/** Fraction of the whole machine busy over `ms`. */
export async function busyFraction(ms: number): Promise<number> {
  const from = snapshot();
  await sleep(ms);
  const to = snapshot();
  return (to.busy - from.busy) / Math.max(1, to.total - from.total);
}

/** This process's CPU time so far, in seconds. */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * Wait (up to `maxMs`) until other processes leave the machine mostly idle, so they do not
 * distort a family's numbers. Returns the busy fraction last seen.
 */
export async function waitForQuiet(maxMs: number, threshold = 0.15, log: (message: string) => void = () => undefined): Promise<number> {
  const deadline = Date.now() + maxMs;
  let busy = await busyFraction(1000);
  while (busy > threshold && Date.now() < deadline) {
    log(`  machine ${(busy * 100).toFixed(0)}% busy with other processes; waiting for it to quieten…`);
    await sleep(4000);
    busy = await busyFraction(1000);
  }
  return busy;
}

/**
 * Measures how many cores other processes used during an interval: machine busy time minus
 * this process's CPU time (and whatever `extraOwnSeconds` the caller attributes to itself, such
 * as its server's).
 */
export class ForeignMeter {
  #machine: CpuSnapshot = snapshot();
  #own = ownCpuSeconds();
  #started = performance.now();

  start(): void {
    this.#machine = snapshot();
    this.#own = ownCpuSeconds();
    this.#started = performance.now();
  }

  /** Average number of cores used by other processes since `start()`. */
  stop(extraOwnSeconds = 0): number {
    const seconds = (performance.now() - this.#started) / 1000;
    const busy = busySeconds(this.#machine, snapshot());
    const own = ownCpuSeconds() - this.#own + extraOwnSeconds;
    return Math.max(0, busy - own) / Math.max(0.001, seconds);
  }
}

/** Other processes using more than this many cores on average make a measurement disturbed. */
export const DISTURBED_CORES = 0.2;

/**
 * How much extra time a family may spend waiting for other processes to quieten and re-running
 * disturbed measurements. Quick runs spend none (they must stay short); full runs are bounded.
 */
export class Patience {
  #remainingMs: number;
  readonly #waitMs: number;

  constructor(budgetMs: number, waitMs: number) {
    this.#remainingMs = budgetMs;
    this.#waitMs = waitMs;
  }

  static forMode(mode: 'quick' | 'full', budgetMs: number): Patience {
    return mode === 'quick' ? new Patience(0, 0) : new Patience(budgetMs, 15_000);
  }

  /** Whether a measurement of about `costMs` may be re-run. */
  canRetry(costMs: number): boolean {
    return this.#remainingMs >= costMs;
  }

  /** Charge a re-run. */
  spend(ms: number): void {
    this.#remainingMs -= ms;
  }

  /** Wait for the machine to quieten, within the budget. Returns the busy fraction last seen. */
  async waitForQuiet(): Promise<number> {
    const maxMs = Math.max(0, Math.min(this.#waitMs, this.#remainingMs));
    const started = Date.now();
    if (maxMs === 0) return Number.NaN;
    const busy = await waitForQuiet(maxMs);
    this.#remainingMs -= Date.now() - started;
    return busy;
  }
}
