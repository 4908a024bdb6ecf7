// A new machine has no pnpm, or another major of it, first on PATH. `scripts/ensure-pnpm.sh` must
// make the pinned version the one every script runs, nested `pnpm …` calls in package.json
// scripts included (the root `build` script runs `pnpm -r …`).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const pinned = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { packageManager: string }).packageManager.split('@')[1];
const shims: string[] = [];

/** A folder holding a `pnpm` that runs `body`, to stand first on PATH. */
function shim(body: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'tokengate-pnpm-shim-'));
  writeFileSync(join(directory, 'pnpm'), `#!/bin/sh\n${body}\n`);
  chmodSync(join(directory, 'pnpm'), 0o755);
  shims.push(directory);
  return directory;
}

/** Run `script` in bash after sourcing ensure-pnpm.sh, with `first` first on PATH. */
function withPinned(first: string, script: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('bash', ['-c', `source scripts/ensure-pnpm.sh >/dev/null && ${script}`], {
    cwd: root,
    env: { ...process.env, PATH: `${first}:${process.env.PATH ?? ''}` },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
}

afterAll(() => {
  for (const directory of shims) rmSync(directory, { recursive: true, force: true });
});

const machines = [
  ['a pnpm that only fails', () => shim('exit 1')],
  ['another major of pnpm', () => shim('if [ "$1" = "--version" ]; then echo 12.0.0; exit 0; fi\necho "this is not the pinned pnpm" >&2\nexit 1')],
] as const;

describe.each(machines)('ensure-pnpm.sh with %s first on PATH', (_name, makeShim) => {
  const first = makeShim();

  it('runs the pinned pnpm as $PNPM', () => {
    const result = withPinned(first, '"$PNPM" --version');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(pinned);
  });

  it('makes a plain `pnpm` in what it starts the pinned one', () => {
    const result = withPinned(first, 'pnpm --version');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(pinned);
  });

  it('gives nested pnpm calls inside pnpm (package.json scripts, exec) the pinned version', () => {
    const result = withPinned(first, '"$PNPM" exec pnpm --version && "$PNPM" --filter @tokengate/core exec pnpm --version');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.split('\n')).toEqual([pinned, pinned]);
  });
});
