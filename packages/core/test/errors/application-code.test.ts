// Application code tokengate runs (`classify`, claim predicates, route rows' claims) that throws
// is the server's failure: 500 server_error reported to onError, never a 401 blaming the client.
import { claimCheck, createVerifier, TokenGateError, type AccessToken } from '@tokengate/core';
import { checkRequirement, compileRequirement, compileRoutePolicy } from '@tokengate/core/adapter';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection, thrown } from '@tokengate/test-support';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());

describe('a classify that throws', () => {
  it('is 500 server_error, reported to onError with the exception as its cause', async () => {
    const bug = new Error('classify bug');
    const reported: TokenGateError[] = [];
    const verifier = createVerifier({
      issuer: issuer.issuer,
      audience: issuer.audience,
      classify: () => {
        throw bug;
      },
      onError: (error) => reported.push(error),
    });
    const error = await rejection(verifier.authenticate({ headers: { authorization: `Bearer ${await issuer.mintUserToken()}` } }));
    expect([error.code, error.status, error.description]).toEqual(['server_error', 500, "The application's classify failed"]);
    expect(error.cause).toBe(bug);
    expect(error.headers()).toEqual({});
    expect(reported).toEqual([error]);
  });

  it('returning something other than user or client is 500 too (fails closed)', async () => {
    const verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, classify: (() => 'admin') as never });
    const error = await rejection(verifier.verify(await issuer.mintUserToken()));
    expect([error.code, error.status]).toEqual(['server_error', 500]);
  });

  it('throwing a TokenGateError on purpose gives that answer', async () => {
    const verifier = createVerifier({
      issuer: issuer.issuer,
      audience: issuer.audience,
      classify: () => {
        throw new TokenGateError('invalid_token', 'Unknown kind of token');
      },
    });
    const error = await rejection(verifier.verify(await issuer.mintUserToken()));
    expect([error.code, error.status, error.description]).toEqual(['invalid_token', 401, 'Unknown kind of token']);
  });
});

describe('a claim predicate that throws', () => {
  let token: AccessToken;
  beforeAll(async () => {
    token = await createVerifier({ issuer: issuer.issuer, audience: issuer.audience }).verify(await issuer.mintUserToken());
  });
  const broken = claimCheck((claims) => (claims.org as unknown as { id: string }).id === 'acme');

  it('in a requirement is 500 server_error, not 401', () => {
    const error = thrown(() => checkRequirement(token, compileRequirement({ claims: [broken] })));
    expect([error.code, error.status, error.description]).toEqual(['server_error', 500, "The application's claim predicate failed"]);
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it('in a route policy row is 500 server_error, not 401', () => {
    const decision = compileRoutePolicy([{ path: '/v1/*', claims: [broken] }]).match('GET', '/v1/x');
    if (decision.kind !== 'protected') throw new Error('expected a protected row');
    expect(thrown(() => checkRequirement(token, decision.requirement)).code).toBe('server_error');
  });

  it('a predicate that returns false is still 401 invalid_token', () => {
    const error = thrown(() => checkRequirement(token, compileRequirement({ claims: [claimCheck(() => false, 'Not this org')] })));
    expect([error.code, error.status, error.description]).toEqual(['invalid_token', 401, 'Not this org']);
  });
});
