import { describe, expect, it } from 'vitest';
import { BARE_CHALLENGE, bearerChallenge, NO_TOKEN, ONE_BEARER_TOKEN, SEVERAL_AUTHORIZATION_HEADERS, SEVERAL_METHODS, thrown } from '@tokengate/test-support';
import { extractCredentials, extractToken, type ExtractOptions, type TokenMethod } from '../../src/request/extract.js';
import type { RequestLike } from '../../src/token/types.js';

const ALL: ExtractOptions = { methods: ['header', 'query', 'body'], maxTokenLength: 64 };
const HEADER_ONLY: ExtractOptions = { methods: ['header'], maxTokenLength: 64 };
const FORM = { 'content-type': 'application/x-www-form-urlencoded' } as const;

function fromHeader(value: string | readonly string[], options: ExtractOptions = HEADER_ONLY): string {
  return extractToken({ headers: { authorization: value } }, options);
}

function challenge(code: string, description: string): Record<string, string> {
  return { 'WWW-Authenticate': bearerChallenge(code, description) };
}

function expectInvalidRequest(run: () => unknown, description: string): void {
  const error = thrown(run);
  expect(error.code).toBe('invalid_request');
  expect(error.status).toBe(400);
  expect(error.description).toBe(description);
  expect(error.headers()).toEqual(challenge('invalid_request', description));
  expect(error.toProblem()).toMatchObject({ status: 400, error: 'invalid_request', error_description: description, detail: description });
}

function expectMissingToken(run: () => unknown): void {
  const error = thrown(run);
  expect(error.code).toBe('missing_token');
  expect(error.status).toBe(401);
  expect(error.headers()).toEqual({ 'WWW-Authenticate': BARE_CHALLENGE });
  expect('error' in error.toProblem()).toBe(false);
}

describe('the Authorization header (RFC 6750 section 2.1)', () => {
  const ACCEPTED: ReadonlyArray<readonly [string, string]> = [
    ['Bearer mF_9.B5f-4.1JqM', 'mF_9.B5f-4.1JqM'],
    ['Bearer abc==', 'abc=='],
    ['Bearer a-._~+/Z9', 'a-._~+/Z9'],
    ['bearer lower', 'lower'],
    ['BEARER upper', 'upper'],
    ['BeArEr mixed', 'mixed'],
    ['Bearer   several-spaces', 'several-spaces'],
    ['Bearer\ttab', 'tab'],
    ['Bearer trailing  \t', 'trailing'],
    ['  Bearer leading', 'leading'],
  ];
  for (const [value, token] of ACCEPTED) {
    it(`accepts ${JSON.stringify(value)}`, () => {
      expect(fromHeader(value)).toBe(token);
    });
  }

  for (const name of ['authorization', 'Authorization', 'AUTHORIZATION', 'aUtHoRiZaTiOn']) {
    it(`matches the header name ${name} case-insensitively`, () => {
      expect(extractToken({ headers: { 'content-type': 'text/plain', [name]: 'Bearer abc' } }, HEADER_ONLY)).toBe('abc');
    });
  }

  it('accepts a one-entry array (headersDistinct)', () => {
    expect(fromHeader(['Bearer abc'])).toBe('abc');
  });

  it('rejects an array of several Authorization headers', () => {
    expectInvalidRequest(() => fromHeader(['Bearer abc', 'Bearer def']), SEVERAL_AUTHORIZATION_HEADERS);
  });

  it('rejects several header names that match case-insensitively', () => {
    const request = { headers: { authorization: 'Bearer abc', Authorization: 'Bearer def' } };
    expectInvalidRequest(() => extractToken(request, HEADER_ONLY), SEVERAL_AUTHORIZATION_HEADERS);
  });

  it('ignores an Authorization header inherited from the prototype', () => {
    const headers = Object.create({ authorization: 'Bearer inherited' }) as RequestLike['headers'];
    expectMissingToken(() => extractToken({ headers }, HEADER_ONLY));
  });

  it('returns a token exactly maxTokenLength long', () => {
    expect(fromHeader(`Bearer ${'a'.repeat(64)}`)).toBe('a'.repeat(64));
  });
});

