/**
 * bench/RESULTS.md: the run's header, the targets table and one section per family, from what
 * bench/results-<mode>.json holds (so a saved run can be rendered again with newer tables code).
 */
import { cpus } from 'node:os';
import { checksTable, memoryTable, microTable, type TargetCheck } from './report.js';
import { httpTables } from './report-http.js';
import type { DpopObserved, FamilyResult, HttpFamilyResult, MemoryFamilyResult, MicroFamilyResult, Mode } from './types.js';

export interface FamilyRun {
  readonly family: { readonly id: string; readonly title: string };
  readonly result?: FamilyResult;
  readonly error?: string;
  readonly seconds: number;
  /** Machine busy fraction just before the family started (other processes). */
  readonly busyBefore: number;
  /** Average cores used by other processes while the family ran. */
  readonly foreignCores?: number;
}

/** What bench/results-<mode>.json holds. */
export interface SavedRun {
  readonly mode: Mode;
  /** Whether the anchors ran (absent in files from before anchors were opt-in, which always ran them). */
  readonly anchors?: boolean;
  readonly date: string;
  readonly node: string;
  readonly commit: string;
  readonly coreDirty: boolean;
  readonly totalSeconds: number;
  readonly results: readonly FamilyRun[];
}

/** The DPoP family's description: the token, the proofs and how they were made. */
function dpopSummary(micro: MicroFamilyResult, dpop: DpopObserved): string {
  const t = micro.timing;
  const cached = dpop.cachedTokens === undefined ? '' : ` (the tokengate row's cache held ${dpop.cachedTokens} token at the end)`;
  return `One ${micro.algorithm} access token of ${dpop.tokenLength} characters, bound to the client's key by \`cnf.jkt\`, sent as \`Authorization: DPoP\` and answered by the verified-token cache after its first uses${cached}; a new ${dpop.proofAlgorithm} proof of ${dpop.proofLength} characters with every call (htm GET, htu ${dpop.htu}, ath), ${dpop.proofsSigned.toLocaleString('en-US')} signed outside the timing, in batches of up to ${dpop.largestBatch.toLocaleString('en-US')} before each stretch of calls. Warm-up ${t.warmMs} ms per row, then ${t.rounds} rounds of ${t.roundMs} ms, rounds of both rows interleaved; ops/s = median round; ${micro.discardedRounds} round(s) discarded and re-run because other processes were busy; other load during the kept rounds ${micro.foreignCores.map((v) => v.toFixed(2)).join(', ')} cores.`;
}

function microSection(micro: MicroFamilyResult, meta: string, checks: TargetCheck[]): string {
  const { markdown, checks: found } = microTable(micro);
  checks.push(...found);
  if (micro.dpop) return `${meta}. ${dpopSummary(micro, micro.dpop)}\n\n${markdown}`;
  const t = micro.timing;
  return `${meta}. Tokens ${micro.tokenLength} characters, ${micro.claimCount} claims; warm-up ${t.warmMs} ms per row, then ${t.rounds} rounds of ${t.roundMs} ms, rounds of all rows interleaved; ops/s = median round; ${micro.discardedRounds} round(s) discarded and re-run because other processes were busy; other load during the kept rounds ${micro.foreignCores.map((v) => v.toFixed(2)).join(', ')} cores. Distinct-pool row: the cache held ${micro.cacheEntriesAfterDistinct ?? '?'} entries at the end.\n\n${markdown}`;
}

function httpSection(http: HttpFamilyResult, meta: string, checks: TargetCheck[]): string {
  const { markdown, checks: found } = httpTables(http);
  checks.push(...found);
  const pinning = http.pinned ? 'autocannon pinned to core 0, server process to core 1' : 'no CPU pinning (taskset unavailable)';
  return [
    `${meta}. ${http.algorithm} tokens of ${http.tokenLength} characters; autocannon ${http.connections} connections, ${http.warmSec} s warm-up (1,000 pool) per server, then ${http.durationSec} s per row, in ${http.segments} segments of ${(http.durationSec / http.segments).toFixed(1)} s run round-robin over the framework's rows; ${pinning}.`,
    `Ratio (× bare) = median over cycles of the row's segment req/s ÷ the bare server's segment of the same cycle (same framework, same tokens, same request bytes; every row runs in both token modes, except the anchors' same-token rows in quick runs). Within each cycle and token mode, the lookup-only row's segment runs right after bare's and tokengate's right after the lookup-only row's: the target is the median over cycles of tokengate's segment req/s ÷ the lookup-only row's segment of the same cycle; the Target column adds the quartiles of those per-cycle ratios and the ratio of totals (all requests ÷ all time).`,
    `Pool: each connection cycles the 1,000 tokens from its own offset, so every segment covers the whole pool. Server CPU µs/req = the server process's CPU time ÷ requests served (what each request costs the server, whether or not the load generator was the limit); Δ = minus the bare server's. Latency: median over segments of autocannon's per-segment p50 / p99 (1 ms resolution).`,
    markdown,
  ].join('\n\n');
}

