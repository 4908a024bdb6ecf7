/**
 * Markdown tables and target checks of the micro and memory families, and the targets table. The
 * HTTP tables are in report-http.ts.
 */
import { TARGETS, fixed, int, mark, mb, type TargetCheck } from './format.js';
import type { MemoryFamilyResult, MicroFamilyResult, MicroRow } from './types.js';

export type { TargetCheck } from './format.js';

function spread(row: MicroRow): string {
  const rounds = row.result?.roundOps ?? [];
  if (rounds.length < 2 || !row.result) return '–';
  return `±${(((Math.max(...rounds) - Math.min(...rounds)) / 2 / row.result.opsPerSec) * 100).toFixed(0)}%`;
}

/** The micro table of one algorithm, and its target checks. */
export function microTable(family: MicroFamilyResult): { markdown: string; checks: TargetCheck[] } {
  const floor = family.rows.find((row) => row.floor)?.result?.opsPerSec;
  const decodeOps = family.rows.find((row) => row.id === 'floor-decode')?.result?.opsPerSec;
  const importOps = family.rows.find((row) => row.id === 'dpop-floor-import')?.result?.opsPerSec;
  const label = family.dpop ? 'micro dpop' : `micro ${family.algorithm}`;
  const checks: TargetCheck[] = [];
  const lines = [
    `| Verifier | Tokens | ops/s | p50 µs | p99 µs | × floor | rounds | Target |`,
    `| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |`,
  ];
  for (const row of family.rows) {
    const name = row.tokengate ? `**${row.name}**` : row.name;
    if (!row.result) {
      lines.push(`| ${name} | ${row.tokens} | n/a | | | | | ${row.error ?? ''} |`);
      continue;
    }
    const { opsPerSec, p50, p99, fastFraction } = row.result;
    const ratio = floor ? opsPerSec / floor : undefined;
    let target = '';
    if (row.target === 'unique-vs-floor' && ratio !== undefined) {
      const met = ratio >= TARGETS.uniqueVsFloor;
      target = `≥ ${TARGETS.uniqueVsFloor}× floor: ${mark(met)}`;
      checks.push({ family: label, target: `core unique (cache off) ≥ ${TARGETS.uniqueVsFloor}× floor`, value: `${ratio.toFixed(2)}×`, met });
    } else if (row.target === 'same-token-rate') {
      const met = opsPerSec >= TARGETS.sameTokenRate;
      target = `≥ ${int(TARGETS.sameTokenRate)}/s: ${mark(met)}`;
      checks.push({ family: label, target: `core same token ≥ ${int(TARGETS.sameTokenRate)} ops/s`, value: `${int(opsPerSec)} ops/s`, met });
    } else if (row.target === 'dpop-vs-floor' && ratio !== undefined) {
      const met = ratio >= TARGETS.dpopVsFloor;
      // Beside the target: the ratio to the floor that imports the key of every proof.
      const kept = importOps ? `${(opsPerSec / importOps).toFixed(2)}× the floor that imports every key` : undefined;
      target = `≥ ${TARGETS.dpopVsFloor}× floor: ${mark(met)}${kept ? `; ${kept}` : ''}`;
      checks.push({ family: label, target: `DPoP: cached token + a new proof ≥ ${TARGETS.dpopVsFloor}× floor (proof signature + cache lookup)`, value: `${ratio.toFixed(2)}×${kept ? ` (${kept})` : ''}`, met });
    } else if (row.id === 'tokengate-unique-nosig' && decodeOps) {
      const us = 1e6 / opsPerSec;
      const floorUs = 1e6 / decodeOps;
      target = `${us.toFixed(1)} µs/call vs ${floorUs.toFixed(1)} µs for the floor's decoding: +${(us - floorUs).toFixed(1)} µs of non-signature work`;
    } else if (fastFraction !== undefined) {
      target = `cache hits among sampled calls: ${(fastFraction * 100).toFixed(1)}%`;
    }
    lines.push(`| ${name} | ${row.tokens} | ${int(opsPerSec)} | ${fixed(p50, 2)} | ${fixed(p99, 2)} | ${ratio === undefined ? '–' : `${ratio.toFixed(2)}×`} | ${spread(row)} | ${target} |`);
  }
  return { markdown: lines.join('\n'), checks };
}

/** The memory table and its target checks. */
export function memoryTable(family: MemoryFamilyResult): { markdown: string; checks: TargetCheck[] } {
  const growth = family.peakRss - family.baselineRss;
  // The target is stated for distinct tokens; the reused run reports its peak and checks the bound.
  const targeted = family.uses === 1;
  const met = growth / 1048576 < TARGETS.memoryGrowthMb && family.withinBound && family.failures === 0;
  const heapGrowth = family.finalHeapAfterGc - family.baselineHeap;
  // Per entry only when the cache holds enough entries for the heap growth to be theirs.
  const perEntry = family.stats.cachedTokens >= 1000 ? heapGrowth / family.stats.cachedTokens : undefined;
  const lines = [
    `| Tokens | tokens/s | baseline RSS | peak RSS growth | final RSS growth | heap growth after GC | cached tokens | cached bytes (estimate) | real heap per entry | bound kept | failures | Target |`,
    `| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |`,
    `| ${int(family.tokens)} | ${int(family.tokens / family.seconds)} | ${mb(family.baselineRss)} MB | ${mb(growth)} MB | ${mb(family.finalRss - family.baselineRss)} MB | ${mb(heapGrowth)} MB | ${int(family.stats.cachedTokens)} / ${int(family.maxEntries)} | ${int(family.stats.cachedBytes)} / ${int(family.maxBytes)} | ${perEntry === undefined ? '–' : `${int(perEntry)} B`} | ${family.withinBound ? 'yes' : '**no**'} | ${family.failures} | ${targeted ? `< ${TARGETS.memoryGrowthMb} MB: ${mark(met)}` : 'bound kept, no failures: ' + mark(family.withinBound && family.failures === 0)} |`,
  ];
  const name = targeted ? 'memory' : 'memory, every token used twice';
  const checks: TargetCheck[] = [
    ...(targeted ? [{ family: name, target: `peak RSS growth < ${TARGETS.memoryGrowthMb} MB over ${int(family.tokens)} distinct tokens`, value: `${mb(growth)} MB`, met }] : []),
    { family: name, target: 'cache stayed within maxEntries and maxBytes', value: `${int(family.stats.cachedTokens)} entries, ${int(family.stats.cachedBytes)} B`, met: family.withinBound },
  ];
  return { markdown: lines.join('\n'), checks };
}

export function checksTable(checks: readonly TargetCheck[]): string {
  const lines = ['| Family | Target | Measured | Result |', '| --- | --- | --- | --- |'];
  for (const check of checks) lines.push(`| ${check.family} | ${check.target} | ${check.value} | ${mark(check.met)} |`);
  return lines.join('\n');
}