describe('requests without Bearer credentials get a bare challenge (RFC 6750 section 3.1)', () => {
  const REQUESTS: ReadonlyArray<readonly [string, RequestLike]> = [
    ['no headers', { headers: {} }],
    ['an undefined header', { headers: { authorization: undefined } }],
    ['an empty header array', { headers: { authorization: [] } }],
    ['an empty header', { headers: { authorization: '' } }],
    ['Basic credentials', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }],
    ['a scheme that only starts with Bearer', { headers: { authorization: 'Bearerabc' } }],
    ['a truncated scheme', { headers: { authorization: 'Beare abc' } }],
    ['a DPoP scheme', { headers: { authorization: 'DPoP abc' } }],
  ];
  for (const [name, request] of REQUESTS) {
    it(`treats ${name} as missing_token`, () => {
      expectMissingToken(() => extractToken(request, ALL));
    });
  }

  it('describes the failure without an OAuth error code', () => {
    const problem = thrown(() => extractToken({ headers: {} }, ALL)).toProblem();
    expect(problem).toMatchObject({ status: 401, title: 'Authentication required', detail: NO_TOKEN });
    expect('error_description' in problem).toBe(false);
  });
});

describe('malformed Bearer credentials are invalid_request', () => {
  const CASES: ReadonlyArray<readonly [string, string]> = [
    ['Bearer', 'The Authorization header carries the Bearer scheme but no token'],
    ['Bearer ', 'The Authorization header carries the Bearer scheme but no token'],
    ['Bearer \t  ', 'The Authorization header carries the Bearer scheme but no token'],
    ['Bearer abc def', ONE_BEARER_TOKEN],
    ['Bearer abc\tdef', ONE_BEARER_TOKEN],
    ['Bearer abc, Bearer def', ONE_BEARER_TOKEN],
    ['Bearer abc\u0000def', 'The Bearer token contains control or non-ASCII characters'],
    ['Bearer abc\r\ndef', 'The Bearer token contains control or non-ASCII characters'],
    ['Bearer abc\u007f', 'The Bearer token contains control or non-ASCII characters'],
    ['Bearer t\u00f6ken', 'The Bearer token contains control or non-ASCII characters'],
    ['Bearer =abc', 'The Bearer token is not a valid b64token (RFC 6750 section 2.1)'],
    ['Bearer ab=c', 'The Bearer token is not a valid b64token (RFC 6750 section 2.1)'],
    ['Bearer a"b', 'The Bearer token is not a valid b64token (RFC 6750 section 2.1)'],
    ['Bearer a%2Fb', 'The Bearer token is not a valid b64token (RFC 6750 section 2.1)'],
    ['Bearer a:b', 'The Bearer token is not a valid b64token (RFC 6750 section 2.1)'],
  ];
  for (const [value, description] of CASES) {
    it(`rejects ${JSON.stringify(value)}`, () => {
      expectInvalidRequest(() => fromHeader(value), description);
    });
  }

  it('never echoes the token in the description, body or challenge', () => {
    for (const value of ['Bearer SECRET\u00e9', 'Bearer SECRET other', 'Bearer SECRET"']) {
      const error = thrown(() => fromHeader(value));
      expect(JSON.stringify(error.toProblem())).not.toContain('SECRET');
      expect(JSON.stringify(error.headers())).not.toContain('SECRET');
    }
  });
});

describe('oversized tokens are invalid_token, checked before parsing', () => {
  const TOO_LARGE = { 'WWW-Authenticate': 'Bearer realm="api", error="invalid_token", error_description="Access token is too large"' };

  const REQUESTS: ReadonlyArray<readonly [string, RequestLike]> = [
    ['a header token', { headers: { authorization: `Bearer ${'a'.repeat(65)}` } }],
    ['a header token of invalid characters', { headers: { authorization: `Bearer ${'\u00e9 '.repeat(1_000_000)}x` } }],
    ['a query token', { headers: {}, query: { access_token: 'a'.repeat(65) } }],
    ['a body token', { headers: FORM, method: 'POST', body: { access_token: '\u0000'.repeat(65) } }],
  ];
  for (const [name, request] of REQUESTS) {
    it(`rejects ${name} longer than maxTokenLength`, () => {
      const error = thrown(() => extractToken(request, ALL));
      expect(error.code).toBe('invalid_token');
      expect(error.status).toBe(401);
      expect(error.description).toBe('Access token is too large');
      expect(error.headers()).toEqual(TOO_LARGE);
      expect(error.toProblem()).toMatchObject({ error: 'invalid_token', detail: 'Access token is too large' });
    });
  }
});

