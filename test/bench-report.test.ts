import { describe, expect, it } from 'vitest';
import { serverSpecs } from '../bench/http.js';
import { httpTables, pairedRatio } from '../bench/lib/report-http.js';
import { TARGETS } from '../bench/lib/format.js';
import { microTable } from '../bench/lib/report.js';
import type { HttpFamilyResult, HttpRow, MicroFamilyResult, MicroRow } from '../bench/lib/types.js';

function row(variant: HttpRow['variant'], segmentRates: readonly number[], extra: Partial<HttpRow> = {}): HttpRow {
  const reqPerSec = segmentRates.reduce((sum, rate) => sum + rate, 0) / segmentRates.length;
  return { server: variant, framework: 'fastify', name: variant, variant, mode: 'pool', reqPerSec, segmentRates, non2xx: 0, errors: 0, ...extra };
}

function family(rows: readonly HttpRow[]): HttpFamilyResult {
  return { family: 'http', algorithm: 'RS256', connections: 10, durationSec: 10, warmSec: 3, segments: 5, tokenLength: 1400, poolSize: 1000, pinned: true, rows };
}

describe('bench: paired ratio to a baseline row', () => {
  it('takes the median of the per-cycle ratios, so one slow stretch does not move it', () => {
    const lookup = row('lookup', [100, 100, 100, 100, 100]);
    // One cycle ran during a slow stretch for the tokengate row only.
    const tokengate = row('tokengate', [95, 94, 40, 96, 93]);
    const paired = pairedRatio(tokengate, lookup);
    expect(paired?.median).toBeCloseTo(0.94, 10);
    expect(paired?.ofTotals).toBeCloseTo(418 / 500, 10);
    expect(paired?.low).toBeCloseTo(0.93, 10);
    expect(paired?.high).toBeCloseTo(0.95, 10);
    expect(paired?.cycles).toBe(5);
  });

  it('pairs segments of the same cycle: a drift hitting both rows cancels', () => {
    const lookup = row('lookup', [200, 100, 50, 100]);
    const tokengate = row('tokengate', [180, 90, 45, 90]);
    expect(pairedRatio(tokengate, lookup)?.median).toBeCloseTo(0.9, 10);
    // An even count averages the two middle ratios.
    const uneven = row('tokengate', [180, 80, 50, 100]);
    expect(pairedRatio(uneven, lookup)?.median).toBeCloseTo((0.9 + 1) / 2, 10);
  });

  it('falls back to the ratio of totals without matching segments, and gives nothing without a baseline rate', () => {
    const lookup = row('lookup', [100, 100]);
    const tokengate = { ...row('tokengate', [90]), segmentRates: [90] };
    const paired = pairedRatio(tokengate, lookup);
    expect(paired).toEqual({ median: 0.9, low: 0.9, high: 0.9, ofTotals: 0.9, cycles: 0 });
    expect(pairedRatio(tokengate, undefined)).toBeUndefined();
    expect(pairedRatio(tokengate, { ...lookup, reqPerSec: undefined })).toBeUndefined();
  });
});

describe('bench: the HTTP target', () => {
  const bare = row('bare', [200, 200, 200, 200, 200]);
  const lookup = row('lookup', [100, 100, 100, 100, 100]);
  const fastifyChecks = (rows: readonly HttpRow[]) => httpTables(family(rows)).checks.filter((check) => check.family === 'http fastify');

  it('is tokengate ≥ 0.95× the lookup-only row with the pool, paired per cycle, whatever the bare ratio', () => {
    expect(TARGETS.httpVsLookup).toBe(0.95);
    const met = fastifyChecks([bare, lookup, row('tokengate', [96, 95, 30, 97, 99])]);
    expect(met).toHaveLength(1);
    expect(met[0]?.met).toBe(true);
    expect(met[0]?.target).toContain('0.95× the lookup-only row (1,000 pool');
    expect(met[0]?.value).toMatch(/^0\.96× the lookup-only row/);
    const missed = fastifyChecks([bare, lookup, row('tokengate', [94, 94, 100, 93, 96])]);
    expect(missed[0]?.met).toBe(false);
  });

  it('is missed when the lookup-only row is absent or either row had failures', () => {
    const tokengate = row('tokengate', [99, 99, 99, 99, 99]);
    const absent = fastifyChecks([bare, tokengate]);
    expect(absent).toEqual([expect.objectContaining({ met: false, value: 'no lookup-only row measured' })]);
    expect(fastifyChecks([bare, lookup, { ...tokengate, non2xx: 3 }])[0]?.met).toBe(false);
    expect(fastifyChecks([bare, { ...lookup, errors: 1 }, tokengate])[0]?.met).toBe(false);
  });

  it('checks only the pool against the lookup-only row, and adds the anchors only when they ran', () => {
    const same = (r: HttpRow) => ({ ...r, mode: 'same' as const });
    const tokengate = row('tokengate', [99, 99, 99, 99, 99]);
    expect(fastifyChecks([bare, lookup, tokengate, same(bare), same(lookup), same(row('tokengate', [10, 10, 10, 10, 10]))])).toHaveLength(1);
    const anchor = row('anchor', [50, 50, 50, 50, 50], { server: 'fastify-jwt-static', name: '@fastify/jwt' });
    const withAnchor = fastifyChecks([bare, lookup, tokengate, anchor]);
    expect(withAnchor.map((check) => check.target)).toEqual([expect.stringContaining('lookup-only'), 'tokengate ahead of every anchor (1,000 pool)']);
    expect(withAnchor[1]?.met).toBe(true);
    expect(fastifyChecks([bare, lookup, tokengate, { ...anchor, segmentRates: [150], reqPerSec: 150 }])[1]?.met).toBe(false);
  });

  it('shows the lookup-only row in the table with its ratio to bare', () => {
    const markdown = httpTables(family([bare, lookup, row('tokengate', [96, 96, 96, 96, 96])])).markdown;
    expect(markdown).toContain('| lookup | 1,000 pool | 100 | 0.50× |');
    expect(markdown).toContain('the lookup-only row: 0.50× bare');
  });
});

