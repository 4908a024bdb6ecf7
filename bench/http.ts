/**
 * HTTP family: autocannon (in this process, pinned to core 0) against one server per child
 * process (pinned to core 1), 10 connections, a warm-up, then a fixed duration with the
 * 1,000-token pool and with one repeated token.
 *
 *   node --import tsx bench/http.ts [--quick]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { AUDIENCE, createTokenFactory, peekPayload } from './lib/tokens.js';
import { SERVER_IDS, type ServerId, type ServerSettings } from './lib/servers.js';
import { modeFrom, report, type HttpRow, type HttpVariant, type TokenMode } from './lib/types.js';
import { DISTURBED_CORES, ForeignMeter, Patience, ownCpuSeconds } from './lib/cpu.js';

const mode = modeFrom(process.argv.slice(2));
const DURATION_SEC = mode === 'quick' ? 2 : 10;
// autocannon runs whole seconds.
const WARM_SEC = mode === 'quick' ? 1 : 3;
const CONNECTIONS = 10;
const POOL_SIZE = 1000;
const ALGORITHM = 'RS256';
const serverFile = fileURLToPath(new URL('./http-server.ts', import.meta.url));

const NAMES: Record<ServerId, string> = {
  'express-bare': 'bare Express 5',
  'express-noop': 'diagnostic: bare + one no-op middleware',
  'express-tokengate': '@tokengate/express `auth()`',
  'express-lookup': 'diagnostic: bare + a lookup-only middleware (the least a correct cache does; no verification)',
  'express-oauth2-jwt-bearer': 'express-oauth2-jwt-bearer `auth()`',
  'express-jwt': 'express-jwt + jwks-rsa',
  'fastify-bare': 'bare Fastify 5',
  'fastify-noop': 'diagnostic: bare + one no-op `onRequest` hook',
  'fastify-tokengate': '@tokengate/fastify plugin',
  'fastify-lookup': 'diagnostic: bare + a lookup-only `onRequest` hook (the least a correct cache does; no verification)',
  'fastify-jwt-static': '@fastify/jwt (static public key)',
  'fastify-jwt-get-jwks': '@fastify/jwt + get-jwks',
  'koa-bare': 'bare Koa 3',
  'koa-noop': 'diagnostic: bare + one no-op middleware',
  'koa-tokengate': '@tokengate/koa `auth()`',
  'koa-lookup': 'diagnostic: bare + a lookup-only middleware (the least a correct cache does; no verification)',
  'koa-jwt': 'koa-jwt + jwks-rsa',
};

function variantOf(id: ServerId): HttpVariant {
  if (id.endsWith('-bare')) return 'bare';
  if (id.endsWith('-noop')) return 'noop';
  if (id.endsWith('-lookup')) return 'lookup';
  return id.endsWith('-tokengate') ? 'tokengate' : 'anchor';
}

/** Pin this process (every thread) to core 0; servers go to core 1. */
function pinSelf(): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const pinned = pinSelf();
const factory = await createTokenFactory(ALGORITHM);
const { issuer } = factory;
const publicKeyPem = createPublicKey({ key: issuer.currentPublicJwk() as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
const settings: ServerSettings = { issuer: issuer.issuer, audience: AUDIENCE, jwksUri: issuer.jwksUri, algorithm: ALGORITHM, publicKeyPem };

interface ServerChild {
  readonly child: ChildProcess;
  readonly port: number;
  request<T>(message: { type: string }, answer: string): Promise<T>;
}

function startServer(id: ServerId): Promise<ServerChild> {
  // BENCH_PROFILE_DIR (set by `run.ts --cpu-prof`): profile each server into <dir>/<server-id>.
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const profileArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}/${id}`] : [];
  const nodeArgs = [...profileArgs, '--import', 'tsx', serverFile, id, JSON.stringify(settings)];
  const child = pinned
    ? spawn('taskset', ['-c', '1', process.execPath, ...nodeArgs], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    : spawn(process.execPath, nodeArgs, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const request = <T>(message: { type: string }, answer: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${id}: no ${answer} message`)), 30_000);
      const onMessage = (reply: { type: string } & Record<string, unknown>) => {
        if (reply.type !== answer) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(reply as T);
      };
      child.on('message', onMessage);
      child.send(message);
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${id} did not start`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${id} exited with ${code}`)));
    child.on('message', (message: { type: string; port?: number }) => {
      if (message.type !== 'listening' || message.port === undefined) return;
      clearTimeout(timer);
      resolve({ child, port: message.port, request });
    });
  });
}

