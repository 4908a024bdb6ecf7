/**
 * The Web build where Node's built-ins do not exist, over a corpus of Requests: tokens of every
 * signing algorithm (RS, PS, ES, EdDSA), forged, expired, unsigned, confused and malformed ones.
 * Every answer must be the Node build's answer to the same Request. Two runtimes:
 * - a Node process where no module can load a built-in and `Buffer` cannot be used
 *   (test/runtimes/block-builtins.mjs), resolving with the conditions of Workers bundlers
 *   (`workerd`, `worker`, `browser`), so the built @tokengate/web loads core's Web build
 *   (packages/core/dist/web: WebCrypto, no `node:`);
 * - workerd, the Workers runtime (through miniflare, without `nodejs_compat`), running the same
 *   corpus bundled by esbuild with those conditions (test/runtimes/worker.mjs).
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createTestIssuer, SIGNING_ALGORITHMS, type TestIssuer } from '@tokengate/testing';
import * as web from '@tokengate/web';
import { build } from 'esbuild';
import { SignJWT } from 'jose';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript shared with Bun, Deno and workerd (test/runtimes/web-corpus.mjs)
import { runCorpus } from './runtimes/web-corpus.mjs';

const execute = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const runtimes = join(root, 'test', 'runtimes');
const WORKER_CONDITIONS = ['--conditions=workerd', '--conditions=worker', '--conditions=browser'];
const RUN_TIMEOUT_MS = 60_000;

interface Case {
  readonly name: string;
  readonly gate: number;
  readonly authorization?: string;
  readonly requirement?: Record<string, unknown>;
}
type Answers = Record<string, { status: number } & Record<string, unknown>>;

const issuers: TestIssuer[] = [];
let server: Server;
let inputUrl: string;
let expected: Answers;
let cases: Case[];

const b64 = (text: string): string => Buffer.from(text).toString('base64url');

/** One character of the signature changed (a middle one, so the spelling stays canonical). */
function changedSignature(token: string): string {
  const cut = token.lastIndexOf('.') + 10;
  return token.slice(0, cut) + (token.charAt(cut) === 'A' ? 'B' : 'A') + token.slice(cut + 1);
}

async function casesOf(issuer: TestIssuer, gate: number): Promise<Case[]> {
  const alg = issuer.algorithm;
  const claims = { iss: issuer.issuer, aud: issuer.audience, sub: 'mallory', scope: 'files:read', exp: Math.floor(Date.now() / 1000) + 600 };
  const user = await issuer.mintUserToken({ scopes: ['files:read'] });
  const bearer = (token: string): string => `Bearer ${token}`;
  return [
    { name: `${alg}: a user token`, gate, authorization: bearer(user), requirement: { token: 'user', scopes: ['files:read'] } },
    { name: `${alg}: a user token without the scope asked for`, gate, authorization: bearer(user), requirement: { scopes: ['files:write'] } },
    { name: `${alg}: a client token where a user token is asked for`, gate, authorization: bearer(await issuer.mintClientToken()), requirement: { token: 'user' } },
    { name: `${alg}: a changed signature`, gate, authorization: bearer(changedSignature(user)) },
    { name: `${alg}: signed by a key the issuer never published`, gate, authorization: bearer(await issuer.mintWithForeignKey(claims)) },
    { name: `${alg}: expired`, gate, authorization: bearer(await issuer.mintUserToken({ expiresIn: -120 })) },
    { name: `${alg}: for another audience`, gate, authorization: bearer(await issuer.mintUserToken({ audience: 'https://other.example.com' })) },
    { name: `${alg}: unsigned (alg none)`, gate, authorization: bearer(issuer.mintUnsignedToken(claims)) },
    { name: `${alg}: HS256 with the public key as the secret`, gate, authorization: bearer(await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: issuer.currentKid }).sign(new TextEncoder().encode(JSON.stringify(issuer.jwks().keys[0])))) },
  ];
}

