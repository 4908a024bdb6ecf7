import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '@tokengate/core';

function clocked() {
  let now = 1_000_000;
  return { clock: () => now, advance: (seconds: number) => (now += seconds * 1000) };
}

describe('the memory store', () => {
  it('gets what was set until its ttl passes', async () => {
    const time = clocked();
    const store = createMemoryStore({ clock: time.clock });
    await store.set('k', 'v', 2);
    expect(await store.get('k')).toBe('v');
    time.advance(1.9);
    expect(await store.get('k')).toBe('v');
    time.advance(0.1);
    expect(await store.get('k')).toBeUndefined();
    await store.set('zero', 'v', 0);
    expect(await store.get('zero')).toBeUndefined();
  });

  it('sets if absent only once while the value lives, and again once it expired', async () => {
    const time = clocked();
    const store = createMemoryStore({ clock: time.clock });
    expect(await store.setIfAbsent('jti', '1', 5)).toBe(true);
    expect(await store.setIfAbsent('jti', '2', 5)).toBe(false);
    expect(await store.get('jti')).toBe('1');
    time.advance(5);
    expect(await store.setIfAbsent('jti', '3', 5)).toBe(true);
  });

  it('counts, the window starting at the first increment', async () => {
    const time = clocked();
    const store = createMemoryStore({ clock: time.clock });
    expect(await store.increment('c', 10)).toBe(1);
    time.advance(9);
    expect(await store.increment('c', 10)).toBe(2);
    time.advance(1);
    expect(await store.increment('c', 10)).toBe(1);
  });

  it('deletes, and is bounded by entries (least recently used first)', async () => {
    const store = createMemoryStore({ maxEntries: 2 });
    await store.set('a', '1', 60);
    await store.delete('a');
    expect(await store.get('a')).toBeUndefined();
    for (const key of ['a', 'b', 'c']) await store.set(key, key, 60);
    expect([await store.get('a'), await store.get('b'), await store.get('c')]).toEqual([undefined, 'b', 'c']);
    expect(store.size).toBe(2);
  });

  it('refuses bounds that are not positive integers', () => {
    expect(() => createMemoryStore({ maxEntries: 0 })).toThrow('"maxEntries" option must be a positive integer');
    expect(() => createMemoryStore({ maxBytes: 1.5 })).toThrow('"maxBytes" option must be a positive integer');
  });
});
