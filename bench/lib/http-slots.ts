/**
 * One HTTP row being measured (a server and a token mode), accumulated over its segments, and
 * the order the segments of a framework's rows run in within each cycle.
 */
import type autocannon from 'autocannon';
import { DISTURBED_CORES, type ForeignMeter, type Patience } from './cpu.js';
import { load } from './http-load.js';
import type { ServerChild } from './http-fleet.js';
import type { ServerSpec } from './servers.js';
import type { HttpRow, HttpVariant, TokenMode } from './types.js';

/** What every segment of a run shares. */
export interface SegmentSession {
  readonly segmentSec: number;
  readonly patience: Patience;
  readonly meter: ForeignMeter;
  readonly requests: Readonly<Record<TokenMode, autocannon.Request[][]>>;
  /** Each server process's CPU time so far (the family's CPU use includes its servers'). */
  readonly serverCpuSeconds: Map<string, number>;
}

interface CpuReply {
  readonly percent: number;
  readonly totalSeconds: number;
  readonly cachedTokens?: number;
}

export interface Slot {
  readonly spec: ServerSpec;
  readonly mode: TokenMode;
  readonly server: ServerChild;
  requests: number;
  seconds: number;
  serverSeconds: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  attempts: number;
  readonly statusCodes: Record<string, number>;
  readonly p50s: number[];
  readonly p99s: number[];
  readonly rates: number[];
  readonly foreign: number[];
  cachedTokens?: number;
}

export function newSlot(spec: ServerSpec, mode: TokenMode, server: ServerChild): Slot {
  return {
    spec, mode, server,
    requests: 0, seconds: 0, serverSeconds: 0, non2xx: 0, errors: 0, timeouts: 0, attempts: 0,
    statusCodes: {}, p50s: [], p99s: [], rates: [], foreign: [],
  };
}

/**
 * Within a cycle: the pool's segments, then the same token's; in each, bare, then the lookup-only
 * row and tokengate right after it (the target pairs those two neighbours: the machine's speed
 * drifts over seconds), then the diagnostics and the anchors.
 */
const VARIANT_ORDER: readonly HttpVariant[] = ['bare', 'lookup', 'tokengate', 'noop', 'anchor'];
export function cycleOrder(slots: readonly Slot[]): Slot[] {
  const modeRank = (slot: Slot) => (slot.mode === 'pool' ? 0 : 1);
  const variantRank = (slot: Slot) => VARIANT_ORDER.indexOf(slot.spec.variant);
  return [...slots].sort((a, b) => modeRank(a) - modeRank(b) || variantRank(a) - variantRank(b));
}

function record(slot: Slot, result: autocannon.Result, reply: CpuReply, serverSeconds: number, foreign: number): void {
  slot.requests += result.requests.total;
  slot.seconds += result.duration;
  slot.serverSeconds += serverSeconds;
  slot.non2xx += result.non2xx;
  slot.errors += result.errors;
  slot.timeouts += result.timeouts;
  slot.p50s.push(result.latency.p50);
  slot.p99s.push(result.latency.p99);
  slot.rates.push(result.requests.total / result.duration);
  slot.foreign.push(foreign);
  for (const [code, stats] of Object.entries((result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {})) {
    slot.statusCodes[code] = (slot.statusCodes[code] ?? 0) + stats.count;
  }
  if (reply.cachedTokens !== undefined) slot.cachedTokens = reply.cachedTokens;
}

/** Run one segment of a slot; a disturbed segment is re-run while patience lasts (never one with failures). */
export async function runSegment(slot: Slot, session: SegmentSession): Promise<void> {
  const { meter, patience, segmentSec } = session;
  for (;;) {
    slot.attempts += 1;
    meter.start();
    await slot.server.request({ type: 'mark' }, 'marked');
    const result = await load(slot.server.port, session.requests[slot.mode], segmentSec);
    const reply = await slot.server.request<CpuReply>({ type: 'read' }, 'cpu');
    const serverSeconds = (reply.percent / 100) * result.duration;
    const foreign = meter.stop(serverSeconds);
    const failed = result.non2xx > 0 || result.errors > 0;
    if (foreign > DISTURBED_CORES && !failed && patience.canRetry(segmentSec * 1000)) {
      patience.spend(segmentSec * 1000);
      process.stderr.write(`  http ${slot.spec.id} ${slot.mode}: segment disturbed (other processes used ${foreign.toFixed(2)} cores), running it again\n`);
      await patience.waitForQuiet();
      continue;
    }
    record(slot, result, reply, serverSeconds, foreign);
    session.serverCpuSeconds.set(slot.spec.id, reply.totalSeconds);
    return;
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[(sorted.length - 1) >> 1] as number);
}

/** The row the report shows for a slot. */
export function slotRow(slot: Slot): HttpRow {
  const { id: server, framework, name, variant } = slot.spec;
  return {
    server, framework, name, variant,
    mode: slot.mode,
    reqPerSec: slot.requests / slot.seconds,
    p50: median(slot.p50s),
    p99: median(slot.p99s),
    segmentRates: slot.rates,
    total: slot.requests,
    non2xx: slot.non2xx,
    errors: slot.errors,
    timeouts: slot.timeouts,
    statusCodes: slot.statusCodes,
    serverCpu: (slot.serverSeconds / slot.seconds) * 100,
    serverUsPerRequest: (slot.serverSeconds / Math.max(1, slot.requests)) * 1e6,
    foreignCores: Math.max(...slot.foreign),
    attempts: slot.attempts,
    ...(slot.cachedTokens === undefined ? {} : { cachedTokens: slot.cachedTokens }),
  };
}
