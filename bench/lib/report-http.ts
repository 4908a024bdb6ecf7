/**
 * The HTTP tables (one per framework) and their target checks: tokengate against the lookup-only
 * row with the 1,000 pool, paired cycle by cycle, and, when anchors ran, against every anchor.
 */
import { DISTURBED_CORES } from './cpu.js';
import { TARGETS, fixed, int, mark, type TargetCheck } from './format.js';
import { FRAMEWORKS, type Framework, type HttpFamilyResult, type HttpRow, type HttpVariant } from './types.js';

/** A row's speed relative to a baseline row: per-cycle ratios and their summary. */
export interface PairedRatio {
  /** Median of the per-cycle ratios (mean of the two middle ones for an even count). */
  readonly median: number;
  /** Lower and upper quartile of the per-cycle ratios. */
  readonly low: number;
  readonly high: number;
  /** Total requests ÷ total time, row against baseline (every segment weighted by its length). */
  readonly ofTotals: number;
  readonly cycles: number;
}

/**
 * Row ÷ baseline (bare, or the lookup-only row), cycle by cycle. The machine's speed drifts over
 * seconds (the same server can take 20 or 30 µs per request a few seconds apart on a shared VM),
 * so each segment is compared with the baseline's segment of the same cycle, and the median of
 * those ratios is reported: one slow stretch moves a ratio of totals but not the median of the pairs.
 */
export function pairedRatio(row: HttpRow, baseline: HttpRow | undefined): PairedRatio | undefined {
  if (row.reqPerSec === undefined || !baseline?.reqPerSec) return undefined;
  const ofTotals = row.reqPerSec / baseline.reqPerSec;
  const mine = row.segmentRates ?? [];
  const theirs = baseline.segmentRates ?? [];
  if (mine.length === 0 || mine.length !== theirs.length) return { median: ofTotals, low: ofTotals, high: ofTotals, ofTotals, cycles: 0 };
  const ratios = mine.map((rate, i) => rate / (theirs[i] as number)).sort((a, b) => a - b);
  const at = (q: number) => {
    const position = (ratios.length - 1) * q;
    return ((ratios[Math.floor(position)] as number) + (ratios[Math.ceil(position)] as number)) / 2;
  };
  return { median: at(0.5), low: at(0.25), high: at(0.75), ofTotals, cycles: ratios.length };
}

const failures = (row: HttpRow | undefined) => (row?.non2xx ?? 0) + (row?.errors ?? 0);
const times = (paired: PairedRatio) => `${paired.median.toFixed(2)}×`;
const spreadOf = (paired: PairedRatio) =>
  paired.cycles > 1 ? `per-cycle ratios ${paired.low.toFixed(2)}–${paired.high.toFixed(2)} (quartiles of ${paired.cycles}), ratio of totals ${paired.ofTotals.toFixed(2)}×` : `ratio of totals ${paired.ofTotals.toFixed(2)}×`;

function httpCells(row: HttpRow, bare: HttpRow | undefined): string[] {
  if (row.reqPerSec === undefined) return ['n/a', '', '', '', '', '', '', '', ''];
  const ratio = row === bare ? 1 : pairedRatio(row, bare)?.median;
  const codes = Object.entries(row.statusCodes ?? {})
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, count]) => `${code}×${count}`)
    .join(' ');
  const bad = failures(row);
  const us = row.serverUsPerRequest;
  const delta = us !== undefined && bare?.serverUsPerRequest !== undefined && row !== bare ? us - bare.serverUsPerRequest : undefined;
  return [
    int(row.reqPerSec),
    ratio === undefined ? '–' : `${ratio.toFixed(2)}×`,
    fixed(us, 1),
    delta === undefined ? '–' : `${delta >= 0 ? '+' : ''}${delta.toFixed(1)}`,
    fixed(row.p50, 0),
    fixed(row.p99, 0),
    bad === 0 ? '0' : `**${bad}** ${codes}${row.errors ? ` errors×${row.errors}` : ''}`.trim(),
    row.serverCpu === undefined ? '–' : `${Math.round(row.serverCpu)}%`,
    row.foreignCores === undefined ? '–' : `${row.foreignCores.toFixed(2)}${row.foreignCores > DISTURBED_CORES ? ' ⚠' : ''}`,
  ];
}

/** One framework's rows, and the checks its tokengate rows make. */
interface FrameworkRows {
  readonly framework: Framework;
  readonly rows: readonly HttpRow[];
  readonly checks: TargetCheck[];
}

const find = (part: FrameworkRows, variant: HttpVariant, mode: HttpRow['mode']) => part.rows.find((row) => row.variant === variant && row.mode === mode);