describe('the query method (RFC 6750 section 2.3)', () => {
  const QUERY: ExtractOptions = { methods: new Set<TokenMethod>(['header', 'query']), maxTokenLength: 64 };

  it('returns access_token when enabled', () => {
    expect(extractToken({ headers: {}, query: { access_token: 'abc.def' } }, QUERY)).toBe('abc.def');
  });

  it('ignores access_token when disabled', () => {
    expectMissingToken(() => extractToken({ headers: {}, query: { access_token: 'abc' } }, HEADER_ONLY));
  });

  it('rejects several access_token parameters', () => {
    const request = { headers: {}, query: { access_token: ['abc', 'def'] } };
    expectInvalidRequest(() => extractToken(request, QUERY), 'Request carries several access_token parameters');
  });

  for (const value of [0, 1, -1, true, false, null, [], ['abc'], {}]) {
    it(`rejects a non-string access_token ${JSON.stringify(value)}`, () => {
      const request = { headers: {}, query: { access_token: value } };
      expectInvalidRequest(() => extractToken(request, QUERY), 'The access_token parameter must be a string');
    });
  }

  it('rejects an empty access_token', () => {
    expectInvalidRequest(() => extractToken({ headers: {}, query: { access_token: '' } }, QUERY), 'The access_token parameter is empty');
  });

  for (const value of ['abc def', 'abc\n', '\u00e9', 'a\u0000']) {
    it(`rejects access_token ${JSON.stringify(value)}`, () => {
      const request = { headers: {}, query: { access_token: value } };
      expectInvalidRequest(
        () => extractToken(request, QUERY),
        'The access_token parameter contains whitespace, control or non-ASCII characters',
      );
    });
  }
});

describe('the form-body method (RFC 6750 section 2.2)', () => {
  const BODY: ExtractOptions = { methods: ['body'], maxTokenLength: 64 };

  it('returns access_token from a POST form body', () => {
    expect(extractToken({ headers: FORM, method: 'POST', body: { access_token: 'abc' } }, BODY)).toBe('abc');
    const withCharset = { 'Content-Type': 'Application/X-WWW-Form-Urlencoded; charset=UTF-8' };
    expect(extractToken({ headers: withCharset, method: 'POST', body: { access_token: 'abc' } }, BODY)).toBe('abc');
  });

  it('ignores a body that is not form-encoded (RFC 6750 section 2.2), e.g. JSON', () => {
    expectMissingToken(() => extractToken({ headers: { 'content-type': 'application/json' }, method: 'POST', body: { access_token: 'abc' } }, BODY));
    expectMissingToken(() => extractToken({ headers: {}, method: 'POST', body: { access_token: 'abc' } }, BODY));
  });

  it('accepts a null-prototype body', () => {
    const body = Object.assign(Object.create(null) as object, { access_token: 'abc' });
    expect(extractToken({ headers: FORM, method: 'PUT', body }, BODY)).toBe('abc');
  });

  it('ignores access_token when disabled', () => {
    expectMissingToken(() => extractToken({ headers: {}, method: 'POST', body: { access_token: 'abc' } }, HEADER_ONLY));
  });

  for (const method of ['GET', 'HEAD']) {
    it(`ignores the body on ${method}`, () => {
      expectMissingToken(() => extractToken({ headers: {}, method, body: { access_token: 'abc' } }, BODY));
    });
  }

  class Payload {
    readonly access_token = 'abc';
  }
  const NOT_FORMS: readonly unknown[] = ['access_token=abc', Buffer.from('access_token=abc'), [{ access_token: 'abc' }], new Payload(), null];
  for (const body of NOT_FORMS) {
    it(`ignores a body that is not a plain object: ${Object.prototype.toString.call(body)}`, () => {
      expectMissingToken(() => extractToken({ headers: {}, method: 'POST', body }, BODY));
    });
  }

  it('ignores an access_token inherited by the body', () => {
    const body = Object.create(Object.create(null, { access_token: { value: 'abc', enumerable: true } }) as object) as object;
    expectMissingToken(() => extractToken({ headers: {}, method: 'POST', body }, BODY));
  });
});

