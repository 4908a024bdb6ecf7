// Run in a fresh npm project that installed the packed tarballs: every package imports as ESM,
// and a request goes through each adapter against a real local issuer.
import { createServer } from 'node:http';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import { createVerifier, isTokenGateError } from '@tokengate/core';
import * as ex from '@tokengate/express';
import * as ko from '@tokengate/koa';
import tokengate from '@tokengate/fastify';
import { createTestIssuer } from '@tokengate/testing';

const issuer = await createTestIssuer();
const verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience });
const user = await issuer.mintUserToken({ sub: 'alice' });
const client = await issuer.mintClientToken();
const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
const url = (server) => `http://127.0.0.1:${server.address().port}`;

const expressApp = express();
expressApp.get('/me', ex.auth(verifier), ex.requireUserToken(), (req, res) => res.json({ subject: req.auth.subject }));
const koaApp = new Koa();
koaApp.use(ko.auth(verifier));
koaApp.use(ko.requireUserToken());
koaApp.use((ctx) => {
  ctx.body = { subject: ctx.state.auth.subject };
});
const fastifyApp = Fastify();
await fastifyApp.register(tokengate, { verifier });
fastifyApp.get('/me', { config: { tokengate: { token: 'user' } } }, async (request) => ({ subject: request.auth.subject }));
await fastifyApp.listen({ port: 0, host: '127.0.0.1' });

const servers = [await listen(createServer(expressApp)), await listen(createServer(koaApp.callback()))];
const results = [];
for (const base of [...servers.map(url), `http://127.0.0.1:${fastifyApp.server.address().port}`]) {
  const get = async (token) => {
    const response = await fetch(`${base}/me`, { headers: { authorization: `Bearer ${token}` } });
    return [response.status, await response.json()];
  };
  results.push([await get(user), (await get(client))[0]]);
}
for (const server of servers) server.close();
await fastifyApp.close();
await issuer.close();
console.log(JSON.stringify({ results, brand: isTokenGateError(new (await import('@tokengate/core')).TokenGateError('invalid_token', 'x')) }));
