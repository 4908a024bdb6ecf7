/**
 * `pnpm demo`: starts a local issuer (@tokengate/testing) and the Express example API, mints a user
 * token and client tokens, and prints curl lines to try, each with the status it should get.
 * Runs until Ctrl-C. `startDemo()` is the same thing without the signal handling, for tests.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createTestIssuer } from '@tokengate/testing';
import { createApp } from '../examples/express/src/app.js';

/** The audience of the demo API: tokens minted for it carry this `aud`. */
export const DEMO_AUDIENCE = 'https://api.example.test';
/** Demo tokens live 24 hours, like the Monotype access tokens, so the printed lines keep working. */
const TOKEN_LIFETIME = 24 * 60 * 60;

/** One request to try, as data (for tests) and as a curl command (for people). */
export interface DemoLine {
  description: string;
  /** Which token the request carries. */
  token: 'user' | 'client' | 'none';
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  expectedStatus: number;
  /** The problem's `error` member, for failures that have one. */
  expectedError?: string;
  /** Ready to paste, ends with `# expect <status>`. */
  curl: string;
}

export interface Demo {
  /** Base URL of the example API. */
  url: string;
  /** The issuer's URL. */
  issuer: string;
  lines: DemoLine[];
  /** Stops the API and the issuer. Safe to call twice. */
  close(): Promise<void>;
}

export interface DemoOptions {
  /** Port of the API (0 for any free port). When it is busy, a free port is used instead. Default 3000. */
  port?: number;
  /** Where the banner and curl lines go. Default: nowhere. */
  log?: (text: string) => void;
}

export async function startDemo({ port = 3000, log = () => {} }: DemoOptions = {}): Promise<Demo> {
  const issuer = await createTestIssuer({ audience: DEMO_AUDIENCE, tokenLifetime: TOKEN_LIFETIME });
  let server: Server;
  try {
    const app = createApp({ issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri });
    server = await listen(createServer(app), port).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE' || port === 0) throw error;
      log(`Port ${port} is busy; using a free port instead.`);
      return listen(createServer(app), 0);
    });
  } catch (error) {
    await issuer.close();
    throw error;
  }
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // A user token (authorization_code flow, has a user `sub`) and two client tokens
  // (client_credentials flow, `sub` = `client_id`), with Monotype-style scopes.
  const user = await issuer.mintUserToken({ sub: 'alice', clientId: 'font-manager-web', scopes: ['read:font:data', 'create:webfonts:kit'] });
  const client = await issuer.mintClientToken({ clientId: 'publisher-service', scopes: ['read:font:data'] });
  const converter = await issuer.mintClientToken({ clientId: 'converter-service', scopes: ['publisher', 'converter'] });

  const request = (token: DemoLine['token'], bearer: string | undefined, method: DemoLine['method'], path: string): DemoRequest => {
    const headers: Record<string, string> = bearer === undefined ? {} : { authorization: `Bearer ${bearer}` };
    return { token, method, url: `${url}${path}`, headers };
  };
  const lines = [
    line('Public route, no token', request('none', undefined, 'GET', '/health'), 200),
    line('User token: who am I?', request('user', user, 'GET', '/v1/me'), 200),
    line('User token on a user-only route', request('user', user, 'GET', '/v1/file/templates'), 200),
    line('User token with create:webfonts:kit', request('user', user, 'POST', '/v1/kits'), 201),
    line('User token on a path the route table does not list (denied by default)', request('user', user, 'GET', '/v1/billing/invoices'), 403, 'access_denied'),
    line('Client token on a route that takes either token type', request('client', client, 'POST', '/v1/publisher/jobs'), 202),
    line('Client token with read:font:data', request('client', client, 'GET', '/v1/fonts/42'), 200),
    line('Client token on a user-only route', request('client', client, 'GET', '/v1/file/templates'), 403, 'invalid_token_type'),
    line('No token', request('none', undefined, 'GET', '/v1/me'), 401),
    line('Client token without read:font:data', request('client', converter, 'GET', '/v1/fonts/42'), 403, 'insufficient_scope'),
  ];

  log(banner(url, issuer.issuer, lines));

  let closing: Promise<void> | undefined;
  async function shutDown(): Promise<void> {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await issuer.close();
  }
  return { url, issuer: issuer.issuer, lines, close: () => (closing ??= shutDown()) };
}

/** Listens on 127.0.0.1, or rejects with the listen error (EADDRINUSE, ...). */
function listen(server: Server, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** What a line sends. */
type DemoRequest = Pick<DemoLine, 'token' | 'method' | 'url' | 'headers'>;

function line(description: string, request: DemoRequest, expectedStatus: number, expectedError?: string): DemoLine {
  const method = request.method === 'GET' ? '' : ` -X ${request.method}`;
  const header = request.headers.authorization === undefined ? '' : ` -H 'Authorization: ${request.headers.authorization}'`;
  const expect = `# expect ${expectedStatus}${expectedError === undefined ? '' : ` ${expectedError}`}`;
  return { description, ...request, expectedStatus, expectedError, curl: `curl -i${method} '${request.url}'${header}  ${expect}` };
}

function banner(url: string, issuer: string, lines: DemoLine[]): string {
  return [
    'tokengate demo',
    `  API      ${url}  (examples/express: one route policy table)`,
    `  issuer   ${issuer}  (local test issuer: discovery + JWKS)`,
    `  audience ${DEMO_AUDIENCE}`,
    '  tokens   user alice [read:font:data create:webfonts:kit], client publisher-service [read:font:data],',
    '           client converter-service [publisher converter]; valid 24 h while this demo runs',
    '           (the issuer makes fresh keys each run: tokens from an earlier run no longer verify)',
    '',
    ...lines.flatMap((entry) => [`# ${entry.description}`, entry.curl, '']),
    'Press Ctrl-C to stop.',
  ].join('\n');
}

async function main(): Promise<void> {
  const demo = await startDemo({ port: Number(process.env.PORT ?? 3000), log: (text) => console.log(text) });
  const stop = (signal: string) => {
    console.log(`\n${signal}: stopping the demo.`);
    demo.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// Run only when started as a script (`node --import tsx scripts/demo.ts`), not when imported by a test.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
