/**
 * Micro family, one algorithm per process: each verifier is called directly (no HTTP), ops/s over
 * a fixed duration after a warm-up, median of 3 rounds, sampled p50/p99.
 *
 *   node --import tsx bench/micro.ts RS256 [--quick]
 */
import { createPublicKey, verify as cryptoVerify, type JsonWebKey, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto';
import { Buffer } from 'node:buffer';
import type { NextFunction, Request, Response } from 'express';
import type { Context } from 'koa';
import { createVerifier } from '@tokengate/core';
import type { SigningAlgorithm } from '@tokengate/testing';
import { createVerifier as createFastJwtVerifier, type Algorithm as FastJwtAlgorithm } from 'fast-jwt';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { auth as oauth2JwtBearer } from 'express-oauth2-jwt-bearer';
import { expressjwt, type GetVerificationKey } from 'express-jwt';
import { expressJwtSecret, koaJwtSecret } from 'jwks-rsa';
import Fastify from 'fastify';
import fastifyJwt from '@fastify/jwt';
import koaJwt from 'koa-jwt';
import { Bench, cycle, type MicroTiming, type Operation } from './lib/measure.js';
import { AUDIENCE, createTokenFactory, peekPayload } from './lib/tokens.js';
import { modeFrom, report, type MicroRow, type MicroTarget } from './lib/types.js';
import { DISTURBED_CORES, ForeignMeter, Patience, ownCpuSeconds } from './lib/cpu.js';

const ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
const algorithm = process.argv[2] as SigningAlgorithm;
if (!(ALGORITHMS as readonly string[]).includes(algorithm)) throw new Error(`Usage: micro.ts <${ALGORITHMS.join('|')}> [--quick]`);
const mode = modeFrom(process.argv.slice(3));
const timing: MicroTiming = mode === 'quick' ? { warmMs: 100, roundMs: 150, rounds: 3 } : { warmMs: 400, roundMs: 1000, rounds: 3 };
const POOL_SIZE = 1000;
// More distinct tokens than the default cache holds (about 5,400 of these), cycled in order, so
// every call misses: each token comes back only after the cache's admission memory has been
// emptied, so none is admitted (with admission on first use, each would be inserted and evicted).
const DISTINCT_POOL_SIZE = mode === 'quick' ? 6_000 : 30_000;

const factory = await createTokenFactory(algorithm);
const { issuer } = factory;
const pool = await factory.mintMany(POOL_SIZE, 'pool');
const sameToken = await factory.mint(0, 'same');
const bearerPool = pool.map((token) => `Bearer ${token}`);
const expectedSub = (token: string) => peekPayload(token).sub;

interface RowSpec {
  readonly id: string;
  readonly name: string;
  readonly tokens: string;
  readonly note?: string;
  readonly floor?: boolean;
  readonly tokengate?: boolean;
  readonly target?: MicroTarget;
  /** Report the fraction of sampled calls faster than a quarter of the floor's p50 (cache hits). */
  readonly fastThreshold?: boolean;
  /**
   * Measured on its own after the interleaved rows (set up only then, warmed until the cache is
   * full): its cache churn makes old-generation garbage whose collection would otherwise be
   * charged to whichever row happens to run, and its token pool would enlarge every row's heap.
   */
  readonly isolated?: boolean;
  /** Diagnostic rows are left out of quick runs. */
  readonly diagnostic?: boolean;
  /** Build the operation; `check` verifies one token and returns its `sub`; `after` runs once timed. */
  readonly setup: () => Promise<{ op: Operation; check: (token: string) => Promise<unknown>; after?: () => void }>;
}

function fromAsync(verifyOne: (token: string) => Promise<unknown>, tokens: readonly string[]): Operation {
  const next = cycle(tokens);
  return { kind: 'async', run: () => verifyOne(next()) };
}

function fromSync(verifyOne: (token: string) => unknown, tokens: readonly string[]): Operation {
  const next = cycle(tokens);
  return { kind: 'sync', run: () => verifyOne(next()) };
}

// ---- floor: node:crypto on a KeyObject made once + base64url + JSON.parse --------------------

const publicKey: KeyObject = createPublicKey({ key: issuer.currentPublicJwk() as JsonWebKey, format: 'jwk' });
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const digest = algorithm === 'EdDSA' ? null : 'sha256';
const keyInput: KeyObject | VerifyKeyObjectInput = algorithm === 'ES256' ? { key: publicKey, dsaEncoding: 'ieee-p1363' } : publicKey;

function floorVerify(token: string): Record<string, unknown> {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  const header = JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString('utf8')) as Record<string, unknown>;
  const payload = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8')) as Record<string, unknown>;
  const ok = cryptoVerify(digest, Buffer.from(token.slice(0, second), 'latin1'), keyInput, Buffer.from(token.slice(second + 1), 'base64url'));
  if (!ok || header.alg !== algorithm) throw new Error('floor: bad signature');
  return payload;
}

