/**
 * The corpus of test/runtimes/web-corpus.mjs: tokens of every signing algorithm (accepted, out
 * of scope, of the wrong type, with a changed signature, signed by a foreign key, expired, for
 * another audience, unsigned, HS256 signed with the public key) and malformed requests, served as
 * JSON on 127.0.0.1 for runtimes to fetch, with the Node build's answers to compare theirs with.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createTestIssuer, SIGNING_ALGORITHMS, type TestIssuer } from '@tokengate/testing';
import * as web from '@tokengate/web';
import { SignJWT } from 'jose';
// @ts-expect-error plain JavaScript shared with Bun, Deno and workerd (test/runtimes/web-corpus.mjs)
import { runCorpus } from '../runtimes/web-corpus.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** One Request of the corpus: a name, the gate (issuer) it goes to, its Authorization and requirement. */
export interface CorpusCase {
  readonly name: string;
  readonly gate: number;
  readonly authorization?: string;
  readonly requirement?: Record<string, unknown>;
}

/** Answers by case name. */
export type CorpusAnswers = Record<string, { status: number } & Record<string, unknown>>;

/** A served corpus. */
export interface ServedCorpus {
  readonly cases: readonly CorpusCase[];
  /** The Node build's answers (in-process, @tokengate/web's sources). */
  readonly expected: CorpusAnswers;
  /** Where runtimes fetch the input from (it names packages/web/dist/index.js as the entry). */
  readonly inputUrl: string;
  close(): Promise<void>;
}

const b64 = (text: string): string => Buffer.from(text).toString('base64url');

/** One character of the signature changed (a middle one, so the spelling stays canonical). */
function changedSignature(token: string): string {
  const cut = token.lastIndexOf('.') + 10;
  return token.slice(0, cut) + (token.charAt(cut) === 'A' ? 'B' : 'A') + token.slice(cut + 1);
}

async function casesOf(issuer: TestIssuer, gate: number): Promise<CorpusCase[]> {
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

function structuralCases(good: string): CorpusCase[] {
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

/**
 * Issuers for every signing algorithm, the corpus, the Node build's answers and the server.
 * @example const corpus = await serveCorpus(); … await corpus.close();
 */
export async function serveCorpus(): Promise<ServedCorpus> {
  const issuers: TestIssuer[] = [];
  for (const algorithm of SIGNING_ALGORITHMS) issuers.push(await createTestIssuer({ algorithm }));
  const cases = (await Promise.all(issuers.map((issuer, gate) => casesOf(issuer, gate)))).flat();
  cases.push(...structuralCases(await (issuers[0] as TestIssuer).mintUserToken()));
  const gates = issuers.map((issuer) => ({ issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri }));
  const entry = pathToFileURL(join(root, 'packages', 'web', 'dist', 'index.js')).href;
  const body = JSON.stringify({ entry, gates, cases });
  const server: Server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const expected = (await runCorpus({ gates, cases }, web)) as CorpusAnswers;
  return {
    cases,
    expected,
    inputUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/input.json`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await Promise.all(issuers.map((issuer) => issuer.close()));
    },
  };
}
