/**
 * Certificate-bound access tokens (RFC 8705 §3) in every adapter, over real connections: HTTPS
 * servers that ask for client certificates (`requestCert: true`), clients presenting one of two
 * CA-signed certificates, a self-signed one or none; and plain-HTTP servers behind a
 * TLS-terminating proxy that forwards the client certificate in a header, believed only from the
 * proxies the verifier trusts.
 */
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify, { type FastifyInstance, type RawServerBase } from 'fastify';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, type AccessToken, type Verifier, type VerifierOptions } from '@tokengate/core';
import * as ex from '@tokengate/express';
import tokengate from '@tokengate/fastify';
import * as ko from '@tokengate/koa';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { bearerChallenge } from '@tokengate/test-support';
import { createTestCertificates, type ClientCertificate, type TestCertificates } from './support/certificates.js';

const NOT_CHECKED = 'The access token is bound to a client certificate (cnf x5t#S256), which this API does not check';
const WITHOUT_ONE = 'The access token is bound to a client certificate, and the request came without one';
const ANOTHER = 'The access token is bound to another client certificate';
const HEADER = 'X-Client-Cert';
const REQUEST_TIMEOUT_MS = 5_000;

type AdapterName = 'express' | 'koa' | 'fastify';
const ADAPTERS: readonly AdapterName[] = ['express', 'koa', 'fastify'];

let certificates: TestCertificates;
let issuer: TestIssuer;
/** Tokens: bound to client A, to the self-signed certificate, and unbound. */
let boundToA: string;
let boundToSelfSigned: string;
let unbound: string;
const running: Running[] = [];

beforeAll(async () => {
  certificates = createTestCertificates();
  issuer = await createTestIssuer();
  boundToA = await issuer.mintUserToken({ claims: { cnf: { 'x5t#S256': certificates.clientA.thumbprint } } });
  boundToSelfSigned = await issuer.mintUserToken({ claims: { cnf: { 'x5t#S256': certificates.selfSigned.thumbprint } } });
  unbound = await issuer.mintUserToken({});
});

afterAll(async () => {
  await Promise.all(running.splice(0).map((app) => app.close()));
  await issuer.close();
});

// ---------------------------------------------------------------- the apps

/** What each handler answers: the token's subject and confirmation as the adapter exposes them. */
function echo(token: AccessToken | null | undefined): { subject: string | null; confirmation: unknown } {
  return { subject: token?.subject ?? null, confirmation: token?.confirmation ?? null };
}

interface Running {
  readonly port: number;
  close(): Promise<void>;
}

type Transport = { readonly kind: 'https'; readonly rejectUnauthorized: boolean } | { readonly kind: 'http'; readonly host: string };

/** The TLS options of the server: its certificate, the CA, and a request for the client's. */
function tlsOptions(rejectUnauthorized: boolean) {
  return { key: certificates.server.key, cert: certificates.server.cert, ca: certificates.ca, requestCert: true, rejectUnauthorized };
}

async function listenNode(server: Server, host: string): Promise<Running> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function nodeServer(transport: Transport, listener: RequestListener): Server {
  return transport.kind === 'https' ? createHttpsServer(tlsOptions(transport.rejectUnauthorized), listener) : createHttpServer(listener);
}

function expressListener(verifier: Verifier): RequestListener {
  const app = express();
  app.use(ex.auth(verifier));
  app.get('/v1/me', (req, res) => void res.json(echo(req.auth)));
  return app;
}

function koaListener(verifier: Verifier): RequestListener {
  const app = new Koa();
  app.use(ko.auth(verifier));
  app.use((ctx) => {
    ctx.body = echo(ctx.state.auth);
  });
  return app.callback();
}

async function listenFastify<Raw extends RawServerBase>(app: FastifyInstance<Raw>, verifier: Verifier, host: string): Promise<Running> {
  await app.register(tokengate, { verifier });
  app.get('/v1/me', async (request) => echo(request.auth));
  await app.listen({ host, port: 0 });
  return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
}

/** Serve `GET /v1/me` (auth, then echo) with `adapter` on 127.0.0.1, or `host` for plain HTTP. */
async function start(adapter: AdapterName, verifier: Verifier, transport: Transport): Promise<Running> {
  const host = transport.kind === 'http' ? transport.host : '127.0.0.1';
  let app: Running;
  if (adapter === 'fastify') {
    app = await (transport.kind === 'https' ? listenFastify(Fastify({ https: tlsOptions(transport.rejectUnauthorized) }), verifier, host) : listenFastify(Fastify(), verifier, host));
  } else {
    app = await listenNode(nodeServer(transport, adapter === 'express' ? expressListener(verifier) : koaListener(verifier)), host);
  }
  running.push(app);
  return app;
}

