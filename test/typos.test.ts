/**
 * A typo never fails open: every options object tokengate takes is checked at construction, and
 * an unknown name is a TypeError that names it and the nearest known one. Through every adapter
 * (Express, Koa, Fastify, Hono, the Web gate), the Fastify plugin and its route config. And the two usual shapes from other libraries work:
 * `requireUserToken(verifier)` and `requireScopes([...])`.
 */
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { createVerifier, type Verifier } from '@tokengate/core';
import { compileRoutePolicy } from '@tokengate/core/adapter';
import * as ex from '@tokengate/express';
import tokengate, * as fy from '@tokengate/fastify';
import * as ho from '@tokengate/hono';
import * as ko from '@tokengate/koa';
import { createWebGate } from '@tokengate/web';
import { createServer } from 'node:http';
import { listen } from './support/servers.js';

let issuer: TestIssuer;
let verifier: Verifier;
beforeAll(async () => {
  issuer = await createTestIssuer();
  verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience });
});
afterAll(() => issuer.close());

const base = () => ({ issuer: issuer.issuer, audience: issuer.audience });
/** Loose calls, as from JavaScript: the compiler does not stop these typos. */
const loose = <T>(value: unknown) => value as T;

describe('createVerifier', () => {
  const TYPOS: readonly (readonly [typo: Record<string, unknown>, message: RegExp])[] = [
    [{ jwksURI: 'https://x/jwks' }, /Unknown option "jwksURI" in createVerifier\(\) options; did you mean "jwksUri"\?/],
    [{ jwks_uri: 'https://x/jwks' }, /"jwks_uri".*did you mean "jwksUri"/],
    [{ clockTolerence: 5 }, /did you mean "clockTolerance"/],
    [{ audiences: ['a'] }, /did you mean "audience"/],
    [{ jwks: { cacheMaxAges: 1 } }, /Unknown option "cacheMaxAges" in the "jwks" options; did you mean "cacheMaxAgeMs"/],
    [{ cache: { maxEntry: 1 } }, /in the "cache" options; did you mean "maxEntries"/],
    [{ scopeClaims: { scopes: 'x' } }, /in the "scopeClaims" options; did you mean "scope"/],
    [{ introspection: { clientId: 'a', clientSecret: 'b', requireAudiance: true } }, /in the "introspection" options; did you mean "requireAudience"/],
    [{ totallyUnrelated: 1 }, /Unknown option "totallyUnrelated".*known options: issuer, audience/],
  ];
  for (const [typo, message] of TYPOS) {
    it(`refuses ${JSON.stringify(typo)}`, () => {
      expect(() => createVerifier(loose({ ...base(), ...typo }))).toThrow(TypeError);
      expect(() => createVerifier(loose({ ...base(), ...typo }))).toThrow(message);
    });
  }
});

describe('requirements and route rules', () => {
  it('a requirement typo (scope for scopes) fails at start-up, through every adapter', () => {
    const requirement = loose<{ token: 'user' }>({ token: 'user', scope: ['admin:write'] });
    const gate = createWebGate(verifier);
    for (const make of [
      () => ex.requireToken(requirement, { source: verifier }),
      () => ko.requireToken(requirement, { source: verifier }),
      () => fy.requireToken(requirement, { source: verifier }),
      () => ho.requireToken(requirement, { source: verifier }),
      () => gate.withAuth(() => new Response(), requirement),
    ]) {
      expect(make).toThrow(/Unknown option "scope" in a requirement; did you mean "scopes"\?/);
    }
  });

  it('a route-rule typo (publc) fails at start-up, through every adapter', () => {
    const rules = loose<[]>([{ path: '/health', publc: true }]);
    expect(() => compileRoutePolicy(rules)).toThrow(/Unknown option "publc" in the route rule for "\/health"; did you mean "public"\?/);
    for (const make of [
      () => ex.routePolicy(rules, { source: verifier }),
      () => ko.routePolicy(rules, { source: verifier }),
      () => fy.routePolicy(rules, { source: verifier }),
      () => ho.routePolicy(rules, { source: verifier }),
      () => createWebGate(verifier).routePolicy(rules),
    ]) {
      expect(make).toThrow(/did you mean "public"/);
    }
  });

  it("Fastify's route config: a typo fails when the route is added", async () => {
    const app = Fastify();
    await app.register(tokengate, { verifier });
    expect(() => app.get('/x', { config: { tokengate: loose({ token: 'user', scope: ['admin:write'] }) } }, async () => 'ok')).toThrow(
      /Unknown option "scope" in config.tokengate; did you mean "scopes"\?/,
    );
    await app.close();
  });
});