/** The floor's decoding work alone: what is left when the signature check is taken out. */
function floorDecode(token: string): Record<string, unknown> {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  const header = JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString('utf8')) as Record<string, unknown>;
  const payload = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8')) as Record<string, unknown>;
  const signingInput = Buffer.from(token.slice(0, second), 'latin1');
  const signature = Buffer.from(token.slice(second + 1), 'base64url');
  if (header.alg !== algorithm || signingInput.length === 0 || signature.length === 0) throw new Error('floor: bad token');
  return payload;
}

// ---- helpers for middleware called directly -------------------------------------------------

function oauth2Request(authorization: string): Request {
  const headers: Record<string, string> = { host: '127.0.0.1:3000', authorization };
  const req = {
    headers,
    method: 'GET',
    protocol: 'http',
    originalUrl: '/me',
    url: '/me',
    query: {},
    body: undefined,
    socket: { remoteAddress: '127.0.0.1' },
    get: (name: string) => headers[name.toLowerCase()],
    is: () => false,
  };
  return req as unknown as Request;
}

const fakeResponse = {} as Response;

function viaNext(middleware: (req: Request, res: Response, next: NextFunction) => unknown, req: Request): Promise<Request> {
  return new Promise((resolve, reject) => {
    middleware(req, fakeResponse, (error?: unknown) => (error === undefined ? resolve(req) : reject(error instanceof Error ? error : new Error(String(error)))));
  });
}

function koaContext(authorization: string): Context {
  const ctx = {
    header: { authorization },
    headers: { authorization },
    state: {} as Record<string, unknown>,
    cookies: { get: () => undefined },
    throw(status: number, message: string) {
      throw Object.assign(new Error(message), { status });
    },
  };
  return ctx as unknown as Context;
}

const koaNext = () => Promise.resolve();
let cacheEntriesAfterDistinct: number | undefined;

