import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The size rules of docs/architecture.md: core files ≤ 200 lines, functions ≤ 40, adapters ≤ 250
// lines in all with no file over 150. `node scripts/check-shape.mjs` prints what breaks them.
describe('the shape of the source', () => {
  it('keeps every size rule', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const output = execFileSync(process.execPath, ['scripts/check-shape.mjs'], { cwd: root, encoding: 'utf8' });
    expect(output.trim()).toBe('shape: every rule holds');
  });
});
