/**
 * The targets and the number formats of the report.
 */

/** Targets. */
export const TARGETS = {
  uniqueVsFloor: 0.85,
  sameTokenRate: 1_000_000,
  /** DPoP: `authenticate` with the cached token and a new proof ÷ the DPoP floor (one proof signature + the cache lookup). */
  dpopVsFloor: 0.9,
  /** tokengate over HTTP with the 1,000 pool ÷ the lookup-only row (median of the per-cycle ratios). */
  httpVsLookup: 0.95,
  memoryGrowthMb: 100,
} as const;

export interface TargetCheck {
  readonly family: string;
  readonly target: string;
  readonly value: string;
  readonly met: boolean;
}

export const int = (value: number) => Math.round(value).toLocaleString('en-US');
export const fixed = (value: number | undefined, digits: number) => (value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits));
export const mark = (met: boolean) => (met ? '✅ met' : '❌ missed');
export const mb = (bytes: number) => (bytes / 1048576).toFixed(1);
