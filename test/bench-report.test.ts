import { describe, expect, it } from 'vitest';
import { pairedRatio } from '../bench/lib/report.js';
import type { HttpRow } from '../bench/lib/types.js';

function row(variant: HttpRow['variant'], segmentRates: readonly number[]): HttpRow {
  const reqPerSec = segmentRates.reduce((sum, rate) => sum + rate, 0) / segmentRates.length;
  return { server: variant, framework: 'fastify', name: variant, variant, mode: 'pool', reqPerSec, segmentRates };
}

describe('bench: paired ratio to the bare server', () => {
  it('takes the median of the per-cycle ratios, so one slow stretch does not move it', () => {
    const bare = row('bare', [100, 100, 100, 100, 100]);
    // One cycle ran during a slow stretch for the tokengate row only.
    const tokengate = row('tokengate', [95, 94, 40, 96, 93]);
    const paired = pairedRatio(tokengate, bare);
    expect(paired?.median).toBeCloseTo(0.94, 10);
    expect(paired?.ofTotals).toBeCloseTo(418 / 500, 10);
    expect(paired?.low).toBeCloseTo(0.93, 10);
    expect(paired?.high).toBeCloseTo(0.95, 10);
    expect(paired?.cycles).toBe(5);
  });

  it('pairs segments of the same cycle: a drift hitting both rows cancels', () => {
    const bare = row('bare', [200, 100, 50, 100]);
    const tokengate = row('tokengate', [180, 90, 45, 90]);
    expect(pairedRatio(tokengate, bare)?.median).toBeCloseTo(0.9, 10);
    // An even count averages the two middle ratios.
    const uneven = row('tokengate', [180, 80, 50, 100]);
    expect(pairedRatio(uneven, bare)?.median).toBeCloseTo((0.9 + 1) / 2, 10);
  });

  it('falls back to the ratio of totals without matching segments, and gives nothing without a bare rate', () => {
    const bare = row('bare', [100, 100]);
    const tokengate = { ...row('tokengate', [90]), segmentRates: [90] };
    const paired = pairedRatio(tokengate, bare);
    expect(paired).toEqual({ median: 0.9, low: 0.9, high: 0.9, ofTotals: 0.9, cycles: 0 });
    expect(pairedRatio(tokengate, undefined)).toBeUndefined();
    expect(pairedRatio(tokengate, { ...bare, reqPerSec: undefined })).toBeUndefined();
  });
});
