/**
 * `pnpm bench [--quick] [--anchors] [--only=micro-rs256,micro-es256,micro-eddsa,micro-dpop,http,memory,memory-reused] [--cpu-prof]`
 * `pnpm bench --render [--quick]`: no run; renders bench/RESULTS.md again from
 * bench/results-<mode>.json with the current report code (after a change to the tables).
 *
 * Runs each family in its own Node.js process (so JIT state and heap do not leak between them),
 * one after the other, then prints the tables and writes bench/RESULTS.md (complete, unprofiled
 * runs only) and bench/results-<mode>.json. `--anchors` adds the competitor anchors
 * (bench/anchors) to the micro and HTTP families; without it they are never loaded.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { busyFraction, busySeconds, snapshot, waitForQuiet } from './lib/cpu.js';
import { FAMILIES, type Family } from './lib/families.js';
import { runFamilyProcess, summariseProfiles } from './lib/family-process.js';
import { resultsMarkdown, type FamilyRun, type SavedRun } from './lib/results-doc.js';
import type { FamilyOptions, Mode } from './lib/types.js';

const argv = process.argv.slice(2);
const mode: Mode = argv.includes('--quick') ? 'quick' : 'full';
const onlyArg = argv.find((arg) => arg.startsWith('--only='));
const only = onlyArg?.slice('--only='.length).split(',');
const profile = argv.includes('--cpu-prof');
const render = argv.includes('--render');
const options: FamilyOptions = { mode, anchors: argv.includes('--anchors') };
const here = fileURLToPath(new URL('.', import.meta.url));
const profileDir = profile ? `${here}.profiles` : undefined;
const selected = FAMILIES.filter((family) => !only || only.includes(family.id));
if (selected.length === 0) throw new Error(`--only matched nothing; families: ${FAMILIES.map((f) => f.id).join(', ')}`);

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: `${here}..`, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

/** One family: wait for a quiet machine (full runs), run its process, and account for other processes' CPU use. */
async function measureFamily(family: Family): Promise<FamilyRun> {
  const busyBefore = mode === 'quick' ? await busyFraction(200) : await waitForQuiet(10_000, 0.15, (message) => process.stderr.write(`${message}\n`));
  process.stderr.write(`\n▶ ${family.title} (${mode}${options.anchors ? ', with anchors' : ''}); machine ${(busyBefore * 100).toFixed(0)}% busy before start, load average ${(loadavg()[0] ?? 0).toFixed(2)}\n`);
  const started = Date.now();
  const cpuBefore = snapshot();
  const summary = { id: family.id, title: family.title };
  try {
    const result = await runFamilyProcess(family, options, profileDir);
    const seconds = (Date.now() - started) / 1000;
    const foreignCores = Math.max(0, busySeconds(cpuBefore, snapshot()) - result.cpuSeconds) / seconds;
    return { family: summary, result, seconds, busyBefore, foreignCores };
  } catch (error) {
    return { family: summary, error: error instanceof Error ? error.message : String(error), seconds: (Date.now() - started) / 1000, busyBefore };
  } finally {
    if (profileDir) summariseProfiles(profileDir, family.id);
  }
}

async function measureAll(): Promise<SavedRun> {
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const started = Date.now();
  const results: FamilyRun[] = [];
  for (const family of selected) results.push(await measureFamily(family));
  const commit = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
  const coreDirty = git(['status', '--porcelain', '--', 'packages']) !== '';
  const date = new Date(started).toISOString();
  return { mode, anchors: options.anchors, date, node: process.version, commit, coreDirty, totalSeconds: (Date.now() - started) / 1000, results };
}

function loadSaved(): SavedRun {
  const saved = JSON.parse(readFileSync(`${here}results-${mode}.json`, 'utf8')) as SavedRun;
  if (saved.node !== process.version) throw new Error(`results-${mode}.json was measured on Node.js ${saved.node}; render it with that version`);
  return saved;
}

const run = render ? loadSaved() : await measureAll();
const markdown = resultsMarkdown(run, { only, profiled: profile, renderedBy: render ? git(['rev-parse', '--short', 'HEAD']) || 'unknown' : undefined });
console.log(`\n${markdown}`);
if (!render) writeFileSync(`${here}results-${mode}.json`, `${JSON.stringify(run, null, 2)}\n`);
if (!only && !profile && run.results.every((entry) => entry.result)) {
  writeFileSync(`${here}RESULTS.md`, markdown);
  process.stderr.write(render ? `\nRendered bench/RESULTS.md (${mode}) from results-${mode}.json\n` : `\nWrote bench/RESULTS.md (${mode}) in ${run.totalSeconds.toFixed(0)} s\n`);
} else {
  process.stderr.write(`\nPartial, failed or profiled run: bench/RESULTS.md left as it was (${run.totalSeconds.toFixed(0)} s)\n`);
}
