/**
 * Summarise a V8 `.cpuprofile` (from `node --cpu-prof`): the top functions by self time, with
 * their file and line, and the share of time in garbage collection.
 *
 *   node --import tsx bench/profile-summary.ts <file.cpuprofile> [top=25]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const args = process.argv.slice(2);
const file = args.find((arg) => !/^\d+$/.test(arg));
if (!file) throw new Error('Usage: profile-summary.ts <file.cpuprofile> [top]');
const top = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const selfTime = new Map<number, number>();
let total = 0;
profile.samples.forEach((nodeId, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  selfTime.set(nodeId, (selfTime.get(nodeId) ?? 0) + delta);
  total += delta;
});

// Aggregate by function (name + location), not by call-tree node.
const byFunction = new Map<string, number>();
for (const node of profile.nodes) {
  const time = selfTime.get(node.id) ?? 0;
  if (time === 0) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url === '' ? '' : ` ${url.replace(/^file:\/\/.*?\/(node_modules|packages|bench)\//, '$1/')}:${lineNumber + 1}`;
  const key = `${functionName || '(anonymous)'}${where}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + time);
}

const rows = [...byFunction.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
console.log(`total sampled: ${(total / 1000).toFixed(0)} ms`);
console.log('| self % | self ms | function |');
console.log('| ---: | ---: | --- |');
for (const [key, time] of rows) console.log(`| ${((time / total) * 100).toFixed(1)} | ${(time / 1000).toFixed(1)} | \`${key}\` |`);
