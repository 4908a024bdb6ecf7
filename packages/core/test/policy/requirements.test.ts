import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { claimCheck, claimEquals, claimIncludes, createVerifier, TokenGateError, type AccessToken, type ClaimPredicate, type Requirement, type Verifier } from '@tokengate/core';
import { checkRequirement, compileRequirement } from '@tokengate/core/adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerChallenge, CLIENT_REQUIRED, INSUFFICIENT_SCOPE, thrown, USER_REQUIRED } from '@tokengate/test-support';

let issuer: TestIssuer;
let verifier: Verifier;
/** A user token (authorization_code) with `read:font:data create:webfonts:kit`, `org_id: org_1`, `roles: [editor]`. */
let user: AccessToken;
/** A user token with no scope claim at all. */
let bareUser: AccessToken;
/** A client token (client_credentials) with the same scopes and claims as `user`. */
let client: AccessToken;

beforeAll(async () => {
  issuer = await createTestIssuer();
  verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience });
  const claims = { org_id: 'org_1', roles: ['editor'] };
  const scopes = ['read:font:data', 'create:webfonts:kit'];
  user = await verifier.verify(await issuer.mintUserToken({ sub: 'alice', scopes, claims }));
  bareUser = await verifier.verify(await issuer.mintUserToken({ sub: 'bob' }));
  client = await verifier.verify(await issuer.mintClientToken({ clientId: 'billing', scopes, claims }));
});
afterAll(() => issuer.close());

function check(token: AccessToken, requirement: Requirement): TokenGateError {
  return thrown(() => checkRequirement(token, compileRequirement(requirement)));
}

describe('the test tokens', () => {
  it('are a user token and a client token carrying the scopes', () => {
    expect(user.type).toBe('user');
    expect(bareUser.type).toBe('user');
    expect(client.type).toBe('client');
    expect(user.scopes).toEqual(['read:font:data', 'create:webfonts:kit']);
    expect(client.scopes).toEqual(['read:font:data', 'create:webfonts:kit']);
    expect(bareUser.scopes).toEqual([]);
  });
});

