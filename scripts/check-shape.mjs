// The shape rules of the source, checked: every core file at most 200 lines, every function at
// most 40, every adapter at most 250 lines in all with no file over 150. Prints what breaks them.
// Usage: node scripts/check-shape.mjs (exit 1 when a rule is broken)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;
const LIMITS = { coreFile: 200, adapterFile: 150, adapterTotal: 250, functionLines: 40 };

function files(directory) {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function lines(text) {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** Functions (declarations, methods, arrows, accessors) longer than the limit, by their own lines. */
function longFunctions(path) {
  const text = readFileSync(path, 'utf8');
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    if (ts.isFunctionLike(node) && node.body !== undefined) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      if (end - start + 1 > LIMITS.functionLines) found.push(`${relative(root, path)}:${start + 1} a function of ${end - start + 1} lines`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const problems = [];
for (const path of files(join(root, 'packages/core/src'))) {
  const count = lines(readFileSync(path, 'utf8'));
  if (count > LIMITS.coreFile) problems.push(`${relative(root, path)}: ${count} lines (core files: at most ${LIMITS.coreFile})`);
  problems.push(...longFunctions(path));
}
for (const adapter of ['express', 'koa', 'fastify', 'mcp', 'web', 'hono']) {
  let total = 0;
  for (const path of files(join(root, 'packages', adapter, 'src'))) {
    const count = lines(readFileSync(path, 'utf8'));
    total += count;
    if (count > LIMITS.adapterFile) problems.push(`${relative(root, path)}: ${count} lines (adapter files: at most ${LIMITS.adapterFile})`);
    problems.push(...longFunctions(path));
  }
  if (total > LIMITS.adapterTotal) problems.push(`packages/${adapter}: ${total} lines (adapters: at most ${LIMITS.adapterTotal})`);
}
for (const problem of problems) console.log(problem);
console.log(problems.length === 0 ? 'shape: every rule holds' : `shape: ${problems.length} problem(s)`);
process.exitCode = problems.length === 0 ? 0 : 1;