const rows: RowSpec[] = [
  {
    id: 'floor',
    name: 'floor: crypto.verify (KeyObject made once) + base64url + JSON.parse',
    tokens: '1,000 pool',
    floor: true,
    setup: async () => ({ op: fromSync(floorVerify, pool), check: async (token) => floorVerify(token).sub }),
  },
  {
    id: 'tokengate-unique',
    name: 'tokengate `verifier.verify()` (cache off: every call verifies)',
    tokens: '1,000 pool',
    tokengate: true,
    target: 'unique-vs-floor',
    setup: async () => {
      const verifier = createVerifier({ issuer: issuer.issuer, audience: AUDIENCE, jwksUri: issuer.jwksUri, cache: false });
      return { op: fromAsync((token) => verifier.verify(token), pool), check: async (token) => (await verifier.verify(token)).subject };
    },
  },
  {
    id: 'tokengate-distinct',
    name: 'tokengate `verifier.verify()` (cache on, default size; a cycle of more distinct tokens than the cache holds: every call misses)',
    tokens: `${DISTINCT_POOL_SIZE.toLocaleString('en-US')} distinct`,
    tokengate: true,
    fastThreshold: true,
    isolated: true,
    setup: async () => {
      const distinct = await factory.mintMany(DISTINCT_POOL_SIZE, 'distinct');
      const verifier = createVerifier({ issuer: issuer.issuer, audience: AUDIENCE, jwksUri: issuer.jwksUri });
      return {
        op: fromAsync((token) => verifier.verify(token), distinct),
        check: async (token) => (await verifier.verify(token)).subject,
        after: () => {
          cacheEntriesAfterDistinct = verifier.stats().cachedTokens;
        },
      };
    },
  },
  {
    id: 'tokengate-pool-cached',
    name: 'tokengate `verifier.verify()` (cache on: hits after the first pass)',
    tokens: '1,000 pool',
    tokengate: true,
    setup: async () => {
      const verifier = createVerifier({ issuer: issuer.issuer, audience: AUDIENCE, jwksUri: issuer.jwksUri });
      return { op: fromAsync((token) => verifier.verify(token), pool), check: async (token) => (await verifier.verify(token)).subject };
    },
  },
  {
    id: 'tokengate-same',
    name: 'tokengate `verifier.verify()` (cache on)',
    tokens: 'same token',
    tokengate: true,
    target: 'same-token-rate',
    setup: async () => {
      const verifier = createVerifier({ issuer: issuer.issuer, audience: AUDIENCE, jwksUri: issuer.jwksUri });
      return { op: fromAsync((token) => verifier.verify(token), [sameToken]), check: async (token) => (await verifier.verify(token)).subject };
    },
  },
  {
    id: 'floor-decode',
    diagnostic: true,
    name: 'diagnostic: the floor without its `crypto.verify` call (decoding only)',
    tokens: '1,000 pool',
    setup: async () => ({ op: fromSync(floorDecode, pool), check: async (token) => floorDecode(token).sub }),
  },
  {
    id: 'tokengate-unique-nosig',
    diagnostic: true,
    name: 'diagnostic: tokengate cache off, `signatureVerifier` stubbed to `true` (everything but the signature)',
    tokens: '1,000 pool',
    tokengate: true,
    setup: async () => {
      const verifier = createVerifier({ issuer: issuer.issuer, audience: AUDIENCE, jwksUri: issuer.jwksUri, cache: false, signatureVerifier: () => true });
      return { op: fromAsync((token) => verifier.verify(token), pool), check: async (token) => (await verifier.verify(token)).subject };
    },
  },
  ...fastJwtRows(),
  {
    id: 'jose',
    name: 'jose `jwtVerify` + `createRemoteJWKSet` (warm)',
    tokens: '1,000 pool',
    setup: async () => {
      const jwks = createRemoteJWKSet(new URL(issuer.jwksUri));
      const verifyOne = (token: string) => jwtVerify(token, jwks, { issuer: issuer.issuer, audience: AUDIENCE, algorithms: [algorithm] });
      return { op: fromAsync(verifyOne, pool), check: async (token) => (await verifyOne(token)).payload.sub };
    },
  },
  {
    id: 'express-oauth2-jwt-bearer',
    name: 'express-oauth2-jwt-bearer `auth()` middleware, called with a fake req',
    tokens: '1,000 pool',
    setup: async () => {
      const middleware = oauth2JwtBearer({ issuerBaseURL: issuer.issuer, audience: AUDIENCE, tokenSigningAlg: algorithm });
      const verifyOne = (authorization: string) => viaNext(middleware, oauth2Request(authorization));
      return {
        op: fromAsync(verifyOne, bearerPool),
        check: async (token) => ((await verifyOne(`Bearer ${token}`)).auth as unknown as { payload: { sub?: string } }).payload.sub,
      };
    },
  },
  {
    id: 'express-jwt',
    name: 'express-jwt + jwks-rsa `expressJwtSecret`, called with a fake req',
    tokens: '1,000 pool',
    setup: async () => {
      const middleware = expressjwt({
        secret: expressJwtSecret({ jwksUri: issuer.jwksUri, cache: true, rateLimit: true, jwksRequestsPerMinute: 10 }) as GetVerificationKey,
        algorithms: [algorithm as 'RS256'],
        audience: AUDIENCE,
        issuer: issuer.issuer,
      });
      const verifyOne = (authorization: string) => viaNext(middleware, { headers: { authorization }, method: 'GET' } as unknown as Request);
      return {
        op: fromAsync(verifyOne, bearerPool),
        check: async (token) => ((await verifyOne(`Bearer ${token}`)) as unknown as { auth: { sub?: string } }).auth.sub,
      };
    },
  },
  {
    id: 'fastify-jwt',
    name: '@fastify/jwt `fastify.jwt.verify()` (static public key)',
    tokens: '1,000 pool',
    setup: async () => {
      const app = Fastify({ logger: false });
      await app.register(fastifyJwt, {
        secret: { public: publicPem, private: 'unused-for-verification' },
        verify: { algorithms: [algorithm], allowedIss: issuer.issuer, allowedAud: AUDIENCE },
      });
      await app.ready();
      const verifyOne = (token: string) => app.jwt.verify<{ sub?: string }>(token);
      return { op: fromSync(verifyOne, pool), check: async (token) => verifyOne(token).sub };
    },
  },
  {
    id: 'koa-jwt',
    name: 'koa-jwt + jwks-rsa `koaJwtSecret`, called with a fake ctx',
    tokens: '1,000 pool',
    setup: async () => {
      const middleware = koaJwt({
        secret: koaJwtSecret({ jwksUri: issuer.jwksUri, cache: true, rateLimit: true, jwksRequestsPerMinute: 10 }),
        audience: AUDIENCE,
        issuer: issuer.issuer,
        algorithms: [algorithm],
        debug: true,
      });
      const verifyOne = async (authorization: string) => {
        const ctx = koaContext(authorization);
        await middleware(ctx, koaNext);
        return ctx;
      };
      return { op: fromAsync(verifyOne, bearerPool), check: async (token) => ((await verifyOne(`Bearer ${token}`)).state.user as { sub?: string }).sub };
    },
  },
];

