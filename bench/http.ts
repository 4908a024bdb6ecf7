/**
 * HTTP family: autocannon (in this process, pinned to core 0) against one server per child
 * process (pinned to core 1), 10 connections, a warm-up, then a fixed duration with the
 * 1,000-token pool and with one repeated token, split into segments run round-robin over each
 * framework's rows. The anchors' servers (bench/anchors) run only with `anchors: true`.
 *
 *   node --import tsx bench/family.ts http [--quick] [--anchors]
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type { TestIssuer } from '@tokengate/testing';
import { AUDIENCE, createTokenFactory, type TokenFactory } from './lib/tokens.js';
import { CORE_SERVERS, type ServerSettings, type ServerSpec } from './lib/servers.js';
import { ForeignMeter, Patience, ownCpuSeconds } from './lib/cpu.js';
import { CONNECTIONS, load, perConnection, requestsFor, sanity } from './lib/http-load.js';
import { pinSelf, startAll, startServer, stopServer, type ServerChild } from './lib/http-fleet.js';
import { cycleOrder, newSlot, runSegment, slotRow, type SegmentSession, type Slot } from './lib/http-slots.js';
import { FRAMEWORKS, type FamilyOptions, type FamilyResult, type HttpFamilyResult, type HttpRow, type Mode, type TokenMode } from './lib/types.js';

export interface HttpOptions extends FamilyOptions {
  /**
   * Only these servers (BENCH_SERVERS), and only their frameworks, whose bare and lookup-only
   * servers always run (every framework's when no id is known).
   */
  readonly servers?: readonly string[] | undefined;
  /** Profile each server into <profileDir>/<server-id> (`run.ts --cpu-prof`). */
  readonly profileDir?: string | undefined;
}

const ALGORITHM = 'RS256';
const POOL_SIZE = 1000;

/** Seconds per row, warm-up seconds (autocannon runs whole seconds), and segments per row. */
interface Plan {
  readonly durationSec: number;
  readonly warmSec: number;
  readonly segments: number;
}

const PLANS: Record<Mode, Plan> = { quick: { durationSec: 2, warmSec: 1, segments: 2 }, full: { durationSec: 10, warmSec: 3, segments: 10 } };

/** The servers of the run, framework by framework; the no-op diagnostics run in full runs only. */
export async function serverSpecs(options: HttpOptions): Promise<ServerSpec[]> {
  const anchors = options.anchors ? (await import('./anchors/servers.js')).ANCHOR_SERVERS : [];
  const only = options.servers;
  const known: readonly ServerSpec[] = [...CORE_SERVERS, ...anchors];
  const named = new Set(known.filter((spec) => only?.includes(spec.id)).map((spec) => spec.framework));
  const framed = (spec: ServerSpec) => named.size === 0 || named.has(spec.framework);
  const wanted = (spec: ServerSpec) => !only || (framed(spec) && (spec.variant === 'bare' || spec.variant === 'lookup' || only.includes(spec.id)));
  const all = known.filter((spec) => wanted(spec) && (options.mode === 'full' || spec.variant !== 'noop'));
  return FRAMEWORKS.flatMap((framework) => all.filter((spec) => spec.framework === framework));
}