describe('bench: the HTTP frameworks', () => {
  const ids = async (servers: readonly string[] | undefined, mode: 'quick' | 'full' = 'quick') => (await serverSpecs({ mode, anchors: false, servers })).map((spec) => spec.id);

  it('runs Hono on @hono/node-server after Express, Fastify and Koa: bare, lookup-only, tokengate, and the no-op row in full runs', async () => {
    const quick = await ids(undefined);
    expect(quick.filter((id) => id.startsWith('hono-'))).toEqual(['hono-bare', 'hono-lookup', 'hono-tokengate']);
    expect(quick.at(-1)).toBe('hono-tokengate');
    expect((await ids(undefined, 'full')).filter((id) => id.startsWith('hono-'))).toEqual(['hono-bare', 'hono-lookup', 'hono-tokengate', 'hono-noop']);
  });

  it('BENCH_SERVERS keeps the named servers and their frameworks (bare and lookup-only always), every framework when no id is known', async () => {
    expect(await ids(['hono-tokengate'])).toEqual(['hono-bare', 'hono-lookup', 'hono-tokengate']);
    expect(await ids(['hono-bare'])).toEqual(['hono-bare', 'hono-lookup']);
    expect(await ids(['koa-tokengate', 'hono-tokengate'])).toEqual(['koa-bare', 'koa-lookup', 'koa-tokengate', 'hono-bare', 'hono-lookup', 'hono-tokengate']);
    expect(await ids(['nothing-known'])).toEqual(['express-bare', 'express-lookup', 'fastify-bare', 'fastify-lookup', 'koa-bare', 'koa-lookup', 'hono-bare', 'hono-lookup']);
  });

  it('gives Hono its own table and target check, and leaves out frameworks without rows', () => {
    const hono = (r: HttpRow): HttpRow => ({ ...r, framework: 'hono', server: `hono-${r.variant}` });
    const { markdown, checks } = httpTables(family([row('bare', [200, 200]), row('lookup', [100, 100]), row('tokengate', [96, 96])].map(hono)));
    expect(markdown.match(/^#### .*/gm)).toEqual(['#### Hono']);
    expect(checks).toEqual([expect.objectContaining({ family: 'http hono', met: true })]);
  });
});

describe('bench: the DPoP micro target', () => {
  const measured = (opsPerSec: number) => ({ opsPerSec, roundOps: [opsPerSec, opsPerSec, opsPerSec], p50: 1e6 / opsPerSec, p99: 2e6 / opsPerSec, samples: 100 });
  function dpopFamily(rows: readonly MicroRow[]): MicroFamilyResult {
    const dpop = { proofAlgorithm: 'ES256', tokenLength: 1496, proofLength: 514, htu: 'https://api.example.com/v1/files', proofsSigned: 5000, largestBatch: 4096, cachedTokens: 1 };
    return { family: 'micro', algorithm: 'ES256', timing: { warmMs: 100, roundMs: 150, rounds: 3 }, tokenLength: 1400, claimCount: 16, poolSize: 1000, distinctPoolSize: 6000, cacheEntriesAfterDistinct: undefined, coreModule: '', rows, discardedRounds: 0, foreignCores: [0, 0, 0], dpop };
  }
  const floor: MicroRow = { id: 'dpop-floor', name: 'floor', tokens: 'same token', floor: true, result: measured(5000) };
  const tokengate = (opsPerSec: number): MicroRow => ({ id: 'tokengate-dpop', name: 'tokengate', tokens: 'same token', tokengate: true, target: 'dpop-vs-floor', result: measured(opsPerSec) });

  it('is tokengate ≥ 0.9× the DPoP floor in the same run, checked under its own family name', () => {
    expect(TARGETS.dpopVsFloor).toBe(0.9);
    const met = microTable(dpopFamily([floor, tokengate(4600)])).checks;
    expect(met).toEqual([expect.objectContaining({ family: 'micro dpop', value: '0.92×', met: true })]);
    expect(met[0]?.target).toContain('0.9× floor');
    expect(microTable(dpopFamily([floor, tokengate(4400)])).checks[0]?.met).toBe(false);
  });

  it('gives the ratio to the floor that imports every key beside it, without changing the check', () => {
    const importing: MicroRow = { id: 'dpop-floor-import', name: 'floor importing every key', tokens: 'same token', result: measured(2_500) };
    const { checks, markdown } = microTable(dpopFamily([floor, importing, tokengate(4_000)]));
    expect(checks).toEqual([expect.objectContaining({ met: false, value: '0.80× (1.60× the floor that imports every key)' })]);
    expect(markdown).toContain('| 0.50× |');
  });
});
