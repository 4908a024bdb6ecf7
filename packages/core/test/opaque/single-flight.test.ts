import { describe, expect, it } from 'vitest';
import { createSingleFlight, LookupOverloadError } from '../../src/opaque/single-flight.js';

describe('single flight', () => {
  it('looks up at most limit different keys at once; the next is refused at once', async () => {
    const flights = createSingleFlight<string>(3);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let loads = 0;
    const slow = async (): Promise<string> => {
      loads += 1;
      await gate;
      return 'done';
    };
    const running = ['a', 'b', 'c'].map((key) => flights.run(key, slow));
    // The same key joins its lookup; another one is refused without loading.
    const joined = flights.run('a', slow);
    const refused = await flights.run('d', slow).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LookupOverloadError);
    expect(flights.overloaded(refused)).toBe(true);
    expect(loads).toBe(3);
    release();
    await Promise.all([...running, joined]);
    await expect(flights.run('d', async () => 'later')).resolves.toBe('later');
  });

  it('shares one load between concurrent callers, and forgets a failed one', async () => {
    const flights = createSingleFlight<string>(64);
    let loads = 0;
    const load = async (): Promise<string> => {
      loads += 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (loads === 1) throw new Error('down');
      return 'ok';
    };
    const first = await Promise.allSettled(Array.from({ length: 10 }, () => flights.run('k', load)));
    expect(first.every((result) => result.status === 'rejected')).toBe(true);
    expect(loads).toBe(1);
    await Promise.all(Array.from({ length: 10 }, () => flights.run('k', load)));
    expect(loads).toBe(2);
  });
});