/** The target: ≥ TARGETS.httpVsLookup × the lookup-only row with the pool; with one token, a note. */
function lookupNotes(row: HttpRow, part: FrameworkRows): string[] {
  const lookup = find(part, 'lookup', row.mode);
  const paired = pairedRatio(row, lookup);
  const wanted = `≥ ${TARGETS.httpVsLookup}× the lookup-only row`;
  if (row.mode === 'same') return paired === undefined ? [] : [`${times(paired)} the lookup-only row`];
  const target = `tokengate ${wanted} (1,000 pool, median of per-cycle ratios)`;
  if (paired === undefined) {
    part.checks.push({ family: `http ${part.framework}`, target, value: 'no lookup-only row measured', met: false });
    return [`${wanted}: ${mark(false)} (no lookup-only row measured)`];
  }
  const met = paired.median >= TARGETS.httpVsLookup && failures(row) === 0 && failures(lookup) === 0;
  const quartiles = paired.cycles > 1 ? ` (quartiles ${paired.low.toFixed(2)}–${paired.high.toFixed(2)})` : '';
  part.checks.push({ family: `http ${part.framework}`, target, value: `${times(paired)} the lookup-only row${quartiles}`, met });
  return [`${wanted}: ${mark(met)} at ${times(paired)}, ${spreadOf(paired)}`];
}

/** Context: where the lookup-only row stands against bare, and tokengate against the no-op row. */
function diagnosticNotes(row: HttpRow, part: FrameworkRows): string[] {
  const lookupRow = find(part, 'lookup', row.mode);
  const lookup = lookupRow === undefined ? undefined : pairedRatio(lookupRow, find(part, 'bare', row.mode));
  const noop = pairedRatio(row, find(part, 'noop', row.mode));
  return [...(lookup === undefined ? [] : [`the lookup-only row: ${times(lookup)} bare`]), ...(noop === undefined ? [] : [`${times(noop)} the no-op row`])];
}

/** With anchors: tokengate must be ahead of every anchor of its framework in the same token mode. */
function anchorNotes(row: HttpRow, part: FrameworkRows): string[] {
  const anchors = part.rows.filter((other) => other.variant === 'anchor' && other.mode === row.mode);
  if (anchors.length === 0 || row.reqPerSec === undefined) return [];
  const rate = row.reqPerSec;
  const met = anchors.every((other) => other.reqPerSec === undefined || other.reqPerSec < rate) && failures(row) === 0;
  const best = anchors.reduce<HttpRow | undefined>((a, b) => ((b.reqPerSec ?? 0) > (a?.reqPerSec ?? 0) ? b : a), undefined);
  part.checks.push({
    family: `http ${part.framework}`,
    target: `tokengate ahead of every anchor (${row.mode === 'pool' ? '1,000 pool' : 'same token'})`,
    value: best?.reqPerSec ? `${int(rate)} vs best anchor ${int(best.reqPerSec)} (${best.name})` : int(rate),
    met,
  });
  return [`ahead of every anchor: ${mark(met)}`];
}

function tokengateNotes(row: HttpRow, part: FrameworkRows): string {
  const notes = [...lookupNotes(row, part), ...diagnosticNotes(row, part), ...anchorNotes(row, part)];
  if (row.cachedTokens !== undefined) notes.push(`cache held ${int(row.cachedTokens)} tokens`);
  return notes.join('; ');
}

function httpLine(row: HttpRow, part: FrameworkRows, poolSize: number): string {
  const name = row.variant === 'tokengate' ? `**${row.name}**` : row.name;
  const tokens = row.mode === 'pool' ? `${poolSize.toLocaleString('en-US')} pool` : 'same token';
  if (row.error) return `| ${name} | ${tokens} | n/a | | | | | | | | | ${row.error} |`;
  const target = row.variant === 'tokengate' && row.reqPerSec !== undefined ? tokengateNotes(row, part) : '';
  return `| ${name} | ${tokens} | ${httpCells(row, find(part, 'bare', row.mode)).join(' | ')} | ${target} |`;
}

const HEADER = [
  `| Server | Tokens | req/s | × bare | server CPU µs/req | Δ µs/req vs bare | p50 ms | p99 ms | non-2xx | server CPU | other load (cores) | Target |`,
  `| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |`,
];

/** The HTTP tables (one per framework that ran: BENCH_SERVERS, or a saved run from before a framework was added) and their target checks. */
export function httpTables(family: HttpFamilyResult): { markdown: string; checks: TargetCheck[] } {
  const checks: TargetCheck[] = [];
  const ran = FRAMEWORKS.filter((framework) => family.rows.some((row) => row.framework === framework));
  const sections = ran.map((framework) => {
    const part: FrameworkRows = { framework, rows: family.rows.filter((row) => row.framework === framework), checks };
    const lines = [...HEADER, ...part.rows.map((row) => httpLine(row, part, family.poolSize))];
    return `#### ${framework[0]?.toUpperCase()}${framework.slice(1)}\n\n${lines.join('\n')}`;
  });
  return { markdown: sections.join('\n\n'), checks };
}