/**
 * Stop a server. Killed and not waited for, so its exit costs the next measurement nothing; a
 * profiled server is stopped cleanly instead (V8 writes the profile on a normal exit).
 */
async function stopServer(server: ServerChild): Promise<void> {
  server.child.removeAllListeners('exit');
  if (!process.env.BENCH_PROFILE_DIR) {
    server.child.kill('SIGKILL');
    return;
  }
  const exited = new Promise<void>((resolve) => server.child.once('exit', () => resolve()));
  server.child.send({ type: 'stop' });
  await exited;
}

/** One real request, checked before any timing: a benchmark whose tokens are rejected is invalid. */
async function sanity(port: number, id: ServerId, token: string): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/me`, { headers: { authorization: `Bearer ${token}` } });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${id}: status ${response.status} ${body.slice(0, 120)}`);
  const expected = variantOf(id) === 'bare' || variantOf(id) === 'noop' ? 'anonymous' : peekPayload(token).sub;
  const sub = (JSON.parse(body) as { sub?: unknown }).sub;
  if (sub !== expected) throw new Error(`${id}: answered sub ${JSON.stringify(sub)}, expected ${JSON.stringify(expected)}`);
}

function requestsFor(tokens: readonly string[]): autocannon.Request[] {
  return tokens.map((token) => ({ method: 'GET', path: '/me', headers: { authorization: `Bearer ${token}` } }));
}

/**
 * The requests of each connection. autocannon starts every connection (and every run) at the
 * first request of its list, so with one shared list all connections would send token 0, then
 * token 1, … together, and a short run would never reach the end of the pool. Each connection
 * gets the pool rotated by its share instead: the first POOL_SIZE / CONNECTIONS requests of all
 * connections together cover the whole pool.
 */
function perConnection(requests: autocannon.Request[]): autocannon.Request[][] {
  const step = Math.ceil(requests.length / CONNECTIONS);
  return Array.from({ length: CONNECTIONS }, (_, k) => [...requests.slice(k * step), ...requests.slice(0, k * step)]);
}

async function load(port: number, requests: autocannon.Request[][], seconds: number): Promise<autocannon.Result> {
  let next = 0;
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: seconds,
    requests: (requests[0] as autocannon.Request[]).slice(0, 1),
    setupClient: (client) => client.setRequests(requests[next++ % requests.length] as autocannon.Request[]),
  });
}

const only = process.env.BENCH_SERVERS?.split(',');
// The no-op rows are diagnostics: full runs only, so quick runs stay under two minutes.
const selected = SERVER_IDS.filter((id) => (!only || id.endsWith('-bare') || only.includes(id)) && (mode === 'full' || !(id.endsWith('-noop') || id.endsWith('-lookup'))));

// Start every server up front, two at a time (each in its own process, idle until its turn), so
// start-up costs no time between measurements.
const started = new Map<ServerId, Promise<ServerChild>>();
let serversStarting: Promise<unknown> = Promise.resolve();
{
  const queue = [...selected];
  const starter = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      const pending = startServer(id);
      started.set(id, pending);
      await pending.catch(() => undefined);
    }
  };
  // Awaited after minting, which overlaps the start-up.
  serversStarting = Promise.all([starter(), starter()]);
}

// The tokens are minted while the servers start (they need only the issuer's URLs and key).
const pool = await factory.mintMany(POOL_SIZE, 'http');
const sameToken = await factory.mint(0, 'http-same');
const poolRequests = perConnection(requestsFor(pool));
const sameRequests = [requestsFor([sameToken])];
await serversStarting;

interface CpuReply {
  readonly percent: number;
  readonly totalSeconds: number;
  readonly cachedTokens?: number;
}

/** One row being measured: a server and a token mode, accumulated over its segments. */
interface Slot {
  readonly id: ServerId;
  readonly base: Omit<HttpRow, 'mode'>;
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

// Each row's duration is split into SEGMENTS segments, run round-robin over every row of one
// framework (bare, tokengate, anchors), so a drift in machine speed or load during the run hits
// them all alike and the ratios to the bare server stay fair.
const SEGMENTS = mode === 'quick' ? 2 : 10;
const SEGMENT_SEC = DURATION_SEC / SEGMENTS;
const patience = Patience.forMode(mode, 30_000);
const meter = new ForeignMeter();
const rows: HttpRow[] = [];
const serverCpuSeconds = new Map<ServerId, number>();

const VARIANT_ORDER: readonly HttpVariant[] = ['bare', 'tokengate', 'lookup', 'noop', 'anchor'];
function variantRank(variant: HttpVariant): number {
  return VARIANT_ORDER.indexOf(variant);
}
function modeRank(tokenMode: TokenMode): number {
  return tokenMode === 'pool' ? 0 : 1;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[(sorted.length - 1) >> 1] as number);
}

