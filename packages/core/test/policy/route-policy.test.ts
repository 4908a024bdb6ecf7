import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { createVerifier, TokenGateError, type AccessToken, type RoutePolicyOptions, type RouteRule } from '@tokengate/core';
import { checkRequirement, compileRoutePolicy, routeDeniedError, type RouteDecision } from '@tokengate/core/adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerChallenge, BUCKET_ROUTE_RULES, NO_ROUTE_RULE, thrown, USER_REQUIRED } from '@tokengate/test-support';

/** The seed gateway table: per-route token-type buckets. */
const GATEWAY: readonly RouteRule[] = BUCKET_ROUTE_RULES;

type Outcome = 'user' | 'any' | 'client' | 'deny' | 'public';

/** `rule` is the path of the row expected to match. */
function outcome(decision: RouteDecision): { kind: Outcome; rule?: string } {
  if (decision.kind !== 'protected') return { kind: decision.kind };
  return { kind: decision.requirement.token, ...(decision.rule ? { rule: decision.rule.path } : {}) };
}

describe('the seed gateway table', () => {
  const policy = compileRoutePolicy(GATEWAY);

  const CASES: ReadonlyArray<readonly [method: string, path: string, kind: Outcome, rule?: string]> = [
    // /v1/file/*: the directory itself and everything below it, never a sibling prefix.
    ['GET', '/v1/file', 'user', '/v1/file/*'],
    ['GET', '/v1/file/', 'user', '/v1/file/*'],
    ['GET', '/v1/file/templates', 'user', '/v1/file/*'],
    ['POST', '/v1/file/templates/42/copy', 'user', '/v1/file/*'],
    ['DELETE', '/v1/file/a.pdf', 'user', '/v1/file/*'],
    ['GET', '/v1/file?page=2', 'user', '/v1/file/*'],
    ['GET', '/v1/file/?page=2', 'user', '/v1/file/*'],
    ['GET', '/v1/file/templates?next=/v1/document/validate', 'user', '/v1/file/*'],
    ['GET', '/v1/files', 'deny'],
    ['GET', '/v1/files/templates', 'deny'],
    ['GET', '/v1/file-archive', 'deny'],
    ['GET', '/v1/filex/1', 'deny'],
    ['GET', '/v1/fil', 'deny'],
    ['GET', '/v1', 'deny'],
    ['GET', '/v1/', 'deny'],
    ['GET', '/x/v1/file/templates', 'deny'],
    // case-insensitive by default, like Express and Fastify routing
    ['GET', '/V1/FILE/templates', 'user', '/v1/file/*'],
    // the other user-only buckets
    ['POST', '/v1/webhook', 'user', '/v1/webhook/*'],
    ['PUT', '/v1/webhook/hooks/7', 'user', '/v1/webhook/*'],
    ['GET', '/v1/webhooks', 'deny'],
    ['GET', '/v1/subscription', 'user', '/v1/subscription/*'],
    ['DELETE', '/v1/subscription/sub_1/', 'user', '/v1/subscription/*'],
    ['GET', '/v1/subscriptions', 'deny'],
    ['GET', '/v1/identity/me', 'user', '/v1/identity/*'],
    ['PATCH', '/v1/identity', 'user', '/v1/identity/*'],
    ['GET', '/v1/identity-provider', 'deny'],
    // exact paths, either token type
    ['POST', '/v1/document/validate', 'any', '/v1/document/validate'],
    ['POST', '/v1/document/validate/', 'any', '/v1/document/validate'],
    ['GET', '/v1/document/validate?strict=true&then=/v1/file/x', 'any', '/v1/document/validate'],
    ['POST', '/v1/document/validate/extra', 'deny'],
    ['POST', '/v1/document/validated', 'deny'],
    ['POST', '/v1/document', 'deny'],
    ['POST', '/v1/document/', 'deny'],
    ['GET', '/oauth/userinfo', 'any', '/oauth/userinfo'],
    ['POST', '/oauth/userinfo', 'any', '/oauth/userinfo'],
    ['GET', '/oauth/userinfo/', 'any', '/oauth/userinfo'],
    ['GET', '/oauth/userinfo?schema=openid', 'any', '/oauth/userinfo'],
    ['GET', '/oauth/userinfo/extra', 'deny'],
    ['GET', '/oauth', 'deny'],
    ['GET', '/oauth/token', 'deny'],
    // trailing `*` inside the last segment: the prefix, anything after it
    ['POST', '/v1/publisher/jobs', 'any', '/v1/publisher/jobs*'],
    ['GET', '/v1/publisher/jobs/', 'any', '/v1/publisher/jobs*'],
    ['GET', '/v1/publisher/jobs/123', 'any', '/v1/publisher/jobs*'],
    ['GET', '/v1/publisher/jobs/123/output', 'any', '/v1/publisher/jobs*'],
    ['GET', '/v1/publisher/jobs/123/output?format=pdf', 'any', '/v1/publisher/jobs*'],
    ['GET', '/v1/publisher/jobs-archive', 'any', '/v1/publisher/jobs*'],
    ['GET', '/v1/publisher/job', 'deny'],
    ['GET', '/v1/publisher', 'deny'],
    ['GET', '/v1/publisher/', 'deny'],
    ['POST', '/v1/converter/jobs', 'any', '/v1/converter/jobs*'],
    ['GET', '/v1/converter/jobs/abc/status', 'any', '/v1/converter/jobs*'],
    ['GET', '/v1/converter/job', 'deny'],
    // nothing else
    ['GET', '/', 'deny'],
    ['GET', '/health', 'deny'],
    ['GET', '/v2/file/templates', 'deny'],
  ];

  for (const [method, path, kind, rule] of CASES) {
    it(`${method} ${JSON.stringify(path)} → ${kind}${rule ? ` (${rule})` : ''}`, () => {
      expect(outcome(policy.match(method, path))).toEqual(rule ? { kind, rule } : { kind });
    });
  }

  it('keeps the rows as given', () => {
    expect(policy.rules).toEqual(GATEWAY);
    expect(policy.rules).not.toBe(GATEWAY);
    expect(policy.rules[0]).toBe(GATEWAY[0]);
    expect(Object.isFrozen(policy.rules)).toBe(true);
    expect(Object.isFrozen(policy)).toBe(true);
  });

  it('hands back the matching row itself and its compiled requirement', () => {
    const decision = policy.match('GET', '/v1/identity/me');
    expect(decision.kind).toBe('protected');
    if (decision.kind !== 'protected') return;
    expect(decision.rule).toBe(GATEWAY[3]);
    expect(decision.requirement).toEqual({ token: 'user', scopes: [], anyScopes: [], claims: [] });
  });

  it('gives the same decision object for the same row (compiled once)', () => {
    expect(policy.match('GET', '/v1/file/a')).toBe(policy.match('POST', '/v1/file/b'));
  });
});

