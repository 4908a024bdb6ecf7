import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { createVerifier, TokenGateError, type Verifier, type VerifierOptions } from '@tokengate/core';
import { ENVIRONMENT_VARIABLES, isVerifier, lazyVerifier, notConfiguredError, optionsFromEnvironment } from '@tokengate/core/adapter';
import { NOT_CONFIGURED, thrown } from '@tokengate/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

type Environment = Record<string, string | undefined>;

let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('ENVIRONMENT_VARIABLES', () => {
  it('names the three variables and cannot be changed', () => {
    expect(ENVIRONMENT_VARIABLES).toEqual({ issuer: 'TOKENGATE_ISSUER', audience: 'TOKENGATE_AUDIENCE', jwksUri: 'TOKENGATE_JWKS_URI' });
    expect(Object.isFrozen(ENVIRONMENT_VARIABLES)).toBe(true);
  });
});

describe('optionsFromEnvironment', () => {
  const ISSUER = 'https://auth.example.com/';
  const AUDIENCE = 'https://api.example.com';

  const MISSING: ReadonlyArray<readonly [string, Environment]> = [
    ['an empty environment', {}],
    ['no audience', { TOKENGATE_ISSUER: ISSUER }],
    ['no issuer', { TOKENGATE_AUDIENCE: AUDIENCE }],
    ['only a JWKS URI', { TOKENGATE_JWKS_URI: 'https://auth.example.com/jwks' }],
    ['an empty issuer', { TOKENGATE_ISSUER: '', TOKENGATE_AUDIENCE: AUDIENCE }],
    ['an empty audience', { TOKENGATE_ISSUER: ISSUER, TOKENGATE_AUDIENCE: '' }],
    ['a blank issuer', { TOKENGATE_ISSUER: '   ', TOKENGATE_AUDIENCE: AUDIENCE }],
    ['a blank audience', { TOKENGATE_ISSUER: ISSUER, TOKENGATE_AUDIENCE: ' \t\n' }],
    ['an undefined issuer', { TOKENGATE_ISSUER: undefined, TOKENGATE_AUDIENCE: AUDIENCE }],
    ['lower-case names', { tokengate_issuer: ISSUER, tokengate_audience: AUDIENCE }],
    ['other prefixes', { ISSUER, AUDIENCE, AUTH0_ISSUER: ISSUER }],
  ];
  for (const [name, environment] of MISSING) {
    it(`is undefined with ${name}`, () => {
      expect(optionsFromEnvironment(environment)).toBeUndefined();
    });
  }

  it('reads issuer and audience', () => {
    expect(optionsFromEnvironment({ TOKENGATE_ISSUER: ISSUER, TOKENGATE_AUDIENCE: AUDIENCE })).toEqual({ issuer: ISSUER, audience: AUDIENCE });
  });

  it('trims the values', () => {
    expect(optionsFromEnvironment({ TOKENGATE_ISSUER: `  ${ISSUER}\n`, TOKENGATE_AUDIENCE: `\t${AUDIENCE} ` })).toEqual({ issuer: ISSUER, audience: AUDIENCE });
  });

  it('splits comma-separated lists, trimming entries and dropping empty ones', () => {
    expect(
      optionsFromEnvironment({
        TOKENGATE_ISSUER: 'https://a.example.com/, https://b.example.com/',
        TOKENGATE_AUDIENCE: 'api-1,,api-2 ,  , api-3,',
      }),
    ).toEqual({ issuer: ['https://a.example.com/', 'https://b.example.com/'], audience: ['api-1', 'api-2', 'api-3'] });
  });

  it('gives a plain string for a list of one', () => {
    expect(optionsFromEnvironment({ TOKENGATE_ISSUER: `${ISSUER},`, TOKENGATE_AUDIENCE: `, ${AUDIENCE} ,` })).toEqual({ issuer: ISSUER, audience: AUDIENCE });
  });

  it('reads the optional JWKS URI, trimmed and never split', () => {
    expect(
      optionsFromEnvironment({ TOKENGATE_ISSUER: ISSUER, TOKENGATE_AUDIENCE: AUDIENCE, TOKENGATE_JWKS_URI: ' https://auth.example.com/jwks?a=1,2 ' }),
    ).toEqual({ issuer: ISSUER, audience: AUDIENCE, jwksUri: 'https://auth.example.com/jwks?a=1,2' });
  });

  it('leaves out a missing or blank JWKS URI entirely', () => {
    for (const jwksUri of [undefined, '', '   ']) {
      const options = optionsFromEnvironment({ TOKENGATE_ISSUER: ISSUER, TOKENGATE_AUDIENCE: AUDIENCE, TOKENGATE_JWKS_URI: jwksUri });
      expect(options).toEqual({ issuer: ISSUER, audience: AUDIENCE });
      expect(options && Object.keys(options)).toEqual(['issuer', 'audience']);
    }
  });

  it('ignores every other variable', () => {
    const options = optionsFromEnvironment({ TOKENGATE_ISSUER: ISSUER, TOKENGATE_AUDIENCE: AUDIENCE, TOKENGATE_REALM: 'x', TOKENGATE_STRICT: 'true' });
    expect(options).toEqual({ issuer: ISSUER, audience: AUDIENCE });
  });

  it('reads only the environment it is given, never process.env', () => {
    vi.stubEnv('TOKENGATE_ISSUER', ISSUER);
    vi.stubEnv('TOKENGATE_AUDIENCE', AUDIENCE);
    expect(optionsFromEnvironment({})).toBeUndefined();
    expect(optionsFromEnvironment({ TOKENGATE_ISSUER: 'https://other.example.com/', TOKENGATE_AUDIENCE: 'other' })).toEqual({
      issuer: 'https://other.example.com/',
      audience: 'other',
    });
  });

  it('does not modify the environment', () => {
    const environment = Object.freeze({ TOKENGATE_ISSUER: ` ${ISSUER} `, TOKENGATE_AUDIENCE: 'a,b' });
    optionsFromEnvironment(environment);
    expect(environment).toEqual({ TOKENGATE_ISSUER: ` ${ISSUER} `, TOKENGATE_AUDIENCE: 'a,b' });
  });
});