/** Run one segment of a slot; a disturbed segment is re-run while patience lasts (never one with failures). */
async function runSegment(slot: Slot): Promise<void> {
  const requests = slot.mode === 'pool' ? poolRequests : sameRequests;
  for (;;) {
    slot.attempts += 1;
    meter.start();
    await slot.server.request({ type: 'mark' }, 'marked');
    const result = await load(slot.server.port, requests, SEGMENT_SEC);
    const reply = await slot.server.request<CpuReply>({ type: 'read' }, 'cpu');
    const serverSeconds = (reply.percent / 100) * result.duration;
    const foreign = meter.stop(serverSeconds);
    const failed = result.non2xx > 0 || result.errors > 0;
    if (foreign > DISTURBED_CORES && !failed && patience.canRetry(SEGMENT_SEC * 1000)) {
      patience.spend(SEGMENT_SEC * 1000);
      process.stderr.write(`  http ${slot.id} ${slot.mode}: segment disturbed (other processes used ${foreign.toFixed(2)} cores), running it again\n`);
      await patience.waitForQuiet();
      continue;
    }
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
    serverCpuSeconds.set(slot.id, reply.totalSeconds);
    return;
  }
}

for (const framework of ['express', 'fastify', 'koa'] as const) {
  const ids = selected.filter((id) => id.startsWith(`${framework}-`));
  const slots: Slot[] = [];
  const servers: ServerChild[] = [];
  for (const id of ids) {
    const base = { server: id, framework, name: NAMES[id], variant: variantOf(id) };
    // Quick runs skip the anchors' same-token rows to stay short.
    const modes: TokenMode[] = base.variant === 'anchor' && mode === 'quick' ? ['pool'] : ['pool', 'same'];
    try {
      const server = await (started.get(id) as Promise<ServerChild>);
      servers.push(server);
      await sanity(server.port, id, pool[0] as string);
      await sanity(server.port, id, sameToken);
      for (const tokenMode of modes) {
        slots.push({
          id, base, mode: tokenMode, server,
          requests: 0, seconds: 0, serverSeconds: 0, non2xx: 0, errors: 0, timeouts: 0, attempts: 0,
          statusCodes: {}, p50s: [], p99s: [], rates: [], foreign: [],
        });
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      for (const tokenMode of modes) rows.push({ ...base, mode: tokenMode, error: message.replace(/\s+/g, ' ').slice(0, 160) });
      process.stderr.write(`  http ${id}: ${message}\n`);
    }
  }
  // Warm-up, all of the framework's servers at once (untimed): JIT, the remote key sets, and for
  // caching verifiers the first pass over the pool.
  await Promise.all(servers.map((server) => load(server.port, poolRequests, WARM_SEC)));
  await patience.waitForQuiet();
  // Within a cycle, each token mode's tokengate segment runs right after its bare segment: the
  // machine's speed drifts over seconds, and the paired ratio (report.ts) compares neighbours.
  const cycle = [...slots].sort((a, b) => modeRank(a.mode) - modeRank(b.mode) || variantRank(a.base.variant) - variantRank(b.base.variant));
  for (let segment = 0; segment < SEGMENTS; segment += 1) {
    for (const slot of cycle) await runSegment(slot);
  }
  for (const slot of slots) {
    const row: HttpRow = {
      ...slot.base,
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
    rows.push(row);
    process.stderr.write(
      `  http ${slot.id} ${slot.mode}: ${Math.round(row.reqPerSec ?? 0).toLocaleString('en-US')} req/s, ${row.serverUsPerRequest?.toFixed(1)} µs server CPU/request, non-2xx ${row.non2xx}\n`,
    );
  }
  for (const server of servers) await stopServer(server);
}

await report({
  family: 'http',
  algorithm: ALGORITHM,
  connections: CONNECTIONS,
  durationSec: DURATION_SEC,
  warmSec: WARM_SEC,
  segments: SEGMENTS,
  tokenLength: pool[0]?.length ?? 0,
  poolSize: POOL_SIZE,
  pinned,
  rows,
  cpuSeconds: ownCpuSeconds() + [...serverCpuSeconds.values()].reduce((sum, value) => sum + value, 0),
});
await issuer.close();
process.exit(0);
