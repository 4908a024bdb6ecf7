/**
 * The packages install from registry-shaped tarballs: `scripts/pack.sh` packs them (workspace
 * ranges rewritten), npm installs them into a fresh project beside the frameworks, and there they
 * load as ESM and CommonJS, type-check under strict TypeScript, and answer a real request through
 * each adapter. Needs the build (`.ci/run` builds first) and the npm registry.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = join(root, 'test', 'install-fixture');
let project: string;

function run(command: string, args: readonly string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', timeout: 180_000, env: { ...process.env, TOKENGATE_SKIP_BUILD: '1', npm_config_audit: 'false', npm_config_fund: 'false' } });
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'tokengate-install-'));
  const packs = join(project, 'packs');
  run('bash', [join(root, 'scripts', 'pack.sh'), packs], root);
  const tarballs = readdirSync(packs).filter((name) => name.endsWith('.tgz')).map((name) => join(packs, name));
  expect(tarballs).toHaveLength(9);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'tokengate-install-check', private: true }));
  run('npm', ['install', '--loglevel=error', ...tarballs, 'express@5', 'koa@3', 'fastify@5', 'typescript@5.9.3', '@types/node@20', '@types/express@5', '@types/koa@3', '@modelcontextprotocol/sdk@1.32.2', 'hono@4'], project);
  for (const file of ['esm.mjs', 'cjs.cjs', 'app.ts', 'tsconfig.json']) cpSync(join(fixture, file), join(project, file));
}, 240_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('packed tarballs installed with npm in a fresh project', () => {
  it('ESM: every package imports, and each adapter answers a user token 200 and a client token 403 on a user route', () => {
    const output = JSON.parse(run('node', ['esm.mjs'], project)) as { results: unknown; brand: boolean };
    const expected = [[200, { subject: 'alice' }], 403];
    expect(output).toEqual({ results: [expected, expected, expected], brand: true });
  });

  it('CommonJS: every package loads with require()', () => {
    const output = JSON.parse(run('node', ['cjs.cjs'], project)) as { names: Record<string, unknown> };
    expect(output).toMatchObject({ names: { express: 'function', koa: 'function', fastify: 'function', testing: 'function', mcp: 'function', redis: 'function', web: 'function', hono: 'function', adapter: 'function' }, verifier: 'function' });
    expect(output.names.core).toBeGreaterThan(20);
  });

  it('TypeScript (strict, nodenext): req.auth, ctx.state.auth and request.auth are typed', () => {
    expect(() => run(join(project, 'node_modules', '.bin', 'tsc'), ['-p', '.'], project)).not.toThrow();
  });
});
