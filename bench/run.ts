/**
 * `pnpm bench [--quick] [--only=micro-rs256,micro-es256,micro-eddsa,http,memory] [--cpu-prof]`
 * `pnpm bench --render [--quick]`: no run; renders bench/RESULTS.md again from
 * bench/results-<mode>.json with the current report code (after a change to the tables).
 *
 * Runs each family in its own Node.js process (so JIT state and heap do not leak between them),
 * one after the other, then prints the tables and writes bench/RESULTS.md (complete, unprofiled
 * runs only) and bench/results-<mode>.json.
 */
import { execFileSync, fork } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { checksTable, httpTables, memoryTable, microTable, type TargetCheck } from './lib/report.js';
import { busyFraction, busySeconds, snapshot, waitForQuiet } from './lib/cpu.js';
import type { FamilyResult, HttpFamilyResult, MemoryFamilyResult, MicroFamilyResult, Mode } from './lib/types.js';

interface Family {
  readonly id: string;
  readonly title: string;
  readonly file: string;
  readonly args: readonly string[];
  readonly nodeFlags?: readonly string[];
}

const FAMILIES: readonly Family[] = [
  { id: 'micro-rs256', title: 'Micro: RS256', file: 'micro.ts', args: ['RS256'], nodeFlags: ['--expose-gc'] },
  { id: 'micro-es256', title: 'Micro: ES256', file: 'micro.ts', args: ['ES256'], nodeFlags: ['--expose-gc'] },
  { id: 'micro-eddsa', title: 'Micro: EdDSA (Ed25519)', file: 'micro.ts', args: ['EdDSA'], nodeFlags: ['--expose-gc'] },
  { id: 'http', title: 'HTTP', file: 'http.ts', args: [] },
  { id: 'memory', title: 'Memory', file: 'memory.ts', args: [], nodeFlags: ['--expose-gc'] },
  { id: 'memory-reused', title: 'Memory: every token used twice (the cache churns at its bound)', file: 'memory.ts', args: ['--uses=2'], nodeFlags: ['--expose-gc'] },
];

const argv = process.argv.slice(2);
const mode: Mode = argv.includes('--quick') ? 'quick' : 'full';
const onlyArg = argv.find((arg) => arg.startsWith('--only='));
const only = onlyArg?.slice('--only='.length).split(',');
const profile = argv.includes('--cpu-prof');
const render = argv.includes('--render');
const here = fileURLToPath(new URL('.', import.meta.url));
const profileDir = `${here}.profiles`;
const selected = FAMILIES.filter((family) => !only || only.includes(family.id));
if (selected.length === 0) throw new Error(`--only matched nothing; families: ${FAMILIES.map((f) => f.id).join(', ')}`);

