import { describe, expect, it } from 'vitest';
import { thrown } from '@tokengate/test-support';
import { claimCheck, claimEquals, claimIncludes, readClaim, assertClaim, type ClaimPredicate } from '../../src/policy/claims.js';
import type { AccessToken, Claims, JsonValue } from '../../src/token/types.js';

function tokenWith(claims: Claims): AccessToken {
  return { token: 't', format: 'jwt', claims, header: { alg: 'RS256' }, issuer: 'https://issuer.example/', scopes: [], type: 'user' };
}

const BAD_NAMES: readonly unknown[] = [0, 1, -1, true, false, null, [], '', {}];

describe('readClaim', () => {
  it('reads own claims', () => {
    expect(readClaim({ sub: 'alice', n: 0 }, 'sub')).toBe('alice');
    expect(readClaim({ n: 0 }, 'n')).toBe(0);
  });

  it('never reads inherited members', () => {
    expect(readClaim({}, 'constructor')).toBeUndefined();
    expect(readClaim(Object.create({ org_id: 'org_1' }) as Claims, 'org_id')).toBeUndefined();
  });
});

describe('claimEquals', () => {
  const CASES: ReadonlyArray<readonly [JsonValue, JsonValue | undefined, boolean]> = [
    // expected, actual, passes
    ['org_1', 'org_1', true],
    ['org_1', 'org_2', false],
    ['1', 1, false],
    [1, 1, true],
    [0, false, false],
    [true, true, true],
    [null, null, true],
    [null, undefined, false],
    ['org_1', undefined, false],
    [['a', 'b'], ['a', 'b'], true],
    [['a', 'b'], ['b', 'a'], false],
    [['a'], ['a', 'b'], false],
    [['a'], 'a', false],
    [[], {}, false],
    [{}, [], false],
    [{ a: 1, b: [true, null] }, { b: [true, null], a: 1 }, true],
    [{ a: 1 }, { a: 1, b: 2 }, false],
    [{ a: 1, b: 2 }, { a: 1 }, false],
    [{ a: { b: 'c' } }, { a: { b: 'd' } }, false],
    [{ a: null }, { b: null }, false],
  ];
  for (const [expected, actual, passes] of CASES) {
    it(`${passes ? 'passes' : 'fails'} for ${JSON.stringify(actual)} against ${JSON.stringify(expected)}`, () => {
      const claims: Claims = actual === undefined ? {} : { org: actual };
      expect(claimEquals('org', expected)(tokenWith(claims))).toBe(passes);
    });
  }

  it('describes the claim it checks', () => {
    expect(claimEquals('org_id', 'org_1').description).toBe('Unexpected "org_id" value');
  });

  it('ignores inherited members', () => {
    expect(claimEquals('org', 'x')(tokenWith(Object.create({ org: 'x' }) as Claims))).toBe(false);
  });

  for (const name of BAD_NAMES) {
    it(`throws a TypeError for the claim name ${JSON.stringify(name)}`, () => {
      expect(() => claimEquals(name as string, 'x')).toThrow(TypeError);
    });
  }

  it('throws a TypeError for an undefined expectation', () => {
    expect(() => claimEquals('org', undefined as unknown as JsonValue)).toThrow(TypeError);
  });
});