function verifierWith(mtls: VerifierOptions['mtls']): Verifier {
  return createVerifier({ issuer: issuer.issuer, audience: issuer.audience, mtls });
}

// ---------------------------------------------------------------- the client

interface Answer {
  readonly status: number;
  readonly challenge: string | undefined;
  readonly body: { subject?: string | null; confirmation?: unknown };
}

interface Call {
  readonly token: string;
  /** The client certificate presented in the TLS handshake (HTTPS only). */
  readonly client?: ClientCertificate | undefined;
  readonly headers?: OutgoingHttpHeaders;
}

/** GET /v1/me on 127.0.0.1:`port`, a new connection each time (no agent), bounded by a timeout. */
function get(scheme: 'https' | 'http', port: number, { token, client, headers = {} }: Call): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const common = { host: '127.0.0.1', port, path: '/v1/me', method: 'GET', agent: false as const, timeout: REQUEST_TIMEOUT_MS, headers: { authorization: `Bearer ${token}`, ...headers } };
    const onResponse = (response: IncomingMessage): void => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const challenge = response.headers['www-authenticate'];
        resolve({ status: response.statusCode ?? 0, challenge, body: text === '' ? {} : (JSON.parse(text) as Answer['body']) });
      });
    };
    const request = scheme === 'https' ? httpsRequest({ ...common, ca: certificates.ca, key: client?.key, cert: client?.cert }, onResponse) : httpRequest(common, onResponse);
    request.on('timeout', () => request.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    request.on('error', reject);
    request.end();
  });
}

function expectAccepted(answer: Answer, confirmation: unknown): void {
  expect(answer.status, JSON.stringify(answer)).toBe(200);
  expect(answer.body.subject).toEqual(expect.any(String));
  expect(answer.body.confirmation).toEqual(confirmation);
}

function expectRefused(answer: Answer, description: string): void {
  expect(answer.status).toBe(401);
  expect(answer.challenge).toBe(bearerChallenge('invalid_token', description));
  expect(answer.body.subject).toBeUndefined();
}

// ---------------------------------------------------------------- the certificate of the connection

describe.each(ADAPTERS)('mutual TLS terminated by the %s server (certificate: "socket")', (adapter) => {
  let verifier: Verifier;
  let port: number;
  let unchecked: number;
  const call = (parts: Call): Promise<Answer> => get('https', port, parts);

  beforeAll(async () => {
    verifier = verifierWith({ certificate: 'socket' });
    port = (await start(adapter, verifier, { kind: 'https', rejectUnauthorized: false })).port;
    unchecked = (await start(adapter, createVerifier({ issuer: issuer.issuer, audience: issuer.audience }), { kind: 'https', rejectUnauthorized: false })).port;
  });

  it('accepts a token bound to the presented certificate, and shows the binding to the handler', async () => {
    expectAccepted(await call({ token: boundToA, client: certificates.clientA }), { x5tS256: certificates.clientA.thumbprint });
  });

  it('refuses a token bound to another certificate than the presented one', async () => {
    expectRefused(await call({ token: boundToA, client: certificates.clientB }), ANOTHER);
    expectRefused(await call({ token: boundToA, client: certificates.selfSigned }), ANOTHER);
  });

  it('refuses a bound token over a connection without a client certificate', async () => {
    expectRefused(await call({ token: boundToA }), WITHOUT_ONE);
  });

  it('checks the certificate on every request, also when the token comes from the cache', async () => {
    for (let use = 0; use < 3; use += 1) expectAccepted(await call({ token: boundToA, client: certificates.clientA }), { x5tS256: certificates.clientA.thumbprint });
    expect(verifier.stats().cachedTokens).toBeGreaterThan(0);
    expectRefused(await call({ token: boundToA, client: certificates.clientB }), ANOTHER);
    expectRefused(await call({ token: boundToA }), WITHOUT_ONE);
  });

  it('binds to a self-signed certificate (RFC 8705 §2.2), which only its holder can present', async () => {
    expectAccepted(await call({ token: boundToSelfSigned, client: certificates.selfSigned }), { x5tS256: certificates.selfSigned.thumbprint });
    expectRefused(await call({ token: boundToSelfSigned, client: certificates.clientA }), ANOTHER);
  });

  it('accepts an unbound token with or without a client certificate', async () => {
    expectAccepted(await call({ token: unbound, client: certificates.clientA }), null);
    expectAccepted(await call({ token: unbound }), null);
  });

  it('without the mtls option, refuses a bound token even with its certificate', async () => {
    expectRefused(await get('https', unchecked, { token: boundToA, client: certificates.clientA }), NOT_CHECKED);
    expectAccepted(await get('https', unchecked, { token: unbound, client: certificates.clientA }), null);
  });
});