function runFamily(family: Family): Promise<FamilyResult> {
  const flags = ['--import', 'tsx', ...(family.nodeFlags ?? [])];
  if (profile) flags.push('--cpu-prof', `--cpu-prof-dir=${profileDir}/${family.id}`);
  const env = profile ? { ...process.env, BENCH_PROFILE_DIR: `${profileDir}/${family.id}-servers` } : process.env;
  const child = fork(`${here}${family.file}`, [...family.args, ...(mode === 'quick' ? ['--quick'] : [])], { execArgv: flags, stdio: 'inherit', env });
  const limitMs = (mode === 'quick' ? 3 : 15) * 60_000;
  return new Promise((resolve, reject) => {
    let result: FamilyResult | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${family.id} took longer than ${limitMs / 60_000} min`));
    }, limitMs);
    child.on('message', (message: { type: string; result?: FamilyResult }) => {
      if (message.type === 'result') result = message.result;
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (result) resolve(result);
      else reject(new Error(`${family.id} exited with code ${code} without a result`));
    });
  });
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: `${here}..`, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

function largestProfile(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
  return files.map((name) => `${dir}/${name}`).sort((a, b) => statSync(b).size - statSync(a).size)[0];
}

if (profile) rmSync(profileDir, { recursive: true, force: true });
if (profile) mkdirSync(profileDir, { recursive: true });
interface FamilyRun {
  readonly family: Family;
  readonly result?: FamilyResult;
  readonly error?: string;
  readonly seconds: number;
  /** Machine busy fraction just before the family started (other processes). */
  readonly busyBefore: number;
  /** Average cores used by other processes while the family ran. */
  readonly foreignCores?: number;
}
/** What bench/results-<mode>.json holds. */
interface SavedRun {
  readonly mode: Mode;
  readonly date: string;
  readonly node: string;
  readonly commit: string;
  readonly coreDirty: boolean;
  readonly totalSeconds: number;
  readonly results: readonly FamilyRun[];
}
const saved = render ? (JSON.parse(readFileSync(`${here}results-${mode}.json`, 'utf8')) as SavedRun) : undefined;
if (saved !== undefined && saved.node !== process.version) throw new Error(`results-${mode}.json was measured on Node.js ${saved.node}; render it with that version`);
const started = saved ? Date.parse(saved.date) : Date.now();
const results: FamilyRun[] = saved ? [...saved.results] : [];
for (const family of saved ? [] : selected) {
  const busyBefore = mode === 'quick' ? await busyFraction(200) : await waitForQuiet(10_000, 0.15, (message) => process.stderr.write(`${message}\n`));
  process.stderr.write(`\n▶ ${family.title} (${mode}); machine ${(busyBefore * 100).toFixed(0)}% busy before start, load average ${(loadavg()[0] ?? 0).toFixed(2)}\n`);
  const familyStart = Date.now();
  const cpuBefore = snapshot();
  try {
    const result = await runFamily(family);
    const seconds = (Date.now() - familyStart) / 1000;
    const foreignCores = Math.max(0, busySeconds(cpuBefore, snapshot()) - result.cpuSeconds) / seconds;
    results.push({ family, result, seconds, busyBefore, foreignCores });
  } catch (error) {
    results.push({ family, error: error instanceof Error ? error.message : String(error), seconds: (Date.now() - familyStart) / 1000, busyBefore });
  }
  if (profile) {
    const dirs = [`${profileDir}/${family.id}`];
    const serverDirs = `${profileDir}/${family.id}-servers`;
    if (existsSync(serverDirs)) for (const name of readdirSync(serverDirs)) dirs.push(`${serverDirs}/${name}`);
    for (const dir of dirs) {
      const file = largestProfile(dir);
      if (!file) continue;
      process.stderr.write(`  profile: ${file}\n`);
      execFileSync(process.execPath, ['--import', 'tsx', `${here}profile-summary.ts`, file, '20'], { stdio: 'inherit' });
    }
  }
}
const totalSeconds = saved ? saved.totalSeconds : (Date.now() - started) / 1000;

// ---- report -------------------------------------------------------------------------------------

const cpu = cpus();
const commit = saved ? saved.commit : git(['rev-parse', '--short', 'HEAD']) || 'unknown';
const coreDirty = saved ? saved.coreDirty : git(['status', '--porcelain', '--', 'packages']) !== '';
const sections: string[] = [];
const checks: TargetCheck[] = [];
for (const { family, result, error, seconds, busyBefore, foreignCores } of results) {
  const heading = `### ${family.title}`;
  const foreign = foreignCores === undefined ? '' : `; other processes used ${foreignCores.toFixed(2)} of ${cpus().length} cores on average during the run${foreignCores > 0.25 ? ' (**disturbed: numbers are pessimistic**)' : ''}`;
  const meta = `_${seconds.toFixed(0)} s; machine ${(busyBefore * 100).toFixed(0)}% busy before start${foreign}_`;
  if (!result) {
    sections.push(`${heading}\n\n**Failed:** ${error}`);
    continue;
  }
  if (result.family === 'micro') {
    const micro = result as MicroFamilyResult;
    const { markdown, checks: found } = microTable(micro);
    checks.push(...found);
    const t = micro.timing;
    sections.push(
      `${heading}\n\n${meta}. Tokens ${micro.tokenLength} characters, ${micro.claimCount} claims; warm-up ${t.warmMs} ms per row, then ${t.rounds} rounds of ${t.roundMs} ms, rounds of all rows interleaved; ops/s = median round; ${micro.discardedRounds} round(s) discarded and re-run because other processes were busy; other load during the kept rounds ${micro.foreignCores.map((v) => v.toFixed(2)).join(', ')} cores. Distinct-pool row: the cache held ${micro.cacheEntriesAfterDistinct ?? '?'} entries at the end.\n\n${markdown}`,
    );
  } else if (result.family === 'http') {
    const http = result as HttpFamilyResult;
    const { markdown, checks: found } = httpTables(http);
    checks.push(...found);
    sections.push(
      `${heading}\n\n${meta}. ${http.algorithm} tokens of ${http.tokenLength} characters; autocannon ${http.connections} connections, ${http.warmSec} s warm-up (1,000 pool) per server, then ${http.durationSec} s per row, in ${http.segments} segments of ${(http.durationSec / http.segments).toFixed(1)} s run round-robin over the framework's rows; ${http.pinned ? 'autocannon pinned to core 0, server process to core 1' : 'no CPU pinning (taskset unavailable)'}. Ratio (× bare) = median over cycles of the row's segment req/s ÷ the bare server's segment of the same cycle (same framework, same tokens, same request bytes; bare servers run in both modes; each mode's tokengate segment runs right after its bare segment); the Target column adds the quartiles of those per-cycle ratios and the ratio of totals (all requests ÷ all time). Pool: each connection cycles the 1,000 tokens from its own offset, so every segment covers the whole pool. Server CPU µs/req = the server process's CPU time ÷ requests served (what each request costs the server, whether or not the load generator was the limit); Δ = minus the bare server's. Latency: median over segments of autocannon's per-segment p50 / p99 (1 ms resolution).\n\n${markdown}`,
    );
  } else {
    const memory = result as MemoryFamilyResult;
    const { markdown, checks: found } = memoryTable(memory);
    checks.push(...found);
    sections.push(
      `${heading}\n\n${meta}. ${memory.tokens.toLocaleString('en-US')} distinct ${memory.algorithm} tokens of ${memory.tokenLength} characters through one verifier with default caches, ${memory.uses === 1 ? 'each presented once' : `each presented ${memory.uses} times in a row, so every token is admitted to the cache`}; RSS sampled every 1,000 tokens (${memory.rssSamples} samples).\n\n${markdown}`,
    );
  }
}

const header = [
  `# tokengate benchmark results`,
  '',
  `| | |`,
  `| --- | --- |`,
  `| Date | ${new Date(started).toISOString()} |`,
  `| Mode | **${mode}**${only ? ` (only ${only.join(', ')})` : ''}${profile ? ' (profiled: numbers perturbed)' : ''} |`,
  `| Node.js | ${process.version} (V8 ${process.versions.v8}, OpenSSL ${process.versions.openssl}) |`,
  `| CPU | ${cpu[0]?.model ?? 'unknown'} × ${cpu.length} |`,
  `| Commit | ${commit}${coreDirty ? ' + uncommitted changes under packages/' : ''} |`,
  `| Total time | ${totalSeconds.toFixed(0)} s |`,
  ...(saved ? [`| Tables | rendered again from bench/results-${mode}.json by the report code of ${git(['rev-parse', '--short', 'HEAD']) || 'unknown'} |`] : []),
].join('\n');

const markdown = [
  header,
  '## Targets',
  checksTable(checks),
  '## Results',
  ...sections,
  '---',
  'See bench/README.md for what each row measures and the caveats.',
  '',
].join('\n\n');

console.log(`\n${markdown}`);
if (!saved) {
  const run: SavedRun = { mode, date: new Date(started).toISOString(), node: process.version, commit, coreDirty, totalSeconds, results };
  writeFileSync(`${here}results-${mode}.json`, `${JSON.stringify(run, null, 2)}\n`);
}
if (!only && !profile && results.every((entry) => entry.result)) {
  writeFileSync(`${here}RESULTS.md`, markdown);
  process.stderr.write(saved ? `\nRendered bench/RESULTS.md (${mode}) from results-${mode}.json\n` : `\nWrote bench/RESULTS.md (${mode}) in ${totalSeconds.toFixed(0)} s\n`);
} else {
  process.stderr.write(`\nPartial, failed or profiled run: bench/RESULTS.md left as it was (${totalSeconds.toFixed(0)} s)\n`);
}
