import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The built entries (not the sources the other tests use) must load from both module systems.
// `.ci/run` builds before testing; jose 6 is ESM-only, so the CommonJS build needs Node >= 20.19
// (require of ESM), which `engines` states.
const root = fileURLToPath(new URL('..', import.meta.url));
const packages = readdirSync(join(root, 'packages')).filter((name) => existsSync(join(root, 'packages', name, 'package.json')));
const requireFromRoot = createRequire(join(root, 'package.json'));

interface Manifest {
  name: string;
  engines: { node: string };
  sideEffects: boolean;
  exports: { '.': { import: { types: string; default: string }; require: { types: string; default: string } } };
}

describe.each(packages)('built package %s', (name) => {
  const directory = join(root, 'packages', name);
  const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as Manifest;
  const entry = manifest.exports['.'];

  it('declares Node >= 20.19, no side effects, and types for both conditions', () => {
    expect(manifest.engines.node).toBe('>=20.19.0');
    expect(manifest.sideEffects).toBe(false);
    for (const file of [entry.import.types, entry.import.default, entry.require.types, entry.require.default]) {
      expect(existsSync(join(directory, file)), `${name}: ${file} (run the build first)`).toBe(true);
    }
  });

  it('loads with require() and import(), exposing the same names', async () => {
    const required = requireFromRoot(join(directory, entry.require.default)) as Record<string, unknown>;
    const imported = (await import(pathToFileURL(join(directory, entry.import.default)).href)) as Record<string, unknown>;
    const names = Object.keys(imported).filter((key) => key !== 'module.exports').sort();
    expect(names.length).toBeGreaterThan(0);
    expect(Object.keys(required).filter((key) => key !== '__esModule' && key !== 'module.exports').sort()).toEqual(names);
  });
});

describe('one error class for ESM and CommonJS together', () => {
  it('isTokenGateError recognises an error from the other build, which instanceof does not', async () => {
    const directory = join(root, 'packages', 'core');
    const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as Manifest;
    type Core = { TokenGateError: new (code: string, description: string) => Error; isTokenGateError(value: unknown): boolean };
    const cjs = requireFromRoot(join(directory, manifest.exports['.'].require.default)) as Core;
    const esm = (await import(pathToFileURL(join(directory, manifest.exports['.'].import.default)).href)) as Core;
    expect(cjs.TokenGateError).not.toBe(esm.TokenGateError);
    const fromCjs = new cjs.TokenGateError('invalid_token', 'x');
    const fromEsm = new esm.TokenGateError('invalid_token', 'x');
    expect(fromCjs instanceof esm.TokenGateError).toBe(false);
    expect([esm.isTokenGateError(fromCjs), cjs.isTokenGateError(fromEsm), esm.isTokenGateError(new Error('x')), cjs.isTokenGateError({ code: 'invalid_token' })]).toEqual([true, true, false, false]);
  });
});

describe('@tokengate/core/adapter', () => {
  it('loads with require() and import(), and shares one copy of core with the main entry', async () => {
    const directory = join(root, 'packages', 'core');
    const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { exports: Record<string, { import: { default: string }; require: { default: string } }> };
    const adapter = manifest.exports['./adapter'];
    const main = manifest.exports['.'];
    expect(adapter, 'the ./adapter export').toBeDefined();
    type Surface = {
      createAdapterKit?: unknown;
      compileRequirement?: (requirement: object) => unknown;
      checkRequirement?: (token: object, requirement: unknown) => void;
      TokenGateError?: new (code: string, description: string) => Error;
    };
    for (const condition of ['import', 'require'] as const) {
      const file = join(directory, (adapter as (typeof manifest.exports)[string])[condition].default);
      const mainFile = join(directory, (main as (typeof manifest.exports)[string])[condition].default);
      const load = (path: string): Promise<Surface> => (condition === 'require' ? Promise.resolve(requireFromRoot(path) as Surface) : (import(pathToFileURL(path).href) as Promise<Surface>));
      const surface = await load(file);
      const core = await load(mainFile);
      expect(typeof surface.createAdapterKit).toBe('function');
      expect(core.createAdapterKit).toBeUndefined();
      // One class: an error thrown by the adapter entry is an instance of the main entry's class.
      const requirement = surface.compileRequirement?.({ token: 'user' });
      const thrown = (() => {
        try {
          surface.checkRequirement?.({ type: 'client', scopes: [], claims: {} }, requirement);
        } catch (error) {
          return error;
        }
        return undefined;
      })();
      expect(thrown).toBeInstanceOf(core.TokenGateError as new (code: string, description: string) => Error);
    }
  });
});