function fastJwtRows(): RowSpec[] {
  const row = (id: string, name: string, tokens: string, cache: boolean, list: readonly string[]): RowSpec => ({
    id,
    name,
    tokens,
    setup: async () => {
      const verifyOne = createFastJwtVerifier({ key: publicPem, algorithms: [algorithm as FastJwtAlgorithm], allowedIss: issuer.issuer, allowedAud: AUDIENCE, cache }) as (
        token: string,
      ) => { sub?: string };
      return { op: fromSync(verifyOne, list), check: async (token) => verifyOne(token).sub };
    },
  });
  return [
    row('fast-jwt-nocache', 'fast-jwt `createVerifier` (static key, cache off)', '1,000 pool', false, pool),
    row('fast-jwt-cache', 'fast-jwt `createVerifier` (static key, cache on: 1,000 entries)', '1,000 pool', true, pool),
    row('fast-jwt-same', 'fast-jwt `createVerifier` (static key, cache on)', 'same token', true, [sameToken]),
  ];
}

interface Prepared {
  readonly spec: RowSpec;
  readonly base: Omit<MicroRow, 'result' | 'error'>;
  readonly bench?: Bench;
  readonly after?: () => void;
  readonly error?: string;
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.replace(/\s+/g, ' ').slice(0, 160);
}

