import { createVerifier, type VerifierOptions } from '@tokengate/core';
import { describe, expect, it } from 'vitest';

const base = { issuer: 'https://auth.example.com/', audience: 'https://api.example.com' };

function build(options: unknown): () => unknown {
  return () => createVerifier(options as VerifierOptions);
}

describe('bad configuration fails at construction, naming the option', () => {
  const cases: [string, unknown, RegExp][] = [
    ['no options', undefined, /options object/],
    ['missing issuer', { audience: base.audience }, /"issuer" option is required/],
    ['missing audience', { issuer: base.issuer }, /"audience" option is required/],
    ['empty issuer list', { ...base, issuer: [] }, /"issuer" option must be a non-empty/],
    ['empty audience', { ...base, audience: '' }, /"audience" option must contain only non-empty strings/],
    ['relative issuer', { ...base, issuer: 'auth.example.com' }, /"issuer" option must be an absolute URL/],
    ['http issuer that is not loopback', { ...base, issuer: 'http://auth.example.com/' }, /"issuer" option must use https:/],
    ['empty algorithm list', { ...base, algorithms: [] }, /"algorithms" option must be a non-empty array/],
    ['alg none in the list', { ...base, algorithms: ['none'] }, /"algorithms" option contains an unsupported algorithm/],
    ['HMAC without a secret', { ...base, algorithms: ['HS256'] }, /"algorithms" option lists HS256, which needs the "secret" option/],
    ['short secret', { ...base, secret: 'short' }, /"secret" option must be/],
    ['negative clockTolerance', { ...base, clockTolerance: -1 }, /"clockTolerance" option must be a non-negative number/],
    ['NaN maxTokenAge', { ...base, maxTokenAge: Number.NaN }, /"maxTokenAge" option must be a non-negative number/],
    ['jwksUri with several issuers', { ...base, issuer: [base.issuer, 'https://b.example/'], jwksUri: 'https://a/jwks' }, /"jwksUri" option can be used with a single issuer/],
    ['relative jwksUri', { ...base, jwksUri: '/jwks' }, /"jwksUri" option must be an absolute URL/],
    ['http jwksUri that is not loopback (keys anyone on the path could swap)', { ...base, jwksUri: 'http://keys.example.com/jwks' }, /"jwksUri" option must use https:/],
    ['unknown token method', { ...base, tokenMethods: ['cookie'] }, /"tokenMethods" option contains an unknown method/],
    ['negative jwks timeout', { ...base, jwks: { timeoutMs: -5 } }, /"jwks.timeoutMs" option/],
    ['classify not a function', { ...base, classify: 'user' }, /"classify" option must be a function/],
  ];
  for (const [name, options, message] of cases) {
    it(name, () => {
      expect(build(options)).toThrow(TypeError);
      expect(build(options)).toThrow(message);
    });
  }

  it('accepts an http: jwksUri on loopback and with the loud opt-in', () => {
    expect(build({ ...base, jwksUri: 'http://127.0.0.1:8080/jwks' })).not.toThrow();
    expect(build({ ...base, jwksUri: 'http://keys.example.com/jwks', dangerouslyAllowHttpIssuer: true })).not.toThrow();
  });

  it('accepts http: on loopback and with the loud opt-in', () => {
    expect(build({ ...base, issuer: 'http://127.0.0.1:8080' })).not.toThrow();
    expect(build({ ...base, issuer: 'http://localhost:8080/' })).not.toThrow();
    expect(build({ ...base, issuer: 'http://auth.internal/', dangerouslyAllowHttpIssuer: true })).not.toThrow();
  });

  it('never mutates the caller options and freezes its own', () => {
    const options = Object.freeze({ ...base, jwks: Object.freeze({ timeoutMs: 100 }) });
    const verifier = createVerifier(options);
    expect(Object.isFrozen(verifier.options)).toBe(true);
    expect(verifier.options.jwks.timeoutMs).toBe(100);
    expect(verifier.options.clockTolerance).toBe(5);
    expect([...verifier.options.algorithms]).not.toContain('HS256');
  });
});