describe('compileRequirement', () => {
  it('defaults to any token, no scopes, no claims', () => {
    const expected = { token: 'any', scopes: [], anyScopes: [], claims: [] };
    expect(compileRequirement()).toEqual(expected);
    expect(compileRequirement({})).toEqual(expected);
  });

  it('keeps the token requirement', () => {
    expect(compileRequirement({ token: 'user' }).token).toBe('user');
    expect(compileRequirement({ token: 'client' }).token).toBe('client');
    expect(compileRequirement({ token: 'any' }).token).toBe('any');
  });

  const BAD_TOKENS: readonly unknown[] = ['admin', 'User', 'USER', 'users', '', ' user', 'both', 0, 1, true, {}, ['user']];
  for (const token of BAD_TOKENS) {
    it(`rejects token ${JSON.stringify(token)} with a TypeError naming the value`, () => {
      const compile = () => compileRequirement({ token: token as Requirement['token'] });
      expect(compile).toThrow(TypeError);
      expect(compile).toThrow(`"token" must be 'any', 'user' or 'client' (got ${JSON.stringify(token)})`);
    });
  }

  it('splits a space-separated scopes string', () => {
    expect(compileRequirement({ scopes: 'read:font:data create:webfonts:kit' }).scopes).toEqual(['read:font:data', 'create:webfonts:kit']);
  });

  it('normalises scope strings: whitespace runs, tabs, duplicates, empties', () => {
    expect(compileRequirement({ scopes: '  read \t write\nread  ' }).scopes).toEqual(['read', 'write']);
    expect(compileRequirement({ scopes: ['read write', ' read ', '', 'admin'] }).scopes).toEqual(['read', 'write', 'admin']);
    expect(compileRequirement({ anyScopes: 'a b  a' }).anyScopes).toEqual(['a', 'b']);
    expect(compileRequirement({ anyScopes: ['a', 'b c'] }).anyScopes).toEqual(['a', 'b', 'c']);
  });

  it('treats an empty or blank scopes string as no scope requirement', () => {
    expect(compileRequirement({ scopes: '' }).scopes).toEqual([]);
    expect(compileRequirement({ scopes: '   ' }).scopes).toEqual([]);
    expect(compileRequirement({ anyScopes: [] }).anyScopes).toEqual([]);
  });

  const BAD_SCOPES: ReadonlyArray<readonly [string, unknown]> = [
    ['a number', 42],
    ['an object', { read: true }],
    ['null', null],
    ['an array with a number', ['read', 1]],
    ['an array with null', [null]],
  ];
  for (const [name, scopes] of BAD_SCOPES) {
    it(`rejects scopes as ${name} with a TypeError`, () => {
      expect(() => compileRequirement({ scopes: scopes as string })).toThrow(TypeError);
    });
    it(`rejects anyScopes as ${name} with a TypeError`, () => {
      expect(() => compileRequirement({ anyScopes: scopes as string })).toThrow(TypeError);
    });
  }

  const BAD_CLAIMS: ReadonlyArray<readonly [string, unknown]> = [
    ['a function instead of an array', claimEquals('org_id', 'org_1')],
    ['a string', 'org_id'],
    ['an object', { org_id: 'org_1' }],
    ['an array of strings', ['org_id']],
    ['an array with a non-function after a predicate', [claimEquals('org_id', 'org_1'), 'org_id']],
    ['an array holding null', [null]],
    ['an array holding an object', [{ description: 'x' }]],
  ];
  for (const [name, claims] of BAD_CLAIMS) {
    it(`rejects claims as ${name} with a TypeError`, () => {
      const compile = () => compileRequirement({ claims: claims as readonly ClaimPredicate[] });
      expect(compile).toThrow(TypeError);
      expect(compile).toThrow('"claims" must be an array of claim predicates');
    });
  }

  it('accepts claim predicates, keeping their order', () => {
    const first = claimEquals('org_id', 'org_1');
    const second = claimIncludes('roles', 'editor');
    const third: ClaimPredicate = () => true;
    expect(compileRequirement({ claims: [first, second, third] }).claims).toEqual([first, second, third]);
  });

  it('freezes the result and its lists', () => {
    const compiled = compileRequirement({ token: 'user', scopes: 'a', anyScopes: 'b', claims: [() => true] });
    expect(Object.isFrozen(compiled)).toBe(true);
    expect(Object.isFrozen(compiled.scopes)).toBe(true);
    expect(Object.isFrozen(compiled.anyScopes)).toBe(true);
    expect(Object.isFrozen(compiled.claims)).toBe(true);
  });

  it('copies its input: later changes to the given arrays do not change the requirement', () => {
    const scopes = ['read:font:data'];
    const claims: ClaimPredicate[] = [() => true];
    const compiled = compileRequirement({ scopes, claims });
    scopes.push('admin');
    claims.push(() => false);
    expect(compiled.scopes).toEqual(['read:font:data']);
    expect(compiled.claims).toHaveLength(1);
    expect(() => checkRequirement(user, compiled)).not.toThrow();
    expect(() => checkRequirement(user, compileRequirement({ scopes, claims }))).toThrow(TokenGateError);
  });

  it('does not mutate the requirement it is given', () => {
    const requirement = Object.freeze({ token: 'user' as const, scopes: Object.freeze(['a b']), claims: Object.freeze([() => true]) });
    expect(() => compileRequirement(requirement)).not.toThrow();
    expect(requirement.scopes).toEqual(['a b']);
  });
});