describe('mutual TLS with client certificates verified against the CA (rejectUnauthorized: true)', () => {
  it.each(ADAPTERS)('%s: the bound token with its certificate is accepted, with another one refused', async (adapter) => {
    const { port } = await start(adapter, verifierWith({ certificate: 'socket' }), { kind: 'https', rejectUnauthorized: true });
    expectAccepted(await get('https', port, { token: boundToA, client: certificates.clientA }), { x5tS256: certificates.clientA.thumbprint });
    expectRefused(await get('https', port, { token: boundToA, client: certificates.clientB }), ANOTHER);
  });
});

// ---------------------------------------------------------------- the certificate forwarded by a proxy

/** A PEM certificate on one header line: its line breaks turned into spaces. */
const oneLine = (pem: string): string => pem.trim().replace(/\n/g, ' ');

/** Client A's certificate as proxies forward it (a header value has no line breaks). */
function encodings(): ReadonlyArray<readonly [string, string]> {
  const pem = certificates.clientA.cert.trim();
  return [
    ['PEM without line breaks', pem.replace(/\n/g, '')],
    ['PEM with its line breaks turned into spaces', oneLine(pem)],
    ['URL-encoded PEM (nginx $ssl_client_escaped_cert)', encodeURIComponent(`${pem}\n`)],
    ['base64 DER', certificates.clientA.der.toString('base64')],
  ];
}

describe.each(ADAPTERS)('a client certificate forwarded in a header to the %s server', (adapter) => {
  let trusted: number;
  let untrusted: number;
  let dualStack: number;
  const forwarded = (value: string): OutgoingHttpHeaders => ({ [HEADER]: value });

  beforeAll(async () => {
    trusted = (await start(adapter, verifierWith({ certificate: { header: HEADER, trustedProxies: ['127.0.0.1'] } }), { kind: 'http', host: '127.0.0.1' })).port;
    untrusted = (await start(adapter, verifierWith({ certificate: { header: HEADER, trustedProxies: ['10.0.0.0/8'] } }), { kind: 'http', host: '127.0.0.1' })).port;
    // Listening on every IPv6 and IPv4 address, the peer 127.0.0.1 shows as ::ffff:127.0.0.1.
    dualStack = (await start(adapter, verifierWith({ certificate: { header: HEADER, trustedProxies: ['127.0.0.0/8'] } }), { kind: 'http', host: '::' })).port;
  });

  it('from a trusted proxy, in each encoding proxies use, binds the token', async () => {
    for (const [name, value] of encodings()) {
      const answer = await get('http', trusted, { token: boundToA, headers: forwarded(value) });
      expect(answer.status, name).toBe(200);
      expect(answer.body.confirmation, name).toEqual({ x5tS256: certificates.clientA.thumbprint });
    }
  });

  it('from a trusted proxy, another certificate or none is refused', async () => {
    expectRefused(await get('http', trusted, { token: boundToA, headers: forwarded(oneLine(certificates.clientB.cert)) }), ANOTHER);
    expectRefused(await get('http', trusted, { token: boundToA }), WITHOUT_ONE);
    expectAccepted(await get('http', trusted, { token: unbound }), null);
  });

  it('a header that is no certificate counts as none', async () => {
    for (const value of ['garbage', '-----BEGIN CERTIFICATE----- bm90IGEgY2VydGlmaWNhdGU= -----END CERTIFICATE-----', Buffer.from('not a certificate at all').toString('base64'), '%E0%A4%A']) {
      expectRefused(await get('http', trusted, { token: boundToA, headers: forwarded(value) }), WITHOUT_ONE);
    }
  });

  it('from a peer that is not a trusted proxy, the header is ignored', async () => {
    for (const [name, value] of encodings()) {
      const answer = await get('http', untrusted, { token: boundToA, headers: forwarded(value) });
      expect(answer.status, name).toBe(401);
      expect(answer.challenge, name).toBe(bearerChallenge('invalid_token', WITHOUT_ONE));
    }
  });

  it('an IPv4 proxy reaching a dual-stack server is matched by its IPv4 address', async () => {
    expectAccepted(await get('http', dualStack, { token: boundToA, headers: forwarded(oneLine(certificates.clientA.cert)) }), { x5tS256: certificates.clientA.thumbprint });
  });
});
