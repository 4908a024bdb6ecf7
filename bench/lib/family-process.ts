/**
 * Running one family in its own Node.js process (bench/family.ts), so JIT state, heap and caches
 * never carry over from one family to the next, and summarising its CPU profiles.
 */
import { execFileSync, fork } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Family } from './families.js';
import type { FamilyOptions, FamilyResult } from './types.js';

const benchDir = fileURLToPath(new URL('..', import.meta.url));

/** Run a family's process and wait for its result (over IPC); `profileDir` profiles it (`--cpu-prof`). */
export function runFamilyProcess(family: Family, options: FamilyOptions, profileDir: string | undefined): Promise<FamilyResult> {
  const flags = ['--import', 'tsx', ...family.nodeFlags];
  if (profileDir) flags.push('--cpu-prof', `--cpu-prof-dir=${profileDir}/${family.id}`);
  const env = profileDir ? { ...process.env, BENCH_PROFILE_DIR: `${profileDir}/${family.id}-servers` } : process.env;
  const args = [family.id, ...(options.mode === 'quick' ? ['--quick'] : []), ...(options.anchors ? ['--anchors'] : [])];
  const child = fork(`${benchDir}family.ts`, args, { execArgv: flags, stdio: 'inherit', env });
  const limitMs = (options.mode === 'quick' ? 3 : 15) * 60_000;
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

function largestProfile(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
  return files.map((name) => `${dir}/${name}`).sort((a, b) => statSync(b).size - statSync(a).size)[0];
}

/** Print the top self-time functions of the family's profile and of each of its servers'. */
export function summariseProfiles(profileDir: string, familyId: string): void {
  const dirs = [`${profileDir}/${familyId}`];
  const serverDirs = `${profileDir}/${familyId}-servers`;
  if (existsSync(serverDirs)) for (const name of readdirSync(serverDirs)) dirs.push(`${serverDirs}/${name}`);
  for (const dir of dirs) {
    const file = largestProfile(dir);
    if (!file) continue;
    process.stderr.write(`  profile: ${file}\n`);
    execFileSync(process.execPath, ['--import', 'tsx', `${benchDir}profile-summary.ts`, file, '20'], { stdio: 'inherit' });
  }
}