describe('a token sent by more than one method is invalid_request (RFC 6750 section 2)', () => {
  const REQUESTS: ReadonlyArray<readonly [string, RequestLike]> = [
    ['header and query', { headers: { authorization: 'Bearer abc' }, query: { access_token: 'abc' } }],
    ['header and body', { headers: { authorization: 'Bearer abc', ...FORM }, method: 'POST', body: { access_token: 'abc' } }],
    ['query and body', { headers: FORM, query: { access_token: 'abc' }, method: 'POST', body: { access_token: 'def' } }],
    ['a malformed header and a query', { headers: { authorization: 'Bearer' }, query: { access_token: 'abc' } }],
  ];
  for (const [name, request] of REQUESTS) {
    it(`rejects ${name}`, () => {
      expectInvalidRequest(() => extractToken(request, ALL), SEVERAL_METHODS);
    });
  }

  it('uses the query token when the header carries another scheme', () => {
    const request = { headers: { authorization: 'Basic dXNlcjpwYXNz' }, query: { access_token: 'abc' } };
    expect(extractToken(request, ALL)).toBe('abc');
  });

  // RFC 6750 §2: the token leaked into a URL or a body, and accepting the request teaches the client nothing.
  const LEAKED = [
    ['the query', { headers: { authorization: 'Bearer abc' }, query: { access_token: 'def' } }],
    ['the query (the same token)', { headers: { authorization: 'Bearer abc' }, query: { access_token: 'abc' } }],
    ['the query (an array)', { headers: { authorization: 'Bearer abc' }, query: { access_token: ['abc', 'def'] } }],
    ['a form body', { method: 'POST', headers: { authorization: 'Bearer abc', 'content-type': 'application/x-www-form-urlencoded' }, body: { access_token: 'def' } }],
  ] as const;
  for (const [where, request] of LEAKED) {
    it(`refuses a Bearer header with a token in ${where} too, although that method is off`, () => {
      expectInvalidRequest(() => extractToken(request as RequestLike, HEADER_ONLY), SEVERAL_METHODS);
    });
  }

  it('still ignores a token in a disabled method when no Bearer header is there', () => {
    expectMissingToken(() => extractToken({ headers: {}, query: { access_token: 'def' } }, HEADER_ONLY));
    expectMissingToken(() => extractToken({ headers: { authorization: 'Basic YTpi' }, query: { access_token: 'def' } }, HEADER_ONLY));
  });

  it('ignores the Authorization header when the header method is disabled', () => {
    const request = { headers: { authorization: 'Bearer abc' }, query: { access_token: 'def' } };
    expect(extractToken(request, { methods: ['query'], maxTokenLength: 64 })).toBe('def');
  });
});

describe('repeated Authorization headers hidden by Node (rawHeaders)', () => {
  it('refuses a request whose raw headers repeat Authorization, even if headers shows one', () => {
    const request = { headers: { authorization: 'Bearer abc' }, rawHeaders: ['Host', 'x', 'Authorization', 'Bearer abc', 'authorization', 'Bearer def'] };
    expectInvalidRequest(() => extractToken(request, HEADER_ONLY), SEVERAL_AUTHORIZATION_HEADERS);
  });

  it('accepts a single raw Authorization header', () => {
    const request = { headers: { authorization: 'Bearer abc' }, rawHeaders: ['Authorization', 'Bearer abc', 'Accept', '*/*'] };
    expect(extractToken(request, HEADER_ONLY)).toBe('abc');
  });
});

describe('isKnownToken (tokens already verified skip the linear b64token scan)', () => {
  it('skips the syntax check only for tokens it vouches for', () => {
    const known = (token: string) => token === 'we!rd';
    expect(extractToken({ headers: { authorization: 'Bearer we!rd' } }, { ...HEADER_ONLY, isKnownToken: known })).toBe('we!rd');
    expectInvalidRequest(
      () => extractToken({ headers: { authorization: 'Bearer ot!her' } }, { ...HEADER_ONLY, isKnownToken: known }),
      'The Bearer token is not a valid b64token (RFC 6750 section 2.1)',
    );
  });
});

describe('the DPoP scheme (RFC 9449 section 7.1)', () => {
  const DPOP: ExtractOptions = { ...HEADER_ONLY, dpop: true };
  const of = (authorization: string, options: ExtractOptions = DPOP) => extractCredentials({ headers: { authorization } }, options);

  it('is read, case-insensitively, only when DPoP is accepted', () => {
    expect(of('DPoP mF_9.B5f-4.1JqM')).toEqual({ token: 'mF_9.B5f-4.1JqM', scheme: 'DPoP' });
    expect(of('dpop  mF_9.B5f-4.1JqM ')).toEqual({ token: 'mF_9.B5f-4.1JqM', scheme: 'DPoP' });
    expect(of('Bearer mF_9.B5f-4.1JqM')).toEqual({ token: 'mF_9.B5f-4.1JqM', scheme: 'Bearer' });
    expect(thrown(() => of('DPoP mF_9.B5f-4.1JqM', HEADER_ONLY)).code).toBe('missing_token');
    expect(thrown(() => of('DPoPx mF_9.B5f-4.1JqM')).code).toBe('missing_token');
  });

  it('its token is checked like a Bearer token, and never also sent another way', () => {
    expectInvalidRequest(() => of('DPoP a b'), 'The Authorization header must carry exactly one DPoP token');
    expectInvalidRequest(() => of('DPoP '), 'The Authorization header carries the DPoP scheme but no token');
    expectInvalidRequest(() => of('DPoP a"b'), 'The DPoP token is not a valid b64token (RFC 6750 section 2.1)');
    expectInvalidRequest(() => extractCredentials({ headers: { authorization: 'DPoP abc' }, query: { access_token: 'abc' } }, DPOP), SEVERAL_METHODS);
  });
});
