// Runs the test suite with vitest's JSON reporter and prints the closing line
// `tests: N passed, N failed`. Two runs: everything in parallel, then the load tests alone
// (they measure event-loop stalls, which other test files running at the same time would skew).
// Exit code: non-zero when any test failed, any file failed to load, or no test ran.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function run(suite, extraArgs) {
  const report = `${root}.vitest-report-${suite}.json`;
  rmSync(report, { force: true });
  const vitest = spawnSync(
    process.execPath,
    [`${root}node_modules/vitest/vitest.mjs`, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extraArgs],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, TOKENGATE_SUITE: suite } },
  );
  let passed = 0;
  let failed = 0;
  try {
    const result = JSON.parse(readFileSync(report, 'utf8'));
    passed = result.numPassedTests ?? 0;
    failed = result.numFailedTests ?? 0;
    // A test file that cannot load has no failed test in it, but it is a failure all the same.
    failed += (result.testResults ?? []).filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length;
  } catch (error) {
    console.error(`could not read the vitest JSON report of the ${suite} suite: ${error instanceof Error ? error.message : String(error)}`);
    failed += 1;
  }
  // vitest also fails a run for unhandled errors or rejections that belong to no test.
  if (vitest.status !== 0 && failed === 0) failed = 1;
  return { passed, failed };
}

const args = process.argv.slice(2);
const main = run('main', args);
const load = args.length === 0 ? run('load', []) : { passed: 0, failed: 0 };
const passed = main.passed + load.passed;
const failed = main.failed + load.failed;
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
