import { describe, expect, it } from 'vitest';
import { bearerChallenge, INSUFFICIENT_SCOPE, thrown } from '@tokengate/test-support';
import {
  DEFAULT_SCOPE_CLAIMS,
  hasAllScopes,
  hasAnyScope,
  missingScopes,
  normalizeScopeList,
  parseScopes,
} from '../../src/token/scopes.js';
import { assertAnyScope, assertScopes } from '../../src/policy/scope-rules.js';
import type { AccessToken, Claims, JsonValue } from '../../src/token/types.js';

function tokenWith(scopes: readonly string[]): AccessToken {
  return { token: 't', format: 'jwt', claims: {}, header: { alg: 'RS256' }, issuer: 'https://issuer.example/', scopes, type: 'user' };
}

describe('parseScopes', () => {
  const CASES: ReadonlyArray<readonly [string, Claims, readonly string[]]> = [
    ['no scope claims', { sub: 'alice' }, []],
    ['a space-separated scope', { scope: 'read write' }, ['read', 'write']],
    ['whitespace runs, leading and trailing whitespace in scope', { scope: '  read \t\n write  ' }, ['read', 'write']],
    ['an empty scope', { scope: '' }, []],
    ['a whitespace-only scope', { scope: ' \t ' }, []],
    ['an scp array', { scp: ['read', 'write'] }, ['read', 'write']],
    ['an scp string', { scp: 'read write' }, ['read', 'write']],
    ['an empty scp array', { scp: [] }, []],
    ['permissions', { permissions: ['read:messages', 'admin'] }, ['read:messages', 'admin']],
    ['empty array members, which are not scopes', { scp: ['', 'read'], permissions: [''] }, ['read']],
    ['duplicates within one claim', { scope: 'read read write read' }, ['read', 'write']],
    [
      'the union, in order of first appearance',
      { permissions: ['admin', 'read'], scp: ['write', 'read'], scope: 'read openid' },
      ['read', 'openid', 'write', 'admin'],
    ],
    ['scopes that differ only in case as distinct', { scope: 'Read read' }, ['Read', 'read']],
  ];
  for (const [name, claims, expected] of CASES) {
    it(`reads ${name}`, () => {
      expect(parseScopes(claims)).toEqual(expected);
    });
  }

  it('keeps first-seen order and drops duplicates in long lists too', () => {
    const permissions = Array.from({ length: 200 }, (_, i) => `perm:${i % 80}`);
    const scopes = parseScopes({ scope: 'perm:79 read', permissions: [...permissions, 'read', 'extra'] });
    expect(scopes).toEqual(['perm:79', 'read', ...Array.from({ length: 79 }, (_, i) => `perm:${i}`), 'extra']);
    expect(new Set(scopes).size).toBe(scopes.length);
  });

  it('defaults to the scope, scp and permissions claims', () => {
    expect(DEFAULT_SCOPE_CLAIMS).toEqual({ scope: 'scope', scp: 'scp', permissions: 'permissions' });
    expect(Object.isFrozen(DEFAULT_SCOPE_CLAIMS)).toBe(true);
  });

  it('reads configured claim names and only those', () => {
    const claims = { scope: 'ignored', roles: 'read', groups: ['write'], perms: ['admin'] };
    expect(parseScopes(claims, { scope: 'roles', scp: 'groups', permissions: 'perms' })).toEqual(['read', 'write', 'admin']);
  });

  it('ignores inherited claims', () => {
    const claims = Object.create({ scope: 'admin', permissions: ['root'] }) as Claims;
    expect(parseScopes(claims)).toEqual([]);
  });

  it('treats a claim named like an Object.prototype member as absent', () => {
    expect(parseScopes({}, { scope: 'toString', scp: 'constructor', permissions: 'hasOwnProperty' })).toEqual([]);
  });

  const WRONG: ReadonlyArray<readonly [string, string, readonly JsonValue[]]> = [
    ['scope', 'The "scope" claim must be a string', [0, 1, -1, true, false, null, [], ['read'], {}]],
    ['scp', 'The "scp" claim must be a string or an array of strings', [0, 1, -1, true, false, null, {}, [1], ['read', null], [['read']]]],
    ['permissions', 'The "permissions" claim must be an array of strings', [0, 1, -1, true, false, null, '', 'read', {}, [1], ['read', {}]]],
  ];
  for (const [claim, description, values] of WRONG) {
    for (const value of values) {
      it(`rejects ${claim} ${JSON.stringify(value)} as invalid_token`, () => {
        const error = thrown(() => parseScopes({ [claim]: value }));
        expect(error.code).toBe('invalid_token');
        expect(error.status).toBe(401);
        expect(error.description).toBe(description);
        expect(error.headers()).toEqual({
          'WWW-Authenticate': `Bearer realm="api", error="invalid_token", error_description="${description.replaceAll('"', '\\"')}"`,
        });
        expect(error.toProblem()).toMatchObject({ error: 'invalid_token', error_description: description });
      });
    }
  }

  it('names the configured claim in the error', () => {
    expect(thrown(() => parseScopes({ perms: 'read' }, { ...DEFAULT_SCOPE_CLAIMS, permissions: 'perms' })).description).toBe(
      'The "perms" claim must be an array of strings',
    );
  });
});

