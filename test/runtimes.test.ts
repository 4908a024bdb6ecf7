/**
 * @tokengate/web on Bun and Deno: test/runtimes/web-gate.ts, run by each runtime, checks Requests
 * with the built entry (packages/web/dist, which loads core's dist) against a local issuer this
 * test starts, and must answer as it does on Node; so must the corpus of test/support/web-corpus.ts
 * (both runtimes load core's Node build: they resolve the `node` condition). The runtimes come from node_modules (the root
 * devDependencies `bun` and `deno`); their binaries are taken from the platform packages directly,
 * because pnpm does not run the postinstall scripts that would put them in place (where those did
 * run, from the main package). A runtime that is not installed is skipped; one that is installed
 * and fails, fails.
 */
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { serveCorpus, type CorpusAnswers, type ServedCorpus } from './support/web-corpus.js';

const execute = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const fromRoot = createRequire(join(root, 'package.json'));
const script = join(root, 'test', 'runtimes', 'web-gate.ts');
const corpusScript = join(root, 'test', 'runtimes', 'web-corpus-cli.mjs');
const entry = join(root, 'packages', 'web', 'dist', 'index.js');
/** Every run of a runtime is killed after this long. */
const RUN_TIMEOUT_MS = 30_000;

type RuntimeName = 'bun' | 'deno';

/** Each runtime's binary in its platform package, by `${process.platform}-${process.arch}`. */
const BINARIES: Record<RuntimeName, Readonly<Record<string, string>>> = {
  bun: {
    'linux-x64': '@oven/bun-linux-x64/bin/bun',
    'linux-arm64': '@oven/bun-linux-aarch64/bin/bun',
    'darwin-x64': '@oven/bun-darwin-x64/bin/bun',
    'darwin-arm64': '@oven/bun-darwin-aarch64/bin/bun',
  },
  deno: {
    'linux-x64': '@deno/linux-x64-glibc/deno',
    'linux-arm64': '@deno/linux-arm64-glibc/deno',
    'darwin-x64': '@deno/darwin-x64/deno',
    'darwin-arm64': '@deno/darwin-arm64/deno',
  },
};

/** Where the postinstall scripts put the binary; before they run, a small placeholder script is there. */
const INSTALLED: Record<RuntimeName, string> = { bun: 'bun/bin/bun.exe', deno: 'deno/deno' };

function resolveFrom(from: NodeRequire, file: string): string | undefined {
  try {
    const path = from.resolve(file);
    return statSync(path).size > 1_000_000 ? path : undefined;
  } catch {
    return undefined;
  }
}

/** The runtime's binary, resolved from its npm package, or `undefined` when it is not installed here. */
function binaryOf(name: RuntimeName): string | undefined {
  let main: string;
  try {
    main = fromRoot.resolve(`${name}/package.json`);
  } catch {
    return undefined;
  }
  const platform = BINARIES[name][`${process.platform}-${process.arch}`];
  return (platform === undefined ? undefined : resolveFrom(createRequire(main), platform)) ?? resolveFrom(fromRoot, INSTALLED[name]);
}

/** The arguments that run a script: Deno with the permissions it needs and nothing written to the repository. */
function commandOf(name: RuntimeName, input: string, file = script): string[] {
  if (name === 'bun') return [file, input];
  return ['run', '--allow-net=127.0.0.1', `--allow-read=${root}`, '--allow-env', '--no-prompt', '--no-lock', file, input];
}

async function run(file: string, args: readonly string[]): Promise<Record<string, unknown>> {
  const { stdout } = await execute(file, args, {
    cwd: root,
    timeout: RUN_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
  });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as Record<string, unknown>;
}

/** The answers without the problems' `instance` (a new `urn:uuid:` per response). */
function comparable(answers: Record<string, unknown>): unknown {
  return JSON.parse(JSON.stringify(answers, (key, value: unknown) => (key === 'instance' ? 'urn:uuid:…' : value)));
}

let issuer: TestIssuer;
let corpus: ServedCorpus;
let input: string;
/** What the script prints on Node (through tsx), the answers every runtime must give. */
let onNode: Record<string, unknown>;

beforeAll(async () => {
  expect(existsSync(entry), `${entry} (run the build first)`).toBe(true);
  issuer = await createTestIssuer();
  const userToken = await issuer.mintUserToken({ sub: 'alice', scopes: ['files:read'] });
  input = JSON.stringify({ entry: pathToFileURL(entry).href, issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri, userToken });
  onNode = await run(process.execPath, ['--import', 'tsx', script, input]);
  corpus = await serveCorpus();
}, 60_000);

afterAll(async () => {
  await issuer?.close();
  await corpus?.close();
});

describe('the runtime script on Node', () => {
  it('gets the token, a 401 without one, a 403 for a missing scope, and the handler behind withAuth', () => {
    const { runtime, ...answers } = onNode;
    expect(runtime).toBe('unknown');
    expect(answers).toEqual({
      user: { subject: 'alice', type: 'user', scopes: ['files:read'], format: 'jwt' },
      missing: {
        status: 401,
        wwwAuthenticate: expect.stringMatching(/^Bearer\b/),
        contentType: 'application/problem+json',
        body: expect.objectContaining({ status: 401, instance: expect.stringMatching(/^urn:uuid:/) }),
      },
      wrongScope: {
        status: 403,
        wwwAuthenticate: expect.stringMatching(/^Bearer .*error="insufficient_scope"/),
        contentType: 'application/problem+json',
        body: expect.objectContaining({ status: 403 }),
      },
      withAuth: { status: 200, body: { sub: 'alice' } },
    });
    expect((answers.missing as { wwwAuthenticate: string }).wwwAuthenticate).not.toContain('error=');
  });
});

describe.each(['bun', 'deno'] as const)('@tokengate/web on %s', (name) => {
  const binary = binaryOf(name);

  it.skipIf(binary === undefined)('runs and gives the same answers as Node', async () => {
    const { stdout } = await execute(binary as string, ['--version'], { timeout: RUN_TIMEOUT_MS, killSignal: 'SIGKILL' });
    const { runtime, ...answers } = await run(binary as string, commandOf(name, input));
    expect(runtime).toBe(`${name} ${stdout.match(/\d+\.\d+\.\d+/)?.[0]}`);
    const { runtime: _node, ...expected } = onNode;
    expect(comparable(answers)).toEqual(comparable(expected));
  }, 60_000);

  it.skipIf(binary === undefined)('answers the whole corpus (every signing algorithm, forged and malformed tokens) as Node does', async () => {
    const { answers } = (await run(binary as string, commandOf(name, corpus.inputUrl, corpusScript))) as { answers: CorpusAnswers };
    for (const { name: row } of corpus.cases) expect(answers[row], row).toEqual(corpus.expected[row]);
  }, 60_000);
});
