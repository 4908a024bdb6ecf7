/**
 * Run by Bun or Deno (test/runtimes.test.ts), not by Node: the built @tokengate/web checks a few
 * Requests against the test's issuer and prints what it got as one line of JSON. Its one argument
 * is a JSON `Input`; the entry is imported from the URL it names, so this file needs no build to
 * typecheck. Written in the TypeScript both runtimes run without a build step (type-only imports).
 */
import type { AccessToken } from '@tokengate/core';
import type * as Web from '@tokengate/web';

interface Input {
  /** The file URL of packages/web/dist/index.js. */
  readonly entry: string;
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUri: string;
  /** A user token with the scope `files:read`. */
  readonly userToken: string;
}

interface Runtime {
  readonly Deno?: { readonly args: readonly string[]; readonly version: { readonly deno: string } };
  readonly Bun?: { readonly version: string };
  readonly process?: { readonly argv: readonly string[] };
}

const runtime = globalThis as Runtime;
const input = JSON.parse(runtime.Deno?.args[0] ?? runtime.process?.argv[2] ?? '{}') as Input;
const { createWebGate } = (await import(input.entry)) as typeof Web;

/** A token or a Response, as plain JSON. */
async function describe(result: AccessToken | Response): Promise<Record<string, unknown>> {
  if (!(result instanceof Response)) return { subject: result.subject, type: result.type, scopes: result.scopes, format: result.format };
  return { status: result.status, wwwAuthenticate: result.headers.get('www-authenticate'), contentType: result.headers.get('content-type'), body: await result.json() };
}

const gate = createWebGate({ issuer: input.issuer, audience: input.audience, jwksUri: input.jwksUri });
const url = 'https://api.example.com/v1/files';
const bearer = { authorization: `Bearer ${input.userToken}` };
const handler = gate.withAuth((_request, auth) => Response.json({ sub: auth.subject }), { token: 'user', scopes: ['files:read'] });
const handled = await handler(new Request(url, { headers: bearer }));

const output = {
  runtime: runtime.Deno ? `deno ${runtime.Deno.version.deno}` : runtime.Bun ? `bun ${runtime.Bun.version}` : 'unknown',
  user: await describe(await gate.check(new Request(url, { headers: bearer }), { token: 'user', scopes: ['files:read'] })),
  missing: await describe(await gate.check(new Request(url))),
  wrongScope: await describe(await gate.check(new Request(url, { headers: bearer }), { scopes: ['files:write'] })),
  withAuth: { status: handled.status, body: await handled.json() },
};
console.log(JSON.stringify(output));