describe('the seed gateway table with real tokens', () => {
  let issuer: TestIssuer;
  let user: AccessToken;
  let client: AccessToken;
  const policy = compileRoutePolicy(GATEWAY);

  beforeAll(async () => {
    issuer = await createTestIssuer();
    const verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience });
    user = await verifier.verify(await issuer.mintUserToken());
    client = await verifier.verify(await issuer.mintClientToken({ clientId: 'publisher-service' }));
  });
  afterAll(() => issuer.close());

  function requirementOf(method: string, path: string) {
    const decision = policy.match(method, path);
    if (decision.kind !== 'protected') throw new Error(`expected a protected route, got ${decision.kind}`);
    return decision.requirement;
  }

  const USER_ONLY = ['/v1/file/templates', '/v1/webhook/hooks', '/v1/subscription', '/v1/identity/me'];
  const EITHER = ['/v1/document/validate', '/v1/publisher/jobs/123/output', '/v1/converter/jobs', '/oauth/userinfo'];

  for (const path of USER_ONLY) {
    it(`${path}: a user token passes, a client token gets 403 invalid_token_type`, () => {
      expect(user.type).toBe('user');
      expect(client.type).toBe('client');
      expect(() => checkRequirement(user, requirementOf('GET', path))).not.toThrow();
      const error = thrown(() => checkRequirement(client, requirementOf('GET', path)));
      expect(error.code).toBe('invalid_token_type');
      expect(error.status).toBe(403);
      expect(error.description).toBe(USER_REQUIRED);
    });
  }

  for (const path of EITHER) {
    it(`${path}: user and client tokens both pass`, () => {
      expect(() => checkRequirement(user, requirementOf('POST', path))).not.toThrow();
      expect(() => checkRequirement(client, requirementOf('POST', path))).not.toThrow();
    });
  }
});

