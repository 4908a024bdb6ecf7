/**
 * The Web build where Node's built-ins do not exist, over the corpus of test/support/web-corpus.ts
 * (tokens of every signing algorithm — RS, PS, ES, EdDSA — forged, expired, unsigned, confused and
 * malformed ones). Every answer must be the Node build's answer to the same Request. Two runtimes:
 * - a Node process where no module can load a built-in and `Buffer` cannot be used
 *   (test/runtimes/block-builtins.mjs), resolving with the conditions of Workers bundlers
 *   (`workerd`, `worker`, `browser`), so the built @tokengate/web loads core's Web build
 *   (packages/core/dist/web: WebCrypto, no `node:`);
 * - workerd, the Workers runtime (through miniflare, without `nodejs_compat`), running the same
 *   corpus bundled by esbuild with those conditions (test/runtimes/worker.mjs).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { SIGNING_ALGORITHMS } from '@tokengate/testing';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCorpus, type CorpusAnswers, type ServedCorpus } from './support/web-corpus.js';

const execute = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const runtimes = join(root, 'test', 'runtimes');
const WORKER_CONDITIONS = ['workerd', 'worker', 'browser'];
const RUN_TIMEOUT_MS = 60_000;

let corpus: ServedCorpus;

beforeAll(async () => {
  corpus = await serveCorpus();
}, 60_000);

afterAll(async () => {
  await corpus?.close();
});

async function runWithoutBuiltins(conditions: readonly string[]): Promise<{ answers: CorpusAnswers; bufferUsable: boolean }> {
  const flags = conditions.map((condition) => `--conditions=${condition}`);
  const { stdout } = await execute(process.execPath, [...flags, '--import', pathToFileURL(join(runtimes, 'block-builtins.mjs')).href, join(runtimes, 'web-corpus-cli.mjs'), corpus.inputUrl], { timeout: RUN_TIMEOUT_MS, cwd: root });
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as { answers: CorpusAnswers; bufferUsable: boolean };
}

describe('the Web build, in Node with no built-in loadable and no Buffer', () => {
  it('the corpus covers every signing algorithm, each accepted once and refused otherwise on Node', () => {
    const { cases, expected } = corpus;
    expect(cases.length).toBeGreaterThanOrEqual(SIGNING_ALGORITHMS.length * 9 + 18);
    const accepted = Object.keys(expected).filter((name) => expected[name]?.status === 200);
    expect(accepted.sort()).toEqual([...SIGNING_ALGORITHMS.map((algorithm) => `${algorithm}: a user token`), 'the Bearer scheme in lower case'].sort());
    const refused = Object.values(expected).filter((answer) => answer.status !== 200);
    expect(refused.every((answer) => answer.status >= 400 && answer.status < 500)).toBe(true);
  });

  it('answers every Request of the corpus as the Node build does', async () => {
    const { answers, bufferUsable } = await runWithoutBuiltins(WORKER_CONDITIONS);
    expect(bufferUsable).toBe(false);
    for (const { name } of corpus.cases) expect(answers[name], name).toEqual(corpus.expected[name]);
  }, RUN_TIMEOUT_MS);

  it('the same process without those conditions loads the Node build, and fails: built-ins really are out of reach', async () => {
    await expect(runWithoutBuiltins([])).rejects.toThrow(/Node built-in (node:)?\w+ is not available here/);
  }, RUN_TIMEOUT_MS);
});

describe('the Web build on workerd (the Workers runtime), without nodejs_compat', () => {
  let worker: Miniflare | undefined;

  afterAll(async () => {
    await worker?.dispose().catch(() => undefined);
  });

  it('bundles without any Node built-in, and answers every Request of the corpus as the Node build does', async () => {
    const bundle = await build({
      entryPoints: [join(runtimes, 'worker.mjs')],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'neutral',
      conditions: WORKER_CONDITIONS,
      mainFields: ['module', 'main'],
      // As an application's bundler sees the packages: by their exports, not this repository's source paths.
      tsconfigRaw: '{}',
      logLevel: 'silent',
    });
    const script = bundle.outputFiles[0]?.text ?? '';
    expect(script).not.toMatch(/from ["']node:|require\(["']node:/);
    worker = new Miniflare({ modules: true, script, compatibilityDate: '2025-01-01', bindings: { INPUT_URL: corpus.inputUrl } });
    const response = await worker.dispatchFetch('http://worker.test/');
    const result = (await response.json()) as { answers: CorpusAnswers; bufferUsable: boolean; processDefined: boolean; userAgent: string | null };
    expect(result).toMatchObject({ bufferUsable: false, processDefined: false, userAgent: 'Cloudflare-Workers' });
    for (const { name } of corpus.cases) expect(result.answers[name], name).toEqual(corpus.expected[name]);
  }, RUN_TIMEOUT_MS);
});
