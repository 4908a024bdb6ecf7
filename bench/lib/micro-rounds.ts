/**
 * Preparing micro rows (set up, checked with a real token) and running their rounds interleaved,
 * re-running rounds that other processes disturbed while the family's patience lasts.
 */
import { Bench, type MicroTiming } from './measure.js';
import { peekPayload } from './tokens.js';
import { DISTURBED_CORES, ForeignMeter, Patience } from './cpu.js';
import type { MicroContext, RowSpec } from './micro-spec.js';
import type { MicroRow, Mode } from './types.js';

export interface Prepared {
  readonly spec: RowSpec;
  readonly base: Omit<MicroRow, 'result' | 'error'>;
  readonly bench?: Bench;
  readonly after?: () => void;
  readonly error?: string;
}

export function describeError(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.replace(/\s+/g, ' ').slice(0, 160);
}

/** What the report keeps of a row's spec. */
export function rowBase(spec: RowSpec): Omit<MicroRow, 'result' | 'error'> {
  return {
    id: spec.id,
    name: spec.name,
    tokens: spec.tokens,
    ...(spec.note === undefined ? {} : { note: spec.note }),
    ...(spec.floor ? { floor: true } : {}),
    ...(spec.tokengate ? { tokengate: true } : {}),
    ...(spec.target === undefined ? {} : { target: spec.target }),
  };
}

/** Set a row up; every row must accept the tokens (this also fetches remote key sets before any timing). */
export async function prepare(spec: RowSpec, ctx: MicroContext, timing: MicroTiming): Promise<Prepared> {
  const base = rowBase(spec);
  try {
    const { op, check, after } = await spec.setup();
    const probe = spec.probe ?? (spec.id.endsWith('-same') ? ctx.sameToken : (ctx.pool[0] as string));
    const sub = await check(probe);
    if (sub !== peekPayload(probe).sub) throw new Error(`verified token has sub ${JSON.stringify(sub)}`);
    return { spec, base, bench: new Bench(op, timing), ...(after ? { after } : {}) };
  } catch (error) {
    return { spec, base, error: describeError(error) };
  }
}

/**
 * Runs rounds of rows interleaved (row 1 round 1, row 2 round 1, …) so a change in machine load
 * hits every row alike. A round disturbed by other processes (> DISTURBED_CORES on average) is
 * discarded and run again while the family's patience budget lasts (full runs only).
 */
export class RoundRunner {
  readonly #patience: Patience;
  readonly #meter = new ForeignMeter();
  readonly #timing: MicroTiming;
  readonly #label: string;
  readonly keptForeign: number[] = [];
  discardedRounds = 0;

  constructor(mode: Mode, timing: MicroTiming, label: string) {
    this.#patience = Patience.forMode(mode, 10_000);
    this.#timing = timing;
    this.#label = label;
  }

  /** Run `timing.rounds` kept rounds of `entries`. */
  async run(entries: readonly Prepared[], what: string): Promise<void> {
    const roundMs = entries.length * this.#timing.roundMs;
    let kept = 0;
    while (kept < this.#timing.rounds) {
      this.#meter.start();
      for (const entry of entries) {
        await entry.bench?.round();
        await new Promise((resolve) => setImmediate(resolve));
      }
      const foreign = this.#meter.stop();
      if (foreign > DISTURBED_CORES && this.#patience.canRetry(roundMs)) {
        this.discardedRounds += 1;
        this.#patience.spend(roundMs);
        for (const entry of entries) entry.bench?.discardLastRound();
        process.stderr.write(`  ${this.#label} ${what}: round disturbed (other processes used ${foreign.toFixed(2)} cores), running it again\n`);
        await this.#patience.waitForQuiet();
        continue;
      }
      this.keptForeign.push(foreign);
      kept += 1;
    }
  }
}