async function prepare(spec: RowSpec, benchTiming: MicroTiming): Promise<Prepared> {
  const base = {
    id: spec.id,
    name: spec.name,
    tokens: spec.tokens,
    ...(spec.note === undefined ? {} : { note: spec.note }),
    ...(spec.floor ? { floor: true } : {}),
    ...(spec.tokengate ? { tokengate: true } : {}),
    ...(spec.target === undefined ? {} : { target: spec.target }),
  };
  try {
    const { op, check, after } = await spec.setup();
    // Every row must accept the tokens (this also fetches remote key sets before any timing).
    const probe = spec.id.endsWith('-same') ? sameToken : (pool[0] as string);
    const sub = await check(probe);
    if (sub !== expectedSub(probe)) throw new Error(`verified token has sub ${JSON.stringify(sub)}`);
    return { spec, base, bench: new Bench(op, benchTiming), ...(after ? { after } : {}) };
  } catch (error) {
    return { spec, base, error: describeError(error) };
  }
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const only = process.env.BENCH_ROWS?.split(',');
const selectedRows = rows.filter((spec) => (!only || spec.floor || only.includes(spec.id)) && !(spec.diagnostic && mode === 'quick' && !only));
const prepared: Prepared[] = [];
for (const spec of selectedRows) if (!spec.isolated) prepared.push(await prepare(spec, timing));

// A round disturbed by other processes (> DISTURBED_CORES on average) is discarded and run
// again while the family's patience budget lasts (full runs only).
const patience = Patience.forMode(mode, 10_000);
const meter = new ForeignMeter();
const keptForeign: number[] = [];
let discardedRounds = 0;

/** Run `rounds` kept rounds of `entries` (interleaved), re-running disturbed ones while patience lasts. */
async function runRounds(entries: readonly Prepared[], label: string): Promise<void> {
  const roundMs = entries.length * timing.roundMs;
  let kept = 0;
  while (kept < timing.rounds) {
    meter.start();
    for (const entry of entries) {
      await entry.bench?.round();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const foreign = meter.stop();
    if (foreign > DISTURBED_CORES && patience.canRetry(roundMs)) {
      discardedRounds += 1;
      patience.spend(roundMs);
      for (const entry of entries) entry.bench?.discardLastRound();
      process.stderr.write(`  micro ${algorithm} ${label}: round disturbed (other processes used ${foreign.toFixed(2)} cores), running it again\n`);
      await patience.waitForQuiet();
      continue;
    }
    keptForeign.push(foreign);
    kept += 1;
  }
}

// Warm every row, then interleave the rounds (row 1 round 1, row 2 round 1, …) so a change in
// machine load during the run affects every row alike and the ratios to the floor stay fair.
for (const entry of prepared) await entry.bench?.warm();
await runRounds(prepared, 'interleaved rows');

// Then the isolated rows, one at a time, from a collected heap.
for (const spec of selectedRows) {
  if (!spec.isolated) continue;
  gc();
  const entry = await prepare(spec, { ...timing, warmMs: Math.max(timing.warmMs, mode === 'quick' ? 400 : 1500) });
  await entry.bench?.warm();
  await runRounds([entry], spec.id);
  prepared.push(entry);
  entry.after?.();
  // Results are read below; drop the row's verifier and token pool now.
  gc();
}

const floorP50Us = prepared.find((entry) => entry.spec.floor)?.bench?.result().p50;
const results: MicroRow[] = [];
for (const spec of selectedRows) {
  const entry = prepared.find((candidate) => candidate.spec === spec);
  if (!entry?.bench) {
    results.push({ ...(entry?.base ?? { id: spec.id, name: spec.name, tokens: spec.tokens }), error: entry?.error ?? 'not run' });
    continue;
  }
  const threshold = spec.fastThreshold && floorP50Us !== undefined ? floorP50Us / 4 : undefined;
  if (!spec.isolated) entry.after?.();
  const result = entry.bench.result(threshold);
  process.stderr.write(`  micro ${algorithm} ${spec.id}: ${Math.round(result.opsPerSec).toLocaleString('en-US')} ops/s\n`);
  results.push({ ...entry.base, result });
}

await report({
  family: 'micro',
  algorithm,
  timing,
  tokenLength: pool[0]?.length ?? 0,
  claimCount: Object.keys(peekPayload(pool[0] as string)).length,
  poolSize: POOL_SIZE,
  distinctPoolSize: DISTINCT_POOL_SIZE,
  cacheEntriesAfterDistinct,
  coreModule: import.meta.resolve('@tokengate/core'),
  rows: results,
  discardedRounds,
  foreignCores: keptForeign,
  cpuSeconds: ownCpuSeconds(),
});
await issuer.close();
process.exit(0);