describe('checkRequirement: token type', () => {
  it('lets any token through an empty requirement', () => {
    expect(() => checkRequirement(user, compileRequirement())).not.toThrow();
    expect(() => checkRequirement(client, compileRequirement())).not.toThrow();
    expect(() => checkRequirement(bareUser, compileRequirement({ token: 'any' }))).not.toThrow();
  });

  it('lets a user token through a user requirement and a client token through a client one', () => {
    expect(() => checkRequirement(user, compileRequirement({ token: 'user' }))).not.toThrow();
    expect(() => checkRequirement(client, compileRequirement({ token: 'client' }))).not.toThrow();
  });

  it('refuses a client token where a user token is required: 403 invalid_token_type with the seed text', () => {
    const error = check(client, { token: 'user' });
    expect(error.code).toBe('invalid_token_type');
    expect(error.status).toBe(403);
    expect(error.description).toBe(USER_REQUIRED);
    expect(error.message).toBe(USER_REQUIRED);
    expect(error.extensions).toEqual({ required_token_type: 'user', token_type: 'client' });
    expect(error.toProblem()).toMatchObject({ error: 'invalid_token_type', error_description: USER_REQUIRED, required_token_type: 'user', token_type: 'client' });
    expect(error.headers()['WWW-Authenticate']).toBe(bearerChallenge('invalid_token_type', USER_REQUIRED));
  });

  it('refuses a user token where a client token is required: 403 invalid_token_type', () => {
    const error = check(user, { token: 'client' });
    expect(error.code).toBe('invalid_token_type');
    expect(error.status).toBe(403);
    expect(error.description).toBe(CLIENT_REQUIRED);
    expect(error.extensions).toEqual({ required_token_type: 'client', token_type: 'user' });
  });
});

describe('checkRequirement: scopes', () => {
  it('passes when every required scope is granted, whatever the order', () => {
    expect(() => checkRequirement(user, compileRequirement({ scopes: 'create:webfonts:kit read:font:data' }))).not.toThrow();
    expect(() => checkRequirement(user, compileRequirement({ scopes: ['read:font:data'] }))).not.toThrow();
  });

  it('refuses a missing scope: 403 insufficient_scope, requiredScopes and a scope challenge', () => {
    const error = check(user, { scopes: 'read:font:data delete:font' });
    expect(error.code).toBe('insufficient_scope');
    expect(error.status).toBe(403);
    expect(error.description).toBe(INSUFFICIENT_SCOPE);
    expect(error.requiredScopes).toEqual(['read:font:data', 'delete:font']);
    expect(error.extensions).toEqual({ missing_scopes: ['delete:font'], required_scopes: ['read:font:data', 'delete:font'] });
    expect(error.headers()['WWW-Authenticate']).toBe(bearerChallenge('insufficient_scope', INSUFFICIENT_SCOPE, { scope: 'read:font:data delete:font' }));
  });

  it('lists every required scope in the challenge of a token with no scopes at all', () => {
    const error = check(bareUser, { scopes: 'read:font:data create:webfonts:kit' });
    expect(error.requiredScopes).toEqual(['read:font:data', 'create:webfonts:kit']);
    expect(error.headers['WWW-Authenticate']).toContain('scope="read:font:data create:webfonts:kit"');
    expect(error.toProblem()).toMatchObject({ missing_scopes: ['read:font:data', 'create:webfonts:kit'] });
  });

  it('matches scopes exactly (case and prefix matter)', () => {
    expect(check(user, { scopes: 'READ:FONT:DATA' }).code).toBe('insufficient_scope');
    expect(check(user, { scopes: 'read:font' }).code).toBe('insufficient_scope');
    expect(check(user, { scopes: 'read:font:data:all' }).code).toBe('insufficient_scope');
  });

  it('anyScopes passes with one of the scopes', () => {
    expect(() => checkRequirement(user, compileRequirement({ anyScopes: 'admin create:webfonts:kit' }))).not.toThrow();
  });

  it('anyScopes refuses a token with none of them, listing all as required and missing', () => {
    const error = check(user, { anyScopes: ['admin', 'owner'] });
    expect(error.code).toBe('insufficient_scope');
    expect(error.status).toBe(403);
    expect(error.requiredScopes).toEqual(['admin', 'owner']);
    expect(error.extensions).toEqual({ missing_scopes: ['admin', 'owner'], required_scopes: ['admin', 'owner'] });
    expect(error.headers()['WWW-Authenticate']).toContain('scope="admin owner"');
  });

  it('checks scopes before anyScopes', () => {
    const requirement = { scopes: 'write', anyScopes: 'admin owner' };
    expect(check(bareUser, requirement).requiredScopes).toEqual(['write']);
    expect(check(user, { scopes: 'read:font:data', anyScopes: 'admin owner' }).requiredScopes).toEqual(['admin', 'owner']);
  });

  it('requires both scopes and anyScopes when both are given', () => {
    const requirement = compileRequirement({ scopes: 'read:font:data', anyScopes: 'create:webfonts:kit admin' });
    expect(() => checkRequirement(user, requirement)).not.toThrow();
    expect(() => checkRequirement(bareUser, requirement)).toThrow(TokenGateError);
  });
});