describe('claimIncludes', () => {
  const CASES: ReadonlyArray<readonly [JsonValue | undefined, readonly string[], boolean]> = [
    [['editor', 'viewer'], ['editor'], true],
    [['editor', 'viewer'], ['viewer', 'editor'], true],
    [['editor'], ['editor', 'viewer'], false],
    ['editor viewer', ['viewer', 'editor'], true],
    ['  editor\tviewer ', ['viewer'], true],
    ['superadmin', ['admin'], false],
    ['admins admin', ['admin'], true],
    ['admin-ro', ['admin'], false],
    ['editor', ['editor viewer'], false],
    [['editor viewer'], ['editor'], false],
    [undefined, ['editor'], false],
    [null, ['editor'], false],
    [1, ['1'], false],
    [{ editor: true }, ['editor'], false],
    [[1, 'editor'], ['1'], false],
  ];
  for (const [actual, values, passes] of CASES) {
    it(`${passes ? 'passes' : 'fails'} for ${JSON.stringify(actual)} including ${JSON.stringify(values)}`, () => {
      const claims: Claims = actual === undefined ? {} : { roles: actual };
      expect(claimIncludes('roles', ...values)(tokenWith(claims))).toBe(passes);
    });
  }

  it('describes the claim it checks', () => {
    expect(claimIncludes('roles', 'editor').description).toBe('Unexpected "roles" value');
  });

  for (const name of BAD_NAMES) {
    it(`throws a TypeError for the claim name ${JSON.stringify(name)}`, () => {
      expect(() => claimIncludes(name as string, 'x')).toThrow(TypeError);
    });
  }

  it('throws a TypeError without values', () => {
    expect(() => claimIncludes('roles')).toThrow(TypeError);
  });

  for (const value of [0, 1, -1, true, false, null, [], '', {}]) {
    it(`throws a TypeError for the value ${JSON.stringify(value)}`, () => {
      expect(() => claimIncludes('roles', 'editor', value as string)).toThrow(TypeError);
    });
  }
});

describe('claimCheck', () => {
  it('passes the claims and the token to the check', () => {
    const token = tokenWith({ email_verified: true });
    const seen: unknown[] = [];
    const predicate = claimCheck((claims, received) => {
      seen.push(claims, received);
      return claims.email_verified === true;
    });
    expect(predicate(token)).toBe(true);
    expect(seen).toEqual([token.claims, token]);
  });

  for (const result of [false, 1, 'yes', {}, [], null, undefined, Promise.resolve(true)]) {
    it(`fails closed when the check returns ${Object.prototype.toString.call(result)} ${String(result)}`, () => {
      const check = (() => result) as unknown as (claims: Claims) => boolean;
      expect(claimCheck(check)(tokenWith({}))).toBe(false);
    });
  }

  it('uses the given description, else a default', () => {
    expect(claimCheck(() => true, 'Email not verified').description).toBe('Email not verified');
    expect(claimCheck(() => true).description).toBe('Unexpected claim value');
  });

  for (const value of [0, 1, -1, true, false, null, [], '', {}]) {
    it(`throws a TypeError for the check ${JSON.stringify(value)}`, () => {
      expect(() => claimCheck(value as unknown as () => boolean)).toThrow(TypeError);
    });
  }
});

describe('assertClaim', () => {
  const token = tokenWith({ org_id: 'org_2' });

  it('passes when the predicate passes', () => {
    expect(() => assertClaim(token, claimEquals('org_id', 'org_2'))).not.toThrow();
  });

  it('fails with a 401 invalid_token described by the predicate', () => {
    const error = thrown(() => assertClaim(token, claimEquals('org_id', 'org_1')));
    expect(error.code).toBe('invalid_token');
    expect(error.status).toBe(401);
    expect(error.description).toBe('Unexpected "org_id" value');
    expect(error.headers()).toEqual({
      'WWW-Authenticate': 'Bearer realm="api", error="invalid_token", error_description="Unexpected \\"org_id\\" value"',
    });
    expect(error.toProblem()).toMatchObject({ status: 401, error: 'invalid_token', detail: 'Unexpected "org_id" value' });
  });

  it('prefers an explicit description', () => {
    expect(thrown(() => assertClaim(token, claimEquals('org_id', 'org_1'), 'Wrong organisation')).description).toBe('Wrong organisation');
  });

  it('uses the default description for a plain function', () => {
    const predicate: ClaimPredicate = () => false;
    expect(thrown(() => assertClaim(token, predicate)).description).toBe('Unexpected claim value');
  });

  it('fails closed on a truthy non-boolean result', () => {
    const predicate = (() => 1) as unknown as ClaimPredicate;
    expect(thrown(() => assertClaim(token, predicate)).code).toBe('invalid_token');
  });

  it('freezes the predicates it builds', () => {
    expect(Object.isFrozen(claimEquals('org_id', 'x'))).toBe(true);
  });
});
