// A strict TypeScript file against the installed packages' declarations.
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import { createVerifier, isTokenGateError, type AccessToken } from '@tokengate/core';
import { auth, requireScopes } from '@tokengate/express';
import * as ko from '@tokengate/koa';
import tokengate from '@tokengate/fastify';

const verifier = createVerifier({ issuer: 'https://auth.example.com/', audience: 'https://api.example.com' });
const app = express();
app.get('/fonts', auth(verifier), requireScopes('read:font:data'), (req, res) => {
  const token: AccessToken | undefined = req.auth;
  res.json({ subject: token?.subject, scopes: token?.scopes.length });
});
const koa = new Koa();
koa.use(ko.auth(verifier));
koa.use((ctx) => {
  const token: AccessToken | undefined = ctx.state.auth;
  ctx.body = { type: token?.type };
});
const fastify = Fastify();
void fastify.register(tokengate, { verifier });
fastify.get('/me', async (request) => ({ type: request.auth?.type }));
export const check = (error: unknown): number => (isTokenGateError(error) ? error.status : 500);
