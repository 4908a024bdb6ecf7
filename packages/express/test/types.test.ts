import express5, { type Request as Request5, type RequestHandler as RequestHandler5 } from 'express';
import express4, { type Request as Request4, type RequestHandler as RequestHandler4 } from 'express4';
import request from 'supertest';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  auth,
  requireAnyScope,
  requireClaims,
  requireClientToken,
  requireScopes,
  requireToken,
  requireUserToken,
  routePolicy,
  claimEquals,
  type AccessToken,
  type AuthOptions,
  type GuardOptions,
  type ProblemDetails,
  type TokenGateError,
  type TokenGateMiddleware,
} from '@tokengate/express';

describe('request augmentation', () => {
  it('types req.auth as AccessToken | undefined on Express 5 and Express 4 requests', () => {
    expectTypeOf<Request5['auth']>().toEqualTypeOf<AccessToken | undefined>();
    expectTypeOf<Request4['auth']>().toEqualTypeOf<AccessToken | undefined>();
  });

  it('types req.auth inside route handlers without casts, keeping Express types for the rest', async () => {
    const source = { issuer: 'https://auth.example.com/', audience: 'https://api.example.com' };
    const app5 = express5();
    app5.get('/fonts/:id', auth(source, { optional: true }), requireToken({}, { optional: true }), (req, res) => {
      expectTypeOf(req.auth).toEqualTypeOf<AccessToken | undefined>();
      expectTypeOf(req.params.id).toEqualTypeOf<string>();
      expectTypeOf(req.query).toEqualTypeOf<Request5['query']>();
      expectTypeOf(res.json).parameter(0).toBeAny();
      res.json({ id: req.params.id, auth: req.auth?.subject ?? null });
    });
    const app4 = express4();
    app4.get('/fonts/:id', auth(source, { optional: true }), (req, res) => {
      expectTypeOf(req.auth).toEqualTypeOf<AccessToken | undefined>();
      expectTypeOf(req.params.id).toEqualTypeOf<string>();
      res.json({ id: req.params.id, auth: req.auth?.subject ?? null });
    });
    for (const app of [app5, app4]) {
      const response = await request(app).get('/fonts/7');
      expect(response.body).toEqual({ id: '7', auth: null });
    }
  });
});

describe('public signatures', () => {
  it('every factory returns a middleware both Express versions accept', () => {
    expectTypeOf(auth).returns.toEqualTypeOf<TokenGateMiddleware>();
    expectTypeOf(requireToken).returns.toEqualTypeOf<TokenGateMiddleware>();
    expectTypeOf(requireUserToken).returns.toEqualTypeOf<TokenGateMiddleware>();
    expectTypeOf(requireClientToken).returns.toEqualTypeOf<TokenGateMiddleware>();
    expectTypeOf(requireScopes).returns.toEqualTypeOf<TokenGateMiddleware>();
    expectTypeOf(requireAnyScope).returns.toEqualTypeOf<TokenGateMiddleware>();
    expectTypeOf(requireClaims).returns.toEqualTypeOf<TokenGateMiddleware>();
    expectTypeOf(routePolicy).returns.toEqualTypeOf<TokenGateMiddleware>();
    expectTypeOf<TokenGateMiddleware>().toExtend<RequestHandler5>();
    expectTypeOf<TokenGateMiddleware>().toExtend<RequestHandler4>();
    expectTypeOf(requireScopes).toBeCallableWith('read', 'write');
    expectTypeOf(requireScopes).toBeCallableWith('read', { errors: 'delegate' });
    expectTypeOf(requireAnyScope).toBeCallableWith('read', 'admin', { source: { issuer: 'https://auth.example.com/', audience: 'api' } });
    expectTypeOf(requireClaims).toBeCallableWith(claimEquals('org_id', 'org_123'));
    expectTypeOf(requireClaims).toBeCallableWith(claimEquals('org_id', 'org_123'), { errors: 'delegate' });
  });

  it('options are typed', () => {
    expectTypeOf<AuthOptions['errors']>().toEqualTypeOf<'respond' | 'delegate' | undefined>();
    expectTypeOf<NonNullable<AuthOptions['formatProblem']>>().parameters.toEqualTypeOf<[ProblemDetails, TokenGateError]>();
    expectTypeOf<GuardOptions>().toExtend<AuthOptions>();
    expectTypeOf(routePolicy).parameter(1).toExtend<{ unmatched?: 'deny' | 'authenticate' | 'public' } | undefined>();
  });
});
