import { describe, expect, it } from 'vitest';
import { compileScopeImplications } from '../../src/token/scope-implications.js';

describe('scope implications', () => {
  it('follow a table transitively', () => {
    const expand = compileScopeImplications({ admin: ['files:write'], 'files:write': ['files:read'] });
    expect(expand?.(['admin'])).toEqual(['admin', 'files:write', 'files:read']);
    expect(expand?.(['files:read'])).toEqual(['files:read']);
  });

  it('refuse a cycle at start-up, naming it', () => {
    expect(() => compileScopeImplications({ a: ['b'], b: ['c'], c: ['a'] })).toThrow('"scopeImplications" option has a cycle: a → b → c → a');
    expect(() => compileScopeImplications({ a: ['a'] })).toThrow(/cycle: a → a/);
  });

  it('refuse a table that is not one', () => {
    expect(() => compileScopeImplications({ a: 'b' } as never)).toThrow('"scopeImplications" option must map "a" to an array of scopes');
    expect(() => compileScopeImplications([] as never)).toThrow(/must be a table/);
  });

  it('follow a function transitively, each scope once, even through a cycle', () => {
    const expand = compileScopeImplications((scope) => (scope === 'a' ? ['b'] : scope === 'b' ? ['a', 'c'] : []));
    expect(expand?.(['a'])).toEqual(['a', 'b', 'c']);
  });

  it('stop following a function that keeps inventing scopes, at a bound', () => {
    let made = 0;
    const expand = compileScopeImplications(() => [`scope-${(made += 1)}`]);
    expect(expand?.(['a']).length).toBe(1_000);
  });

  it('are off when not configured', () => {
    expect(compileScopeImplications(undefined)).toBeUndefined();
  });
});
