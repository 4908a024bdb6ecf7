import { describe, expect, it } from 'vitest';
import { CLIENT_REQUIRED, thrown, USER_REQUIRED } from '@tokengate/test-support';
import { classifyToken, assertTokenType } from '../../src/token/token-type.js';
import type { AccessToken, Claims, TokenType } from '../../src/token/types.js';

function tokenOfType(type: TokenType): AccessToken {
  return { token: 't', format: 'jwt', claims: {}, header: { alg: 'RS256' }, issuer: 'https://issuer.example/', scopes: [], type };
}

describe('classifyToken', () => {
  const CASES: ReadonlyArray<readonly [string, Claims, TokenType]> = [
    ['an explicit auth_type user, even without sub', { auth_type: 'user' }, 'user'],
    ['an explicit auth_type client, even with a user-looking sub', { auth_type: 'client', sub: 'alice' }, 'client'],
    ['auth_type before gty', { auth_type: 'user', sub: 'x@clients', gty: 'client-credentials' }, 'user'],
    ['an unknown auth_type as no statement', { auth_type: 'robot', sub: 'alice' }, 'user'],
    ['Auth0 gty client-credentials', { sub: 'alice', gty: 'client-credentials' }, 'client'],
    ['Auth0 gty as an array', { sub: 'alice', gty: ['refresh_token', 'client-credentials'] }, 'client'],
    ['Auth0 gty password as no statement', { sub: 'alice', gty: 'password' }, 'user'],
    ['Entra ID idtyp app', { sub: 'alice', idtyp: 'app' }, 'client'],
    ['Entra ID idtyp user as no statement', { sub: 'alice', idtyp: 'user' }, 'user'],
    ['grant_type client_credentials', { sub: 'alice', grant_type: 'client_credentials' }, 'client'],
    ['grant_type authorization_code, even when sub is the client', { sub: 'c1', client_id: 'c1', grant_type: 'authorization_code' }, 'user'],
    ['grant_type refresh_token, even without sub', { grant_type: 'refresh_token' }, 'user'],
    ['gty before grant_type', { gty: 'client-credentials', grant_type: 'authorization_code', sub: 'alice' }, 'client'],
    ['idtyp before grant_type', { idtyp: 'app', grant_type: 'refresh_token', sub: 'alice' }, 'client'],
    ['an absent sub', { client_id: 'c1' }, 'client'],
    ['an empty sub', { sub: '' }, 'client'],
    ['a non-string sub', { sub: 42 }, 'client'],
    ['a null sub', { sub: null }, 'client'],
    ['sub equal to client_id (RFC 9068 section 2.2)', { sub: 'c1', client_id: 'c1' }, 'client'],
    ['sub equal to azp', { sub: 'c1', azp: 'c1' }, 'client'],
    ['sub equal to cid (Okta)', { sub: 'c1', cid: 'c1' }, 'client'],
    ['sub ending in @clients (Auth0)', { sub: 'abc123@clients' }, 'client'],
    ['a user sub with a different client_id', { sub: 'auth0|123', client_id: 'c1', azp: 'c1' }, 'user'],
    ['a user sub containing @clients elsewhere', { sub: 'me@clients.example' }, 'user'],
    ['a plain user sub', { sub: 'alice' }, 'user'],
  ];
  for (const [name, claims, expected] of CASES) {
    it(`classifies ${name} as ${expected}`, () => {
      expect(classifyToken(claims)).toBe(expected);
    });
  }

  it('ignores inherited members', () => {
    const claims = Object.create({ auth_type: 'client', gty: 'client-credentials' }) as Claims;
    expect(classifyToken(Object.assign(claims, { sub: 'alice' }))).toBe('user');
  });
});

describe('assertTokenType', () => {
  for (const type of ['user', 'client'] as const) {
    it(`passes a ${type} token where a ${type} token is required`, () => {
      expect(() => assertTokenType(tokenOfType(type), type)).not.toThrow();
    });
  }

  const FAILURES: ReadonlyArray<readonly [TokenType, TokenType, string]> = [
    ['user', 'client', USER_REQUIRED],
    ['client', 'user', CLIENT_REQUIRED],
  ];
  for (const [required, actual, description] of FAILURES) {
    it(`rejects a ${actual} token where a ${required} token is required with 403 invalid_token_type`, () => {
      const error = thrown(() => assertTokenType(tokenOfType(actual), required));
      expect(error.code).toBe('invalid_token_type');
      expect(error.status).toBe(403);
      expect(error.description).toBe(description);
      expect(error.headers()).toEqual({
        'WWW-Authenticate': `Bearer realm="api", error="invalid_token_type", error_description="${description}"`,
      });
      expect(error.toProblem()).toMatchObject({
        status: 403,
        title: 'Wrong token type',
        error: 'invalid_token_type',
        detail: description,
        error_description: description,
        required_token_type: required,
        token_type: actual,
      });
    });
  }
});