describe('checkRequirement: claims', () => {
  it('passes when every predicate holds', () => {
    const requirement = compileRequirement({ claims: [claimEquals('org_id', 'org_1'), claimIncludes('roles', 'editor'), claimEquals('sub', 'alice')] });
    expect(() => checkRequirement(user, requirement)).not.toThrow();
  });

  it('refuses a failed predicate: 401 invalid_token with its description', () => {
    const error = check(user, { claims: [claimEquals('org_id', 'org_2')] });
    expect(error.code).toBe('invalid_token');
    expect(error.status).toBe(401);
    expect(error.description).toBe('Unexpected "org_id" value');
    expect(error.headers()['WWW-Authenticate']).toBe('Bearer realm="api", error="invalid_token", error_description="Unexpected \\"org_id\\" value"');
  });

  it('reports the first failing predicate, in the order given', () => {
    const first = claimCheck(() => false, 'first failed');
    const second = claimCheck(() => false, 'second failed');
    expect(check(user, { claims: [claimEquals('org_id', 'org_1'), first, second] }).description).toBe('first failed');
    expect(check(user, { claims: [second, first] }).description).toBe('second failed');
  });

  it('stops at the first failing predicate', () => {
    let calls = 0;
    const counted: ClaimPredicate = () => {
      calls += 1;
      return true;
    };
    check(user, { claims: [claimCheck(() => false, 'no'), counted] });
    expect(calls).toBe(0);
    checkRequirement(user, compileRequirement({ claims: [counted, counted] }));
    expect(calls).toBe(2);
  });

  it('fails closed on a predicate returning a truthy non-true value', () => {
    const truthy = (() => 1) as unknown as ClaimPredicate;
    const error = check(user, { claims: [truthy] });
    expect(error.code).toBe('invalid_token');
    expect(error.description).toBe('Unexpected claim value');
  });

  it('hands the verified token to the predicates', () => {
    const seen: AccessToken[] = [];
    checkRequirement(client, compileRequirement({ claims: [(token) => (seen.push(token), true)] }));
    expect(seen).toEqual([client]);
  });
});

describe('checkRequirement: order is type, then scopes, then claims', () => {
  const failingClaim = claimEquals('org_id', 'someone-else');

  it('reports the token type first when type, scopes and claims all fail', () => {
    const error = check(client, { token: 'user', scopes: 'admin', anyScopes: 'owner', claims: [failingClaim] });
    expect(error.code).toBe('invalid_token_type');
    expect(error.status).toBe(403);
    expect(error.description).toBe(USER_REQUIRED);
  });

  it('reports scopes before claims when the type is right', () => {
    const error = check(user, { token: 'user', scopes: 'admin', claims: [failingClaim] });
    expect(error.code).toBe('insufficient_scope');
    expect(error.status).toBe(403);
    expect(error.requiredScopes).toEqual(['admin']);
  });

  it('reports anyScopes before claims', () => {
    const error = check(user, { anyScopes: 'admin owner', claims: [failingClaim] });
    expect(error.code).toBe('insufficient_scope');
    expect(error.requiredScopes).toEqual(['admin', 'owner']);
  });

  it('reports claims last', () => {
    const error = check(user, { token: 'user', scopes: 'read:font:data', anyScopes: 'create:webfonts:kit', claims: [failingClaim] });
    expect(error.code).toBe('invalid_token');
    expect(error.status).toBe(401);
    expect(error.description).toBe('Unexpected "org_id" value');
  });

  it('does not evaluate predicates when the type or scopes already fail', () => {
    let calls = 0;
    const spy: ClaimPredicate = () => {
      calls += 1;
      return true;
    };
    check(client, { token: 'user', claims: [spy] });
    check(user, { scopes: 'admin', claims: [spy] });
    expect(calls).toBe(0);
  });
});