describe('scope matching is exact and order-insensitive', () => {
  const GRANTED = ['read', 'write', 'admin:users'];
  const CASES: ReadonlyArray<readonly [readonly string[], boolean, boolean, readonly string[]]> = [
    // required, hasAll, hasAny, missing
    [[], true, true, []],
    [['read'], true, true, []],
    [['write', 'read'], true, true, []],
    [['read', 'delete'], false, true, ['delete']],
    [['delete', 'delete', 'purge'], false, false, ['delete', 'purge']],
    [['READ'], false, false, ['READ']],
    [['admin'], false, false, ['admin']],
    [['read '], false, false, ['read ']],
  ];
  for (const [required, all, any, missing] of CASES) {
    it(`decides ${JSON.stringify(required)}`, () => {
      expect(hasAllScopes(GRANTED, required)).toBe(all);
      expect(hasAnyScope(GRANTED, required)).toBe(any);
      expect(missingScopes(GRANTED, required)).toEqual(missing);
    });
  }

  it('grants nothing from an empty grant', () => {
    expect(hasAllScopes([], ['read'])).toBe(false);
    expect(hasAnyScope([], ['read'])).toBe(false);
  });
});

describe('assertScopes', () => {
  it('passes when every scope is granted', () => {
    expect(() => assertScopes(tokenWith(['read', 'write']), ['write', 'read'])).not.toThrow();
  });

  it('fails with a 403 insufficient_scope listing missing and required scopes', () => {
    const error = thrown(() => assertScopes(tokenWith(['read']), ['read', 'write', 'delete']));
    expect(error.code).toBe('insufficient_scope');
    expect(error.status).toBe(403);
    expect(error.description).toBe(INSUFFICIENT_SCOPE);
    expect(error.requiredScopes).toEqual(['read', 'write', 'delete']);
    expect(error.headers()).toEqual({
      'WWW-Authenticate': bearerChallenge('insufficient_scope', INSUFFICIENT_SCOPE, { scope: 'read write delete' }),
    });
    expect(error.toProblem()).toMatchObject({
      status: 403,
      error: 'insufficient_scope',
      detail: INSUFFICIENT_SCOPE,
      missing_scopes: ['write', 'delete'],
      required_scopes: ['read', 'write', 'delete'],
    });
  });
});

describe('assertAnyScope', () => {
  it('passes when one scope is granted', () => {
    expect(() => assertAnyScope(tokenWith(['write']), ['read', 'write'])).not.toThrow();
  });

  it('fails with every listed scope missing', () => {
    const error = thrown(() => assertAnyScope(tokenWith(['other']), ['read', 'write']));
    expect(error.code).toBe('insufficient_scope');
    expect(error.status).toBe(403);
    expect(error.description).toBe(INSUFFICIENT_SCOPE);
    expect(error.headers()).toEqual({
      'WWW-Authenticate': bearerChallenge('insufficient_scope', INSUFFICIENT_SCOPE, { scope: 'read write' }),
    });
    expect(error.toProblem()).toMatchObject({ missing_scopes: ['read', 'write'], required_scopes: ['read', 'write'] });
  });
});

describe('normalizeScopeList', () => {
  const CASES: ReadonlyArray<readonly [string | readonly string[], readonly string[]]> = [
    ['read', ['read']],
    [' read  write\t', ['read', 'write']],
    ['', []],
    [[], []],
    [['read', ' write ', ''], ['read', 'write']],
    [['read write', 'write admin'], ['read', 'write', 'admin']],
    [['read', 'read'], ['read']],
  ];
  for (const [input, expected] of CASES) {
    it(`normalises ${JSON.stringify(input)}`, () => {
      expect(normalizeScopeList(input)).toEqual(expected);
    });
  }

  for (const value of [0, 1, -1, true, false, null, undefined, {}, [1], ['read', null], [['read']]]) {
    it(`throws a TypeError for ${JSON.stringify(value)}`, () => {
      expect(() => normalizeScopeList(value as unknown as string)).toThrow(TypeError);
    });
  }
});