function settingsOf(issuer: TestIssuer): ServerSettings {
  const publicKeyPem = createPublicKey({ key: issuer.currentPublicJwk() as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
  return { issuer: issuer.issuer, audience: AUDIENCE, jwksUri: issuer.jwksUri, algorithm: ALGORITHM, publicKeyPem };
}

interface Tokens {
  readonly pool: readonly string[];
  readonly sameToken: string;
  readonly requests: Readonly<Record<TokenMode, ReturnType<typeof perConnection>>>;
}

async function mintTokens(factory: TokenFactory): Promise<Tokens> {
  const pool = await factory.mintMany(POOL_SIZE, 'http');
  const sameToken = await factory.mint(0, 'http-same');
  return { pool, sameToken, requests: { pool: perConnection(requestsFor(pool)), same: [requestsFor([sameToken])] } };
}

/** One framework's part of the run. */
interface FrameworkRun {
  readonly specs: readonly ServerSpec[];
  readonly started: ReadonlyMap<string, Promise<ServerChild>>;
  readonly tokens: Tokens;
  readonly session: SegmentSession;
  readonly options: HttpOptions;
}

/** A slot per server and token mode, for every server that answers the tokens right; a failed row otherwise. */
async function openSlots(run: FrameworkRun): Promise<{ slots: Slot[]; servers: ServerChild[]; failed: HttpRow[] }> {
  const slots: Slot[] = [];
  const servers: ServerChild[] = [];
  const failed: HttpRow[] = [];
  for (const spec of run.specs) {
    // Quick runs skip the anchors' same-token rows to stay short.
    const modes: TokenMode[] = spec.variant === 'anchor' && run.options.mode === 'quick' ? ['pool'] : ['pool', 'same'];
    try {
      const server = await (run.started.get(spec.id) as Promise<ServerChild>);
      servers.push(server);
      const anonymous = spec.variant === 'bare' || spec.variant === 'noop';
      await sanity(server.port, spec.id, run.tokens.pool[0] as string, anonymous);
      await sanity(server.port, spec.id, run.tokens.sameToken, anonymous);
      slots.push(...modes.map((mode) => newSlot(spec, mode, server)));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const base = { server: spec.id, framework: spec.framework, name: spec.name, variant: spec.variant };
      failed.push(...modes.map((mode) => ({ ...base, mode, error: message.replace(/\s+/g, ' ').slice(0, 160) })));
      process.stderr.write(`  http ${spec.id}: ${message}\n`);
    }
  }
  return { slots, servers, failed };
}

async function runFramework(run: FrameworkRun): Promise<HttpRow[]> {
  const plan = PLANS[run.options.mode];
  const { slots, servers, failed } = await openSlots(run);
  // Warm-up, all of the framework's servers at once (untimed): JIT, the remote key sets, and for
  // caching verifiers the first pass over the pool.
  await Promise.all(servers.map((server) => load(server.port, run.session.requests.pool, plan.warmSec)));
  await run.session.patience.waitForQuiet();
  const cycle = cycleOrder(slots);
  for (let segment = 0; segment < plan.segments; segment += 1) {
    for (const slot of cycle) await runSegment(slot, run.session);
  }
  const rows = slots.map(slotRow);
  for (const row of rows) {
    const rate = Math.round(row.reqPerSec ?? 0).toLocaleString('en-US');
    process.stderr.write(`  http ${row.server} ${row.mode}: ${rate} req/s, ${row.serverUsPerRequest?.toFixed(1)} µs server CPU/request, non-2xx ${row.non2xx}\n`);
  }
  for (const server of servers) await stopServer(server, run.options.profileDir !== undefined);
  return [...failed, ...rows];
}

export async function runHttp(options: HttpOptions): Promise<HttpFamilyResult & FamilyResult> {
  const plan = PLANS[options.mode];
  const pinned = pinSelf();
  const factory = await createTokenFactory(ALGORITHM);
  try {
    const specs = await serverSpecs(options);
    const settings = settingsOf(factory.issuer);
    const fleet = startAll(specs.map((spec) => spec.id), (id) => startServer(id, settings, pinned, options.profileDir));
    // The tokens are minted while the servers start (they need only the issuer's URLs and key).
    const tokens = await mintTokens(factory);
    await fleet.ready;
    const meter = new ForeignMeter();
    const session: SegmentSession = { segmentSec: plan.durationSec / plan.segments, patience: Patience.forMode(options.mode, 30_000), meter, requests: tokens.requests, serverCpuSeconds: new Map() };
    const rows: HttpRow[] = [];
    for (const framework of FRAMEWORKS) {
      const frameworkSpecs = specs.filter((spec) => spec.framework === framework);
      if (frameworkSpecs.length > 0) rows.push(...(await runFramework({ specs: frameworkSpecs, started: fleet.started, tokens, session, options })));
    }
    const serverCpu = [...session.serverCpuSeconds.values()].reduce((sum, value) => sum + value, 0);
    const { durationSec, warmSec, segments } = plan;
    return { family: 'http', algorithm: ALGORITHM, connections: CONNECTIONS, durationSec, warmSec, segments, tokenLength: tokens.pool[0]?.length ?? 0, poolSize: POOL_SIZE, pinned, rows, cpuSeconds: ownCpuSeconds() + serverCpu };
  } finally {
    await factory.issuer.close();
  }
}
