import { describe, expect, it } from 'vitest';
import { BARE_CHALLENGE, NO_TOKEN } from '@tokengate/test-support';
import { isTokenGateError, TokenGateError } from '../../src/errors/error.js';
import { ERROR_CODES, type TokenGateErrorCode } from '../../src/errors/codes.js';
import { DEFAULT_PROBLEM_TYPE_BASE } from '../../src/errors/problem.js';

const UUID_URN = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const TABLE: ReadonlyArray<readonly [TokenGateErrorCode, number, string]> = [
  ['missing_token', 401, 'Authentication required'],
  ['invalid_request', 400, 'Invalid request'],
  ['invalid_token', 401, 'Invalid access token'],
  ['insufficient_scope', 403, 'Insufficient scope'],
  ['invalid_token_type', 403, 'Wrong token type'],
  ['temporarily_unavailable', 503, 'Authorization temporarily unavailable'],
  ['server_error', 500, 'Authorization failed on the server'],
  ['access_denied', 403, 'Access denied'],
  ['insufficient_user_authentication', 401, 'Stronger authentication required'],
  ['invalid_dpop_proof', 401, 'Invalid DPoP proof'],
  ['use_dpop_nonce', 401, 'DPoP nonce required'],
  ['rate_limited', 429, 'Too many requests'],
];

describe('the code to status table', () => {
  it('covers exactly the twelve codes', () => {
    expect(Object.keys(ERROR_CODES).sort()).toEqual(TABLE.map(([code]) => code).sort());
  });

  for (const [code, status, title] of TABLE) {
    it(`maps ${code} to ${status} on status and statusCode`, () => {
      const error = new TokenGateError(code, 'Something went wrong');
      expect(error.code).toBe(code);
      expect(error.status).toBe(status);
      expect(error.statusCode).toBe(status);
      expect(error.toProblem().title).toBe(title);
    });
  }

  it('is frozen', () => {
    expect(Object.isFrozen(ERROR_CODES)).toBe(true);
  });
});

describe('the error object', () => {
  it('is an Error named TokenGateError with the description as message', () => {
    const error = new TokenGateError('invalid_token', 'Token expired');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TokenGateError');
    expect(error.message).toBe('Token expired');
    expect(error.description).toBe('Token expired');
  });

  it('exposes every code, so framework error handlers show the description', () => {
    for (const [code] of TABLE) {
      expect(new TokenGateError(code, 'x').expose).toBe(true);
    }
  });

  it('renders a non-finite retryAfter as the default 5 seconds', () => {
    for (const retryAfter of [Number.NaN, Number.POSITIVE_INFINITY, -3]) {
      const value = new TokenGateError('temporarily_unavailable', 'down', { retryAfter }).headers()['Retry-After'];
      expect(value).toMatch(/^[1-9]\d*$/);
    }
  });

  it('keeps the cause for logs', () => {
    const cause = new Error('socket hang up');
    expect(new TokenGateError('temporarily_unavailable', 'JWKS unreachable', { cause }).cause).toBe(cause);
    expect('cause' in new TokenGateError('invalid_token', 'x')).toBe(false);
  });

  it('copies requiredScopes so later caller changes do not leak in', () => {
    const scopes = ['read'];
    const error = new TokenGateError('insufficient_scope', 'x', { requiredScopes: scopes });
    scopes.push('admin');
    expect(error.requiredScopes).toEqual(['read']);
    expect(Object.isFrozen(error.requiredScopes)).toBe(true);
  });

  it('is recognised by isTokenGateError and nothing else is', () => {
    expect(isTokenGateError(new TokenGateError('invalid_token', 'x'))).toBe(true);
    for (const value of [new Error('x'), { code: 'invalid_token', status: 401 }, null, undefined, 'invalid_token']) {
      expect(isTokenGateError(value)).toBe(false);
    }
  });
});