describe('path patterns', () => {
  function matches(pattern: string, path: string): boolean {
    return compileRoutePolicy([{ path: pattern }]).match('GET', path).kind === 'protected';
  }

  const CASES: ReadonlyArray<readonly [pattern: string, path: string, expected: boolean]> = [
    // `:name` is exactly one non-empty segment
    ['/v1/fonts/:id', '/v1/fonts/42', true],
    ['/v1/fonts/:id', '/v1/fonts/42/', true],
    ['/v1/fonts/:id', '/v1/fonts/a.b-c_d~e', true],
    ['/v1/fonts/:id', '/v1/fonts', false],
    ['/v1/fonts/:id', '/v1/fonts/', false],
    ['/v1/fonts/:id', '/v1/fonts/42/files', false],
    ['/v1/orgs/:org/members/:id', '/v1/orgs/acme/members/7', true],
    ['/v1/orgs/:org/members/:id', '/v1/orgs/acme/members', false],
    ['/v1/fonts/:id/*', '/v1/fonts/42', true],
    ['/v1/fonts/:id/*', '/v1/fonts/42/files/1', true],
    ['/v1/fonts/:id/*', '/v1/fonts', false],
    // literal segments match exactly, trailing slash of the request tolerated
    ['/health', '/health', true],
    ['/health', '/health/', true],
    ['/health', '/health?verbose=1', true],
    ['/health', '/healthz', false],
    ['/health', '/Health', true],
    ['/health', '/api/health', false],
    ['/', '/', true],
    ['/', '/anything', false],
    // `/*` covers everything, `*` inside a segment any rest
    ['/*', '/', true],
    ['/*', '/a/b/c', true],
    ['/v1/*', '/v1', true],
    ['/v1/*', '/v1/', true],
    ['/v1/*', '/v10', false],
    ['/v1/*/jobs', '/v1/publisher/jobs', true],
    ['/v1/*/jobs', '/v1/jobs', false],
    // an in-path `*` covers one segment: a deeper route never inherits the row's decision
    ['/v1/*/public', '/v1/admin/users/public', false],
    ['/v1/*/public', '/v1/docs/public', true],
    ['/v1/a*b/x', '/v1/a/b/x', false],
    ['/v1/a*b/x', '/v1/a-b/x', true],
    ['/v1/a*b*c', '/v1/abc', true],
    ['/v1/a*b*c', '/v1/aXbYc', true],
    ['/v1/a*b*c', '/v1/acb', false],
    ['/v1/a*b*c', '/v1/abcb', false],
    ['/v1/a*b*c/*', '/v1/abbc/deeper/path', true],
    ['/orgs/*/repos/*/issues/*/comments', '/orgs/acme/repos/web/issues/7/comments', true],
    ['/orgs/*/repos/*/issues/*/comments', '/orgs/acme/repos/web/issues/7/8/comments', false],
    ['/v1/pub*', '/v1/publisher/jobs/1', true],
    ['/v1/pub*', '/v1/pu', false],
    // regular-expression metacharacters are literal
    ['/v1/a.b', '/v1/a.b', true],
    ['/v1/a.b', '/v1/aXb', false],
    ['/v1/a+b', '/v1/a+b', true],
    ['/v1/a+b', '/v1/aab', false],
    ['/v1/a?', '/v1/a', false],
    ['/v1/a?', '/v1/', false],
    ['/v1/(x)', '/v1/(x)', true],
    ['/v1/(x)', '/v1/x', false],
    ['/v1/a|b', '/v1/a|b', true],
    ['/v1/a|b', '/v1/a', false],
    ['/v1/a|b', '/b', false],
    ['/v1/a|b', '/v1/anything', false],
    ['/v1/x{2}', '/v1/x{2}', true],
    ['/v1/x{2}', '/v1/xx', false],
    ['/v1/[id]', '/v1/[id]', true],
    ['/v1/[id]', '/v1/i', false],
    ['/v1/$ref', '/v1/$ref', true],
    ['/v1/^x', '/v1/^x', true],
    ['/v1/a\\d', '/v1/a5', false],
    ['/v1/a.*', '/v1/a.json', true],
    ['/v1/a.*', '/v1/ab', false],
  ];

  for (const [pattern, path, expected] of CASES) {
    it(`${JSON.stringify(pattern)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(path)}`, () => {
      expect(matches(pattern, path)).toBe(expected);
    });
  }

  it('matches in time linear in the path (a worst-case path for backtracking, eight times longer, costs about eight times more)', () => {
    const policy = compileRoutePolicy([{ path: '/orgs/*/repos/*/issues/*/comments', token: 'user' }], { unmatched: 'public' });
    // Many repetitions of the literal parts and no match: what made `.*`-compiled rows cubic.
    const path = (size: number) => `/orgs/${'/repos/issues'.repeat(size / 13)}x`.replace(/\/\//g, '/x/');
    const cost = (size: number) => {
      const target = path(size);
      const samples: number[] = [];
      for (let round = 0; round < 15; round += 1) {
        const start = process.hrtime.bigint();
        for (let i = 0; i < 20; i += 1) if (policy.match('GET', target).kind !== 'public') throw new Error('expected the unmatched default');
        samples.push(Number(process.hrtime.bigint() - start));
      }
      // The fastest round: other work on a shared machine only ever adds time.
      return Math.min(...samples);
    };
    cost(4_000); // warm up
    const ratio = cost(16_000) / cost(2_000);
    // Linear work gives about 8; quadratic 64, cubic 512. The bound sits a factor of 2.8 from both
    // linear and quadratic, so a busy machine's noise does not cross it.
    expect(ratio).toBeLessThan(22);
  });

  it('`*` covers every character of the rest of the path, line terminators included', () => {
    // `*` is "any rest of the path", and `:name` already matches these characters; a `*` row must
    // not let a (decoded) path such as `/v1/file/a\nb` fall through to a later, weaker row.
    const policy = compileRoutePolicy([
      { path: '/v1/file/*', token: 'user' },
      { path: '/v1/publisher/jobs*', token: 'client' },
      { path: '/v1/:resource/:id', token: 'any' },
    ]);
    for (const character of ['\n', '\r', '\u2028', '\u2029']) {
      expect(outcome(policy.match('GET', `/v1/file/a${character}b`))).toEqual({ kind: 'user', rule: '/v1/file/*' });
      expect(outcome(policy.match('GET', `/v1/publisher/jobs${character}1`))).toEqual({ kind: 'client', rule: '/v1/publisher/jobs*' });
    }
    expect(outcome(policy.match('GET', '/v1/fonts/a\nb'))).toEqual({ kind: 'any', rule: '/v1/:resource/:id' });
  });

  const BAD_PATTERNS: readonly unknown[] = ['', 'v1/file', '*', 'v1/*', ':id', ' /v1', undefined, null, 42, ['/v1']];
  for (const pattern of BAD_PATTERNS) {
    it(`refuses the pattern ${JSON.stringify(pattern) ?? 'undefined'} with a TypeError`, () => {
      expect(() => compileRoutePolicy([{ path: pattern as string }])).toThrow(TypeError);
    });
  }

  it('names the bad pattern', () => {
    expect(() => compileRoutePolicy([{ path: '/ok' }, { path: 'v1/file/*', token: 'user' }])).toThrow('Route pattern must start with "/" (got "v1/file/*")');
  });
});

describe('compileRoutePolicy validation', () => {
  it('refuses a non-array', () => {
    expect(() => compileRoutePolicy({ path: '/v1' } as unknown as RouteRule[])).toThrow(TypeError);
    expect(() => compileRoutePolicy('/v1/*' as unknown as RouteRule[])).toThrow('A route policy is an array of rules');
  });

  it('refuses a row with a bad requirement', () => {
    expect(() => compileRoutePolicy([{ path: '/v1/*', token: 'admin' as 'user' }])).toThrow(TypeError);
    expect(() => compileRoutePolicy([{ path: '/v1/*', scopes: 42 as unknown as string }])).toThrow(TypeError);
    expect(() => compileRoutePolicy([{ path: '/v1/*', claims: ['sub'] as unknown as [] }])).toThrow(TypeError);
  });

  it('refuses methods that are not an array of strings', () => {
    expect(() => compileRoutePolicy([{ path: '/v1/*', methods: 'GET' as unknown as string[] }])).toThrow(TypeError);
    expect(() => compileRoutePolicy([{ path: '/v1/*', methods: ['GET', 7] as unknown as string[] }])).toThrow(TypeError);
  });

  it('accepts an empty table', () => {
    expect(compileRoutePolicy([]).match('GET', '/')).toEqual({ kind: 'deny' });
  });

  it('refuses an unknown "unmatched" value instead of silently authenticating', () => {
    // A typo such as 'denied' must not turn a deny-by-default policy into "any valid token".
    for (const unmatched of ['denied', 'Deny', 'allow', 'none', '']) {
      expect(() => compileRoutePolicy(GATEWAY, { unmatched } as unknown as RoutePolicyOptions)).toThrow(TypeError);
    }
  });
});

describe('methods', () => {
  const policy = compileRoutePolicy([
    { path: '/v1/fonts/:id', methods: ['get', 'Head'], token: 'client' },
    { path: '/v1/fonts/:id', methods: ['DELETE'], token: 'user', scopes: 'delete:font' },
    { path: '/v1/fonts/*', token: 'any', scopes: 'fonts' },
  ]);

  const CASES: ReadonlyArray<readonly [method: string, path: string, kind: Outcome, scopes: readonly string[]]> = [
    ['GET', '/v1/fonts/1', 'client', []],
    ['get', '/v1/fonts/1', 'client', []],
    ['Get', '/v1/fonts/1', 'client', []],
    ['HEAD', '/v1/fonts/1', 'client', []],
    ['head', '/v1/fonts/1', 'client', []],
    ['DELETE', '/v1/fonts/1', 'user', ['delete:font']],
    ['delete', '/v1/fonts/1', 'user', ['delete:font']],
    ['POST', '/v1/fonts/1', 'any', ['fonts']],
    ['PUT', '/v1/fonts/1', 'any', ['fonts']],
    ['GET', '/v1/fonts', 'any', ['fonts']],
    ['DELETE', '/v1/fonts/1/files', 'any', ['fonts']],
  ];
  for (const [method, path, kind, scopes] of CASES) {
    it(`${method} ${path} → ${kind}`, () => {
      const decision = policy.match(method, path);
      expect(decision.kind).toBe('protected');
      if (decision.kind !== 'protected') return;
      expect(decision.requirement.token).toBe(kind);
      expect(decision.requirement.scopes).toEqual(scopes);
    });
  }

  it('a method-filtered row does not match other methods, which fall to the default', () => {
    const only = compileRoutePolicy([{ path: '/v1/reports', methods: ['GET'], token: 'user' }]);
    expect(only.match('GET', '/v1/reports').kind).toBe('protected');
    expect(only.match('POST', '/v1/reports')).toEqual({ kind: 'deny' });
    expect(only.match('DELETE', '/v1/reports')).toEqual({ kind: 'deny' });
  });

  it('a HEAD request follows the GET rows (RFC 9110 §9.3.2)', () => {
    const only = compileRoutePolicy([{ path: '/v1/reports', methods: ['get'], token: 'user' }]);
    expect(only.match('HEAD', '/v1/reports').kind).toBe('protected');
    const postOnly = compileRoutePolicy([{ path: '/v1/reports', methods: ['POST'], token: 'user' }]);
    expect(postOnly.match('HEAD', '/v1/reports')).toEqual({ kind: 'deny' });
  });

  it('an empty methods list matches no request', () => {
    const none = compileRoutePolicy([{ path: '/v1/*', methods: [], public: true }]);
    expect(none.match('GET', '/v1/x')).toEqual({ kind: 'deny' });
  });
});

describe('caseSensitive', () => {
  it('is off by default, so another spelling cannot slip past a rule', () => {
    const policy = compileRoutePolicy([{ path: '/v1/file/*', token: 'user' }], { unmatched: 'public' });
    expect(policy.match('GET', '/V1/File/templates').kind).toBe('protected');
  });

  it('when on, is still off for a router the adapter says is case-insensitive', () => {
    const policy = compileRoutePolicy([{ path: '/v1/admin/*', token: 'user' }, { path: '/v1/*', public: true }], { caseSensitive: true });
    expect(policy.match('GET', '/v1/ADMIN/users').kind).toBe('public');
    expect(policy.match('GET', '/v1/ADMIN/users', { caseSensitive: false }).kind).toBe('protected');
    expect(policy.match('GET', '/v1/ADMIN/users', { caseSensitive: true }).kind).toBe('public');
  });

  it('when on, other spellings fall to the unmatched default', () => {
    const policy = compileRoutePolicy([{ path: '/v1/file/*', token: 'user' }], { caseSensitive: true });
    expect(policy.match('GET', '/v1/file/templates').kind).toBe('protected');
    expect(policy.match('GET', '/V1/FILE/templates')).toEqual({ kind: 'deny' });
  });
});

describe('first match wins', () => {
  it('the earlier row decides when several match', () => {
    const broadFirst = compileRoutePolicy([
      { path: '/v1/*', token: 'client' },
      { path: '/v1/file/*', token: 'user' },
    ]);
    const narrowFirst = compileRoutePolicy([
      { path: '/v1/file/*', token: 'user' },
      { path: '/v1/*', token: 'client' },
    ]);
    expect(outcome(broadFirst.match('GET', '/v1/file/x'))).toEqual({ kind: 'client', rule: '/v1/*' });
    expect(outcome(narrowFirst.match('GET', '/v1/file/x'))).toEqual({ kind: 'user', rule: '/v1/file/*' });
    expect(outcome(narrowFirst.match('GET', '/v1/other'))).toEqual({ kind: 'client', rule: '/v1/*' });
  });

  it('a public row shadows a later protected row, and the other way round', () => {
    const publicFirst = compileRoutePolicy([{ path: '/docs/*', public: true }, { path: '/*', token: 'user' }]);
    expect(publicFirst.match('GET', '/docs/index.html')).toEqual({ kind: 'public' });
    expect(outcome(publicFirst.match('GET', '/v1/file'))).toEqual({ kind: 'user', rule: '/*' });
    const protectedFirst = compileRoutePolicy([{ path: '/*', token: 'user' }, { path: '/docs/*', public: true }]);
    expect(outcome(protectedFirst.match('GET', '/docs/index.html'))).toEqual({ kind: 'user', rule: '/*' });
  });
});

describe('public rows', () => {
  const policy = compileRoutePolicy([
    { path: '/health', public: true },
    { path: '/docs/*', methods: ['GET'], public: true },
    { path: '/docs/*', token: 'user' },
    { path: '/metrics', public: false, token: 'client' },
  ]);

  it('need no token', () => {
    expect(policy.match('GET', '/health')).toEqual({ kind: 'public' });
    expect(policy.match('POST', '/health/')).toEqual({ kind: 'public' });
    expect(policy.match('GET', '/docs')).toEqual({ kind: 'public' });
    expect(policy.match('GET', '/docs/guide/intro?x=1')).toEqual({ kind: 'public' });
  });

  it('respect their methods', () => {
    expect(outcome(policy.match('PUT', '/docs/guide'))).toEqual({ kind: 'user', rule: '/docs/*' });
  });

  it('public: false is an ordinary protected row', () => {
    expect(outcome(policy.match('GET', '/metrics'))).toEqual({ kind: 'client', rule: '/metrics' });
  });

  it('do not match neighbours', () => {
    expect(policy.match('GET', '/healthz')).toEqual({ kind: 'deny' });
    expect(policy.match('GET', '/health/live')).toEqual({ kind: 'deny' });
  });
});

describe('unmatched requests', () => {
  const rules: readonly RouteRule[] = [{ path: '/v1/file/*', token: 'user' }];

  it('are denied by default', () => {
    expect(compileRoutePolicy(rules).match('GET', '/v1/files')).toEqual({ kind: 'deny' });
    expect(compileRoutePolicy(rules, {}).match('GET', '/v1/files')).toEqual({ kind: 'deny' });
    expect(compileRoutePolicy(rules, { unmatched: 'deny' }).match('GET', '/v1/files')).toEqual({ kind: 'deny' });
  });

  it('need any valid token with unmatched: authenticate', () => {
    const decision = compileRoutePolicy(rules, { unmatched: 'authenticate' }).match('GET', '/v1/files');
    expect(decision).toEqual({ kind: 'protected', requirement: { token: 'any', scopes: [], anyScopes: [], claims: [] }, rule: undefined });
  });

  it('need no token with unmatched: public', () => {
    expect(compileRoutePolicy(rules, { unmatched: 'public' }).match('GET', '/v1/files')).toEqual({ kind: 'public' });
  });

  it('never change what matched rows decide', () => {
    for (const unmatched of ['deny', 'authenticate', 'public'] as const) {
      expect(outcome(compileRoutePolicy(rules, { unmatched }).match('GET', '/v1/file/x'))).toEqual({ kind: 'user', rule: '/v1/file/*' });
    }
  });
});

describe('routeDeniedError', () => {
  it('is a 403 access_denied with a challenge', () => {
    const error = routeDeniedError();
    expect(error).toBeInstanceOf(TokenGateError);
    expect(error.code).toBe('access_denied');
    expect(error.status).toBe(403);
    expect(error.statusCode).toBe(403);
    expect(error.description).toBe(NO_ROUTE_RULE);
    expect(error.headers()).toEqual({
      'WWW-Authenticate': bearerChallenge('access_denied', NO_ROUTE_RULE),
    });
    expect(error.toProblem()).toMatchObject({ status: 403, error: 'access_denied', title: 'Access denied' });
  });

  it('is a fresh error each time (each denial is its own failure with its own instance)', () => {
    const first = routeDeniedError();
    const second = routeDeniedError();
    expect(first).not.toBe(second);
    expect(first.instance).not.toBe(second.instance);
  });
});

describe('request targets are read as the router routes them', () => {
  const policy = compileRoutePolicy([{ path: '/v1/admin/*', token: 'user' }, { path: '/v1/*', public: true }, { path: '/', public: true }]);
  const decide = (target: string, router = {}) => {
    const decision = policy.match('GET', target, router);
    return decision.kind === 'protected' ? 'admin' : decision.kind;
  };

  const READ: ReadonlyArray<readonly [target: string, expected: string, router?: Record<string, boolean>]> = [
    ['/v1/admin/users', 'admin'],
    // percent-encoded letters are the same path to the router (Fastify decodes before routing)
    ['/v1/%61dmin/users', 'admin'],
    ['/v1/%41DMIN/users', 'admin'],
    ['/v1/admin%2dx', 'public'],
    ['/v1/adm%C3%AFn', 'public'],
    // absolute-form targets are routed by their path
    ['http://x/v1/admin/users', 'admin'],
    ['HTTPS://api.example.com:8443/v1/admin/users?x', 'admin'],
    ['ftp://x/v1/admin/users', 'admin'],
    ['http://x', 'public'],
    ['http://x?/v1/admin', 'public'],
    // query, fragment, and `;` only where the router cuts there
    ['/v1/admin/users?next=/v1/other', 'admin'],
    ['/v1/admin/users#frag', 'admin'],
    ['/v1/admin;x/users', 'public'],
    ['/v1/admin;x/users', 'admin', { useSemicolonDelimiter: true }],
    ['/v1/admin/users;x', 'admin', { useSemicolonDelimiter: true }],
    // case and trailing slash
    ['/V1/ADMIN/users', 'admin'],
    ['/v1/admin/users/', 'admin'],
    ['/v1/admin', 'admin'],
    // `//` folded where the router folds it
    ['/v1//admin/users', 'admin', { ignoreDuplicateSlashes: true }],
    ['//v1/admin/users', 'admin', { ignoreDuplicateSlashes: true }],
    // not dot segments
    ['/v1/.well-known/x', 'public'],
    ['/v1/admin/..x', 'admin'],
  ];
  for (const [target, expected, router] of READ) {
    it(`${JSON.stringify(target)}${router ? ` with ${JSON.stringify(router)}` : ''} → ${expected}`, () => {
      expect(decide(target, router)).toBe(expected);
    });
  }

  const REFUSED: readonly (readonly [target: string, reason: RegExp])[] = [
    ['/v1/%2e%2e/admin/users', /"\." or "\.\." segment/],
    ['/v1/x/../admin/users', /segment/],
    ['/v1/./admin/users', /segment/],
    ['/v1/admin/%2E', /segment/],
    ['/v1/x/%2e./admin', /segment/],
    ['/v1/admin%2Fusers', /encoded "\/"/],
    ['/v1/admin%2fusers', /encoded "\/"/],
    ['/v1/admin%5Cusers', /encoded/],
    ['/v1/admin\\users', /"\\"/],
    ['/v1/%zzadmin', /invalid percent-encoding/],
    ['/v1/admin%', /invalid percent-encoding/],
    ['/v1/%E0%A4%A', /invalid percent-encoding/],
    ['/v1/%C0%AF', /UTF-8/],
    ['/v1//admin/users', /empty segment/],
    ['//v1/admin/users', /empty segment/],
    ['*', /not a path/],
    ['', /not a path/],
    ['v1/admin/users', /not a path/],
    ['http:/v1/admin', /not a path/],
  ];
  for (const [target, reason] of REFUSED) {
    it(`refuses ${JSON.stringify(target)} with 400 invalid_request rather than guess`, () => {
      const error = thrown(() => policy.match('GET', target));
      expect(error.code).toBe('invalid_request');
      expect(error.status).toBe(400);
      expect(error.description).toMatch(reason);
    });
  }
});