function memorySection(memory: MemoryFamilyResult, meta: string, checks: TargetCheck[]): string {
  const { markdown, checks: found } = memoryTable(memory);
  checks.push(...found);
  const presented = memory.uses === 1 ? 'each presented once' : `each presented ${memory.uses} times in a row, so every token is admitted to the cache`;
  return `${meta}. ${memory.tokens.toLocaleString('en-US')} distinct ${memory.algorithm} tokens of ${memory.tokenLength} characters through one verifier with default caches, ${presented}; RSS sampled every 1,000 tokens (${memory.rssSamples} samples).\n\n${markdown}`;
}

/** A family's section; its target checks go into `checks`. */
export function familySection(run: FamilyRun, checks: TargetCheck[]): string {
  const { result, error, seconds, busyBefore, foreignCores } = run;
  const heading = `### ${run.family.title}`;
  if (!result) return `${heading}\n\n**Failed:** ${error}`;
  const disturbed = foreignCores !== undefined && foreignCores > 0.25 ? ' (**disturbed: numbers are pessimistic**)' : '';
  const foreign = foreignCores === undefined ? '' : `; other processes used ${foreignCores.toFixed(2)} of ${cpus().length} cores on average during the run${disturbed}`;
  const meta = `_${seconds.toFixed(0)} s; machine ${(busyBefore * 100).toFixed(0)}% busy before start${foreign}_`;
  if (result.family === 'micro') return `${heading}\n\n${microSection(result as MicroFamilyResult, meta, checks)}`;
  if (result.family === 'http') return `${heading}\n\n${httpSection(result as HttpFamilyResult, meta, checks)}`;
  return `${heading}\n\n${memorySection(result as MemoryFamilyResult, meta, checks)}`;
}

/** How the run was made, for the header. */
export interface RunNotes {
  readonly only?: readonly string[] | undefined;
  readonly profiled: boolean;
  /** Set when the tables are rendered again from a saved run: the commit of the report code. */
  readonly renderedBy?: string | undefined;
}

function header(run: SavedRun, notes: RunNotes): string {
  const cpu = cpus();
  const anchors = (run.anchors ?? true) ? ', with the anchors' : ', without the anchors (`--anchors` adds them)';
  return [
    `# tokengate benchmark results`,
    '',
    `| | |`,
    `| --- | --- |`,
    `| Date | ${run.date} |`,
    `| Mode | **${run.mode}**${anchors}${notes.only ? ` (only ${notes.only.join(', ')})` : ''}${notes.profiled ? ' (profiled: numbers perturbed)' : ''} |`,
    `| Node.js | ${process.version} (V8 ${process.versions.v8}, OpenSSL ${process.versions.openssl}) |`,
    `| CPU | ${cpu[0]?.model ?? 'unknown'} × ${cpu.length} |`,
    `| Commit | ${run.commit}${run.coreDirty ? ' + uncommitted changes under packages/' : ''} |`,
    `| Total time | ${run.totalSeconds.toFixed(0)} s |`,
    ...(notes.renderedBy === undefined ? [] : [`| Tables | rendered again from bench/results-${run.mode}.json by the report code of ${notes.renderedBy} |`]),
  ].join('\n');
}

export function resultsMarkdown(run: SavedRun, notes: RunNotes): string {
  const checks: TargetCheck[] = [];
  const sections = run.results.map((familyRun) => familySection(familyRun, checks));
  return [header(run, notes), '## Targets', checksTable(checks), '## Results', ...sections, '---', 'See bench/README.md for what each row measures and the caveats.', ''].join('\n\n');
}