describe('the problem body (RFC 9457)', () => {
  for (const [code, status, title] of TABLE) {
    it(`has the standard members for ${code}`, () => {
      const problem = new TokenGateError(code, 'Details here').toProblem();
      expect(problem.type).toBe(`${DEFAULT_PROBLEM_TYPE_BASE}${code}`);
      expect(problem.title).toBe(title);
      expect(problem.status).toBe(status);
      expect(problem.detail).toBe('Details here');
      expect(problem.instance).toMatch(UUID_URN);
    });
  }

  for (const [code] of TABLE.filter(([code]) => code !== 'missing_token')) {
    it(`carries error and error_description for ${code}`, () => {
      const problem = new TokenGateError(code, 'Details here').toProblem();
      expect(problem.error).toBe(code);
      expect(problem.error_description).toBe('Details here');
    });
  }

  it('omits error and error_description when no credentials were sent (missing_token)', () => {
    const problem = new TokenGateError('missing_token', NO_TOKEN).toProblem();
    expect('error' in problem).toBe(false);
    expect('error_description' in problem).toBe(false);
  });

  it('gives each error a unique instance, stable across renderings', () => {
    const first = new TokenGateError('invalid_token', 'x');
    const second = new TokenGateError('invalid_token', 'x');
    expect(first.instance).toMatch(UUID_URN);
    expect(first.instance).not.toBe(second.instance);
    expect(first.toProblem().instance).toBe(first.instance);
    expect(first.toProblem().instance).toBe(first.toProblem().instance);
  });

  it('adds extension members', () => {
    const error = new TokenGateError('insufficient_scope', 'x', { extensions: { missing_scopes: ['write'] } });
    expect(error.toProblem().missing_scopes).toEqual(['write']);
  });

  it('never lets extensions override the standard members', () => {
    const extensions = { type: 'evil', title: 'evil', status: 200, detail: 'evil', instance: 'evil', error: 'evil' };
    const problem = new TokenGateError('invalid_token', 'real', { extensions }).toProblem();
    expect(problem).toMatchObject({ title: 'Invalid access token', status: 401, detail: 'real', error: 'invalid_token' });
    expect(problem.type).toBe(`${DEFAULT_PROBLEM_TYPE_BASE}invalid_token`);
    expect(problem.instance).toMatch(UUID_URN);
  });

  it('never includes the cause or the stack, in the body or its JSON', () => {
    const cause = new Error('private key path /etc/secret');
    const error = new TokenGateError('server_error', 'Not configured', { cause });
    const problem = error.toProblem();
    expect('cause' in problem).toBe(false);
    expect('stack' in problem).toBe(false);
    const json = JSON.stringify(error);
    expect(json).not.toContain('/etc/secret');
    expect(json).not.toContain('errors.test.ts');
    expect(JSON.parse(json)).toEqual(problem);
  });

  it('uses the presented problem type base', () => {
    const error = new TokenGateError('invalid_token', 'x').presentedAs({ realm: 'api', problemTypeBase: 'https://example.com/p/' });
    expect(error.toProblem().type).toBe('https://example.com/p/invalid_token');
  });
});