describe('adapter options', () => {
  const ADAPTERS = [
    ['express', ex.auth, ex.requireUserToken, ex.routePolicy],
    ['koa', ko.auth, ko.requireUserToken, ko.routePolicy],
    ['fastify', fy.auth, fy.requireUserToken, fy.routePolicy],
    ['hono', ho.auth, ho.requireUserToken, ho.routePolicy],
  ] as const;
  for (const [name, auth, requireUserToken, routePolicy] of ADAPTERS) {
    it(`${name}: auth(options, { optinal: true }) names "optional"`, () => {
      expect(() => auth(verifier, loose({ optinal: true }))).toThrow(/Unknown option "optinal" in auth\(\) options; did you mean "optional"\?/);
    });
    it(`${name}: auth({ jwks_uri }) names "jwksUri"`, () => {
      expect(() => auth(loose({ ...base(), jwks_uri: 'https://x/jwks' }))).toThrow(/did you mean "jwksUri"/);
    });
    it(`${name}: guard and policy options are checked too`, () => {
      expect(() => requireUserToken(loose({ sorce: verifier }))).toThrow(/Unknown option "sorce" in guard options; did you mean "source"\?/);
      expect(() => routePolicy([], loose({ source: verifier, unmached: 'public' }))).toThrow(/did you mean "unmatched"/);
      expect(() => requireUserToken(loose(base()))).toThrow(/Unknown option "issuer" in guard options; verifier options go in .*\{ source: \{ issuer, audience \} \}/);
      expect(() => auth(verifier, loose({ optional: 'yes' }))).toThrow(/"optional" must be a boolean/);
    });
  }

  it('the Web gate: its options, a requirement and a policy option are checked too', () => {
    expect(() => createWebGate(verifier, loose({ formatProblm: () => ({}) }))).toThrow(/Unknown option "formatProblm" in createWebGate\(\) options; did you mean "formatProblem"\?/);
    expect(() => createWebGate(loose({ ...base(), jwks_uri: 'https://x/jwks' }))).toThrow(/did you mean "jwksUri"/);
    expect(() => createWebGate(verifier).withAuth(() => new Response(), loose({ optinal: true }))).toThrow(/Unknown option "optinal" in a requirement; did you mean "optional"\?/);
    expect(() => createWebGate(verifier).routePolicy([], loose({ unmached: 'public' }))).toThrow(/did you mean "unmatched"/);
  });

  it("Fastify's plugin options: a typo fails registration", async () => {
    const app = Fastify();
    await expect(app.register(tokengate, loose({ verifier, optinal: true })).ready()).rejects.toThrow(/did you mean "optional"/);
    await app.close();
  });
});

describe('the shapes other libraries use', () => {
  /** Express, Koa and Fastify apps whose routes use `requireUserToken(verifier)` and `requireScopes([...])`. */
  async function apps() {
    const e = express();
    e.get('/user', ex.requireUserToken(verifier), (_req, res) => void res.json({ ok: true }));
    e.get('/scoped', ex.requireScopes(['read:font:data'], { source: verifier }), (_req, res) => void res.json({ ok: true }));
    const k = new Koa();
    const koaUser = ko.requireUserToken(verifier);
    const koaScoped = ko.requireScopes(['read:font:data'], { source: verifier });
    k.use((ctx, next) => (ctx.path === '/user' ? koaUser(ctx, next) : koaScoped(ctx, next)));
    k.use((ctx) => {
      ctx.body = { ok: true };
    });
    const f = Fastify();
    f.get('/user', { onRequest: fy.requireUserToken(verifier) }, async () => ({ ok: true }));
    f.get('/scoped', { onRequest: fy.requireScopes(['read:font:data'], { source: verifier }) }, async () => ({ ok: true }));
    await f.listen({ port: 0, host: '127.0.0.1' });
    const fastifyUrl = `http://127.0.0.1:${(f.server.address() as { port: number }).port}`;
    const running = [await listen(createServer(e)), await listen(createServer(k.callback()))];
    return {
      urls: [...running.map((app) => app.url), fastifyUrl],
      close: async () => {
        await Promise.all(running.map((app) => app.close()));
        await f.close();
      },
    };
  }

  it('requireUserToken(verifier) verifies with that verifier; requireScopes([...]) takes an array', async () => {
    const { urls, close } = await apps();
    try {
      const user = await issuer.mintUserToken({ scopes: ['read:font:data'] });
      const client = await issuer.mintClientToken({ scopes: ['other'] });
      for (const url of urls) {
        const get = (path: string, token: string) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } }).then((response) => response.status);
        expect([url, await get('/user', user), await get('/user', client), await get('/scoped', user), await get('/scoped', client)]).toEqual([url, 200, 403, 200, 403]);
      }
    } finally {
      await close();
    }
  });
});