describe('notConfiguredError', () => {
  it('is a 500 server_error telling what to configure', () => {
    const error = notConfiguredError();
    expect(error).toBeInstanceOf(TokenGateError);
    expect(error.code).toBe('server_error');
    expect(error.status).toBe(500);
    expect(error.description).toBe(NOT_CONFIGURED);
    expect(error.headers()).toEqual({});
  });

  it('is a new error each time', () => {
    expect(notConfiguredError()).not.toBe(notConfiguredError());
  });
});

describe('isVerifier', () => {
  it('recognises a verifier', () => {
    expect(isVerifier(createVerifier({ issuer: issuer.issuer, audience: issuer.audience }))).toBe(true);
    expect(isVerifier({ authenticate: () => undefined, fail: () => undefined })).toBe(true);
  });

  it('refuses options and anything else', () => {
    for (const value of [{ issuer: issuer.issuer, audience: issuer.audience }, { authenticate: () => undefined }, { fail: () => undefined }, null, undefined, 'verifier', () => undefined]) {
      expect(isVerifier(value)).toBe(false);
    }
  });
});

describe('lazyVerifier', () => {
  function testEnvironment(extra: Environment = {}): Environment {
    return { TOKENGATE_ISSUER: issuer.issuer, TOKENGATE_AUDIENCE: issuer.audience, ...extra };
  }

  async function verifiesRealTokens(verifier: Verifier): Promise<void> {
    const token = await verifier.verify(await issuer.mintUserToken({ sub: 'alice', scopes: ['read'] }));
    expect(token).toMatchObject({ subject: 'alice', type: 'user', scopes: ['read'], issuer: issuer.issuer });
  }

  describe('from options', () => {
    it('makes one verifier on first use and then reuses it', async () => {
      const get = lazyVerifier({ issuer: issuer.issuer, audience: issuer.audience, realm: 'from-options' }, {});
      const verifier = get();
      expect(isVerifier(verifier)).toBe(true);
      expect(verifier.options.realm).toBe('from-options');
      expect(verifier.options.issuers).toEqual([issuer.issuer]);
      expect(get()).toBe(verifier);
      expect(get()).toBe(verifier);
      await verifiesRealTokens(verifier);
    });

    it('prefers the options to the environment', () => {
      const get = lazyVerifier({ issuer: issuer.issuer, audience: 'from-options' }, { TOKENGATE_ISSUER: 'http://example.com', TOKENGATE_AUDIENCE: 'from-env' });
      expect(get().options.audiences).toEqual(['from-options']);
    });

    it('does not call onNotConfigured', () => {
      const onNotConfigured = vi.fn();
      lazyVerifier({ issuer: issuer.issuer, audience: issuer.audience }, {}, onNotConfigured)();
      expect(onNotConfigured).not.toHaveBeenCalled();
    });
  });

  describe('from a Verifier', () => {
    it('returns that very verifier, ignoring the environment', () => {
      const verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience });
      const onNotConfigured = vi.fn();
      const get = lazyVerifier(verifier, { TOKENGATE_ISSUER: 'https://other.example.com/', TOKENGATE_AUDIENCE: 'other' }, onNotConfigured);
      expect(get()).toBe(verifier);
      expect(get()).toBe(verifier);
      expect(onNotConfigured).not.toHaveBeenCalled();
    });
  });

  describe('from the environment', () => {
    it('makes one verifier from TOKENGATE_* and reuses it', async () => {
      const get = lazyVerifier(undefined, testEnvironment());
      const verifier = get();
      expect(verifier.options.issuers).toEqual([issuer.issuer]);
      expect(verifier.options.audiences).toEqual([issuer.audience]);
      expect(verifier.options.jwksUri).toBeUndefined();
      expect(get()).toBe(verifier);
      await verifiesRealTokens(verifier);
    });

    it('uses TOKENGATE_JWKS_URI instead of discovery', async () => {
      issuer.resetCounts();
      const verifier = lazyVerifier(undefined, testEnvironment({ TOKENGATE_JWKS_URI: issuer.jwksUri }))();
      expect(verifier.options.jwksUri).toBe(issuer.jwksUri);
      await verifiesRealTokens(verifier);
      expect(issuer.fetchCounts.discovery).toBe(0);
      expect(issuer.fetchCounts.jwks).toBe(1);
    });

    it('accepts comma-separated audiences', async () => {
      const verifier = lazyVerifier(undefined, testEnvironment({ TOKENGATE_AUDIENCE: `https://other.example, ${issuer.audience}` }))();
      expect(verifier.options.audiences).toEqual(['https://other.example', issuer.audience]);
      await verifiesRealTokens(verifier);
    });

    it('reads the environment on first use, not when created, and not again afterwards', () => {
      const environment: Environment = {};
      const get = lazyVerifier(undefined, environment);
      environment.TOKENGATE_ISSUER = issuer.issuer;
      environment.TOKENGATE_AUDIENCE = 'first';
      const verifier = get();
      expect(verifier.options.audiences).toEqual(['first']);
      environment.TOKENGATE_AUDIENCE = 'second';
      expect(get()).toBe(verifier);
      expect(get().options.audiences).toEqual(['first']);
    });

    it('does not read process.env', () => {
      vi.stubEnv('TOKENGATE_ISSUER', issuer.issuer);
      vi.stubEnv('TOKENGATE_AUDIENCE', issuer.audience);
      expect(() => lazyVerifier(undefined, {})()).toThrow(TokenGateError);
    });
  });

  describe('unconfigured', () => {
    it('throws a 500 server_error on every call and reports it once', () => {
      const onNotConfigured = vi.fn();
      const get = lazyVerifier(undefined, { TOKENGATE_ISSUER: issuer.issuer }, onNotConfigured);
      const errors = [thrown(get), thrown(get), thrown(get)];
      for (const error of errors) {
        expect(error.code).toBe('server_error');
        expect(error.status).toBe(500);
        expect(error.description).toBe(NOT_CONFIGURED);
      }
      expect(onNotConfigured).toHaveBeenCalledTimes(1);
      expect(onNotConfigured).toHaveBeenCalledWith(errors[0]);
    });

    it('does not report anything before the first call', () => {
      const onNotConfigured = vi.fn();
      lazyVerifier(undefined, {}, onNotConfigured);
      expect(onNotConfigured).not.toHaveBeenCalled();
    });

    it('throws without an onNotConfigured callback too', () => {
      const get = lazyVerifier(undefined, {});
      expect(thrown(get).code).toBe('server_error');
      expect(thrown(get).code).toBe('server_error');
    });

    it('treats blank variables as not configured', () => {
      const onNotConfigured = vi.fn();
      const get = lazyVerifier(undefined, { TOKENGATE_ISSUER: '  ', TOKENGATE_AUDIENCE: '' }, onNotConfigured);
      expect(thrown(get).description).toBe(NOT_CONFIGURED);
      expect(onNotConfigured).toHaveBeenCalledTimes(1);
    });

    it('keeps separate lazy verifiers separate', () => {
      const first = vi.fn();
      const second = vi.fn();
      const a = lazyVerifier(undefined, {}, first);
      const b = lazyVerifier(undefined, {}, second);
      thrown(a);
      thrown(a);
      thrown(b);
      expect(first).toHaveBeenCalledTimes(1);
      expect(second).toHaveBeenCalledTimes(1);
    });
  });

  describe('invalid configuration', () => {
    it('turns an http: issuer from the environment into a server_error naming the problem', () => {
      const onNotConfigured = vi.fn();
      const get = lazyVerifier(undefined, { TOKENGATE_ISSUER: 'http://example.com', TOKENGATE_AUDIENCE: 'api' }, onNotConfigured);
      const error = thrown(get);
      expect(error.code).toBe('server_error');
      expect(error.status).toBe(500);
      expect(error.description).toMatch(/^tokengate configuration is invalid: "issuer" option must use https: /);
      expect(error.description).toContain('"http://example.com"');
      expect(error.cause).toBeInstanceOf(TypeError);
      expect((error.cause as TypeError).message).toBe(error.description.replace('tokengate configuration is invalid: ', ''));
      expect(onNotConfigured).not.toHaveBeenCalled();
    });

    it('throws on every call', () => {
      const get = lazyVerifier(undefined, { TOKENGATE_ISSUER: 'http://example.com', TOKENGATE_AUDIENCE: 'api' });
      expect(thrown(get).code).toBe('server_error');
      expect(thrown(get).code).toBe('server_error');
    });

    const INVALID: ReadonlyArray<readonly [string, Environment, RegExp]> = [
      ['an issuer that is not a URL', { TOKENGATE_ISSUER: 'auth.example.com', TOKENGATE_AUDIENCE: 'api' }, /"issuer" option must be an absolute URL/],
      ['one bad issuer in a list', { TOKENGATE_ISSUER: 'https://a.example.com/, ftp://b.example.com/', TOKENGATE_AUDIENCE: 'api' }, /"issuer" option must use https:/],
      ['a JWKS URI that is not a URL', { TOKENGATE_ISSUER: 'https://a.example.com/', TOKENGATE_AUDIENCE: 'api', TOKENGATE_JWKS_URI: 'jwks.json' }, /"jwksUri" option must be an absolute URL/],
      [
        'a JWKS URI with several issuers',
        { TOKENGATE_ISSUER: 'https://a.example.com/,https://b.example.com/', TOKENGATE_AUDIENCE: 'api', TOKENGATE_JWKS_URI: 'https://a.example.com/jwks' },
        /"jwksUri" option can be used with a single issuer only/,
      ],
    ];
    for (const [name, environment, problem] of INVALID) {
      it(`reports ${name}`, () => {
        const error = thrown(lazyVerifier(undefined, environment));
        expect(error.code).toBe('server_error');
        expect(error.description).toMatch(/^tokengate configuration is invalid: /);
        expect(error.description).toMatch(problem);
      });
    }

    it('reports invalid options given directly', () => {
      const error = thrown(lazyVerifier({ issuer: issuer.issuer, audience: issuer.audience, clockTolerance: -1 }, testEnvironment()));
      expect(error.code).toBe('server_error');
      expect(error.description).toBe('tokengate configuration is invalid: "clockTolerance" option must be a non-negative number');
    });

    it('reports options missing an audience', () => {
      const error = thrown(lazyVerifier({ issuer: issuer.issuer } as VerifierOptions, testEnvironment()));
      expect(error.code).toBe('server_error');
      expect(error.description).toMatch(/"audience" option is required/);
    });

    it('fails with a 500 server_error for a comma-only variable', () => {
      const error = thrown(lazyVerifier(undefined, { TOKENGATE_ISSUER: ' , ', TOKENGATE_AUDIENCE: 'api' }));
      expect(error.code).toBe('server_error');
      expect(error.status).toBe(500);
    });
  });
});