function structuralCases(good: string): Case[] {
  const [header, payload, signature] = good.split('.') as [string, string, string];
  const hostile: [string, string | undefined][] = [
    ['no Authorization header', undefined],
    ['the Basic scheme', 'Basic dXNlcjpwYXNz'],
    ['Bearer without a token', 'Bearer '],
    ['Bearer with two tokens', `Bearer ${good} ${good}`],
    ['two segments', `Bearer ${header}.${payload}`],
    ['four segments', `Bearer ${good}.${signature}`],
    ['a JWE (five segments with enc)', `Bearer ${b64('{"alg":"RSA-OAEP-256","enc":"A256GCM"}')}.a.b.c.d`],
    ['an empty signature', `Bearer ${header}.${payload}.`],
    ['a header outside base64url', `Bearer ${header}*.${payload}.${signature}`],
    ['a signature of impossible length', `Bearer ${good}AAA`],
    ['a header that is not JSON', `Bearer ${b64('{alg:RS256')}.${payload}.${signature}`],
    ['a header that is a JSON array', `Bearer ${b64('["RS256"]')}.${payload}.${signature}`],
    ['a payload that is a JSON string', `Bearer ${header}.${b64('"hello"')}.${signature}`],
    ['a header without alg', `Bearer ${b64('{"typ":"JWT"}')}.${payload}.${signature}`],
    ['only dots', 'Bearer .....'],
    ['a token too large', `Bearer ${'A'.repeat(20_000)}`],
    ['an opaque token on a JWT-only API', 'Bearer 3f1c2a7e-0f3b-4d8e-9a65-2b7f0c1d9e44'],
  ];
  return [
    { name: 'the Bearer scheme in lower case', gate: 0, authorization: `bearer ${good}` },
    ...hostile.map(([name, authorization]) => ({ name: `malformed: ${name}`, gate: 0, ...(authorization === undefined ? {} : { authorization }) })),
  ];
}

beforeAll(async () => {
  for (const algorithm of SIGNING_ALGORITHMS) issuers.push(await createTestIssuer({ algorithm }));
  cases = (await Promise.all(issuers.map((issuer, gate) => casesOf(issuer, gate)))).flat();
  cases.push(...structuralCases(await (issuers[0] as TestIssuer).mintUserToken()));
  const gates = issuers.map((issuer) => ({ issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri }));
  const entry = pathToFileURL(join(root, 'packages', 'web', 'dist', 'index.js')).href;
  const body = JSON.stringify({ entry, gates, cases });
  server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  inputUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/input.json`;
  expected = (await runCorpus({ gates, cases }, web)) as Answers;
}, 60_000);

afterAll(async () => {
  if (server !== undefined) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await Promise.all(issuers.map((issuer) => issuer.close()));
});

async function runWithoutBuiltins(conditions: readonly string[]): Promise<{ answers: Answers; bufferUsable: boolean }> {
  const { stdout } = await execute(process.execPath, [...conditions, '--import', pathToFileURL(join(runtimes, 'block-builtins.mjs')).href, join(runtimes, 'web-corpus-cli.mjs'), inputUrl], { timeout: RUN_TIMEOUT_MS, cwd: root });
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as { answers: Answers; bufferUsable: boolean };
}

describe('the Web build, in Node with no built-in loadable and no Buffer', () => {
  it('the corpus covers every signing algorithm, each accepted once and refused otherwise on Node', () => {
    expect(cases.length).toBeGreaterThanOrEqual(SIGNING_ALGORITHMS.length * 9 + 18);
    const accepted = Object.keys(expected).filter((name) => expected[name]?.status === 200);
    expect(accepted.sort()).toEqual([...SIGNING_ALGORITHMS.map((algorithm) => `${algorithm}: a user token`), 'the Bearer scheme in lower case'].sort());
    const refused = Object.values(expected).filter((answer) => answer.status !== 200);
    expect(refused.every((answer) => answer.status >= 400 && answer.status < 500)).toBe(true);
  });

  it('answers every Request of the corpus as the Node build does', async () => {
    const { answers, bufferUsable } = await runWithoutBuiltins(WORKER_CONDITIONS);
    expect(bufferUsable).toBe(false);
    for (const { name } of cases) expect(answers[name], name).toEqual(expected[name]);
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
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['module', 'main'],
      // As an application's bundler sees the packages: by their exports, not this repository's source paths.
      tsconfigRaw: '{}',
      logLevel: 'silent',
    });
    const script = bundle.outputFiles[0]?.text ?? '';
    expect(script).not.toMatch(/from ["']node:|require\(["']node:/);
    worker = new Miniflare({ modules: true, script, compatibilityDate: '2025-01-01', bindings: { INPUT_URL: inputUrl } });
    const response = await worker.dispatchFetch('http://worker.test/');
    const result = (await response.json()) as { answers: Answers; bufferUsable: boolean; processDefined: boolean; userAgent: string | null };
    expect(result).toMatchObject({ bufferUsable: false, processDefined: false, userAgent: 'Cloudflare-Workers' });
    for (const { name } of cases) expect(result.answers[name], name).toEqual(expected[name]);
  }, RUN_TIMEOUT_MS);
});