describe('response headers', () => {
  const EXPECTED: ReadonlyArray<readonly [TokenGateErrorCode, Record<string, string>]> = [
    ['missing_token', { 'WWW-Authenticate': BARE_CHALLENGE }],
    ['invalid_request', { 'WWW-Authenticate': 'Bearer realm="api", error="invalid_request", error_description="Bad thing"' }],
    ['invalid_token', { 'WWW-Authenticate': 'Bearer realm="api", error="invalid_token", error_description="Bad thing"' }],
    ['insufficient_scope', { 'WWW-Authenticate': 'Bearer realm="api", error="insufficient_scope", error_description="Bad thing"' }],
    ['invalid_token_type', { 'WWW-Authenticate': 'Bearer realm="api", error="invalid_token_type", error_description="Bad thing"' }],
    ['temporarily_unavailable', { 'Retry-After': '5' }],
    ['server_error', {}],
  ];

  for (const [code, headers] of EXPECTED) {
    it(`are exact for ${code}`, () => {
      expect(new TokenGateError(code, 'Bad thing').headers()).toEqual(headers);
    });
  }

  it('list the required scopes on insufficient_scope (RFC 6750 section 3)', () => {
    const error = new TokenGateError('insufficient_scope', 'Bad thing', { requiredScopes: ['read:a', 'write:a'] });
    expect(error.headers()).toEqual({
      'WWW-Authenticate': 'Bearer realm="api", error="insufficient_scope", error_description="Bad thing", scope="read:a write:a"',
    });
  });

  it('never ask for offline_access, which no client gets by asking a resource again', () => {
    const error = new TokenGateError('insufficient_scope', 'Bad thing', { requiredScopes: ['read:a', 'offline_access'] });
    expect(error.headers()['WWW-Authenticate']).toBe('Bearer realm="api", error="insufficient_scope", error_description="Bad thing", scope="read:a"');
  });

  it('point every 401 and 403 at the resource metadata, and nothing else', () => {
    const presentation = { realm: 'api', problemTypeBase: DEFAULT_PROBLEM_TYPE_BASE, resourceMetadata: 'https://api.example.com/.well-known/oauth-protected-resource' };
    for (const code of ['missing_token', 'invalid_token', 'insufficient_scope', 'invalid_token_type', 'access_denied', 'insufficient_user_authentication'] as const) {
      expect(new TokenGateError(code, 'x', { presentation }).headers()['WWW-Authenticate']).toMatch(/, resource_metadata="https:\/\/api\.example\.com\/\.well-known\/oauth-protected-resource"$|^Bearer realm="api", resource_metadata=/);
    }
    expect(new TokenGateError('invalid_request', 'x', { presentation }).headers()['WWW-Authenticate']).not.toContain('resource_metadata');
    expect(new TokenGateError('temporarily_unavailable', 'x', { presentation }).headers()).toEqual({ 'Retry-After': '5' });
  });

  it('expose the challenge to browser clients when the verifier has cors', () => {
    const presentation = { realm: 'api', problemTypeBase: DEFAULT_PROBLEM_TYPE_BASE, exposeHeaders: true };
    expect(new TokenGateError('invalid_token', 'x', { presentation }).headers()['Access-Control-Expose-Headers']).toBe('WWW-Authenticate');
    expect(new TokenGateError('temporarily_unavailable', 'x', { presentation }).headers()['Access-Control-Expose-Headers']).toBe('Retry-After');
    expect(new TokenGateError('server_error', 'x', { presentation }).headers()).toEqual({});
  });

  it('never carry a scope parameter for other codes', () => {
    const error = new TokenGateError('invalid_token', 'Bad thing', { requiredScopes: ['read:a'] });
    expect(error.headers()['WWW-Authenticate']).toBe('Bearer realm="api", error="invalid_token", error_description="Bad thing"');
  });

  it('are rendered by a presented copy; the original and its instance stay as they were', () => {
    const error = new TokenGateError('invalid_token', 'x');
    const presented = error.presentedAs({ realm: 'orders', problemTypeBase: 'https://example.com/p/' });
    expect(presented).not.toBe(error);
    expect(presented.instance).toBe(error.instance);
    expect(error.headers()['WWW-Authenticate']).toBe('Bearer realm="api", error="invalid_token", error_description="x"');
    expect(presented.headers['WWW-Authenticate']).toBe('Bearer realm="orders", error="invalid_token", error_description="x"');
    expect(error.toProblem().type).toBe(`${DEFAULT_PROBLEM_TYPE_BASE}invalid_token`);
    expect(() => Object.assign(error.headers, { 'WWW-Authenticate': 'Basic' })).toThrow(TypeError);
  });

  it('use the presented realm', () => {
    const error = new TokenGateError('missing_token', 'x').presentedAs({ realm: 'orders', problemTypeBase: DEFAULT_PROBLEM_TYPE_BASE });
    expect(error.headers()).toEqual({ 'WWW-Authenticate': 'Bearer realm="orders"' });
  });

  const RETRY: ReadonlyArray<readonly [number, string]> = [[30, '30'], [2.1, '3'], [0, '1'], [-4, '1']];
  for (const [retryAfter, header] of RETRY) {
    it(`send Retry-After ${header} on 503 for retryAfter ${retryAfter}`, () => {
      const error = new TokenGateError('temporarily_unavailable', 'x', { retryAfter });
      expect(error.headers()).toEqual({ 'Retry-After': header });
    });
  }

  it('escape quotes and backslashes in the description and keep CR/LF/non-ASCII out', () => {
    const error = new TokenGateError('invalid_token', 'a\\b "c"\r\nSet-Cookie: x=1 \u00e9');
    const header = error.headers()['WWW-Authenticate'];
    expect(header).toBe('Bearer realm="api", error="invalid_token", error_description="a\\\\b \\"c\\"  Set-Cookie: x=1  "');
    expect(header).not.toMatch(/[\r\n]/);
  });
});
