// Runs vitest with its JSON reporter and prints the closing line `tests: N passed, N failed`.
// Exit code: non-zero when any test failed, any file failed to load, or no test ran.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const report = `${root}.vitest-report.json`;
rmSync(report, { force: true });

const vitest = spawnSync(
  process.execPath,
  [`${root}node_modules/vitest/vitest.mjs`, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
);

let passed = 0;
let failed = 0;
let loadFailures = 0;
try {
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed = result.numPassedTests ?? 0;
  failed = result.numFailedTests ?? 0;
  // A test file that cannot load has no failed test in it, but it is a failure all the same.
  loadFailures = (result.testResults ?? []).filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length;
} catch (error) {
  console.error(`could not read the vitest JSON report: ${error instanceof Error ? error.message : String(error)}`);
  loadFailures = 1;
}
failed += loadFailures;
// vitest also fails a run for unhandled errors or rejections that belong to no test.
if (vitest.status !== 0 && failed === 0) failed = 1;
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
