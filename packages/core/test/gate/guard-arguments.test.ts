import { describe, expect, it } from 'vitest';
import { claimEquals } from '@tokengate/core';
import { splitGuardArguments } from '@tokengate/core/adapter';

describe('splitGuardArguments', () => {
  it('takes a trailing plain object as the options', () => {
    expect(splitGuardArguments('requireScopes', ['a', 'b', { errors: 'delegate' }])).toEqual({ items: ['a', 'b'], options: { errors: 'delegate' } });
    expect(splitGuardArguments('requireScopes', ['a'])).toEqual({ items: ['a'], options: {} });
    const predicate = claimEquals('org', 'x');
    expect(splitGuardArguments('requireClaims', [predicate, {}])).toEqual({ items: [predicate], options: {} });
  });

  it('refuses a guard with nothing to require, naming what is missing', () => {
    expect(() => splitGuardArguments('requireAnyScope', [{ errors: 'delegate' }])).toThrow(new TypeError('requireAnyScope() needs at least one scope'));
    expect(() => splitGuardArguments('requireClaims', [])).toThrow(new TypeError('requireClaims() needs at least one predicate'));
  });
});
