/**
 * The in-process `Store`: bounded by entries and approximate bytes (least recently used go
 * first), expiry read from the given clock so tests control time.
 */
import { LRUCache } from 'lru-cache';
import type { Clock } from '../token/types.js';
import type { Store } from './store.js';

/** Bounds of a memory store. */
export interface MemoryStoreOptions {
  /** Most keys kept. Default 10000. */
  readonly maxEntries?: number;
  /** Most approximate bytes (keys and values, two bytes a character) kept. Default 16777216 (16 MiB). */
  readonly maxBytes?: number;
  /** Current time in ms. Default `Date.now`. */
  readonly clock?: Clock;
}

interface Entry {
  readonly value: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

const ENTRY_OVERHEAD = 64;

function positiveInteger(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`"${name}" option must be a positive integer`);
  return value;
}

/** A store held in this process. Atomic by construction: JavaScript runs one call at a time. */
class MemoryStore implements Store {
  readonly #clock: Clock;
  readonly #entries: LRUCache<string, Entry>;

  constructor(options: MemoryStoreOptions) {
    this.#clock = options.clock ?? Date.now;
    this.#entries = new LRUCache<string, Entry>({
      max: positiveInteger(options.maxEntries, 'maxEntries', 10_000),
      maxSize: positiveInteger(options.maxBytes, 'maxBytes', 16_777_216),
      sizeCalculation: (entry, key) => (key.length + entry.value.length) * 2 + ENTRY_OVERHEAD,
    });
  }

  /** Keys held (expired ones included until they are read or pushed out). */
  get size(): number {
    return this.#entries.size;
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (this.#clock() < entry.expiresAt) return entry;
    this.#entries.delete(key);
    return undefined;
  }

  #put(key: string, value: string, ttl: number): void {
    if (ttl > 0) this.#entries.set(key, { value, expiresAt: this.#clock() + ttl * 1000 });
  }

  async get(key: string): Promise<string | undefined> {
    return this.#live(key)?.value;
  }

  async set(key: string, value: string, ttl: number): Promise<void> {
    this.#put(key, value, ttl);
  }

  async setIfAbsent(key: string, value: string, ttl: number): Promise<boolean> {
    if (this.#live(key) !== undefined) return false;
    this.#put(key, value, ttl);
    return true;
  }

  async increment(key: string, ttl: number): Promise<number> {
    const entry = this.#live(key);
    if (entry === undefined) {
      this.#put(key, '1', ttl);
      return 1;
    }
    const count = Number(entry.value) + 1;
    this.#entries.set(key, { value: String(count), expiresAt: entry.expiresAt });
    return count;
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }
}

/** Whether `store` is this copy's in-process store (which answers without I/O and cannot hang). */
export function isMemoryStore(store: unknown): boolean {
  return store instanceof MemoryStore;
}

/**
 * Create a store held in this process, bounded by entries and approximate bytes.
 * @example const store = createMemoryStore({ maxEntries: 50_000 });
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store & { readonly size: number } {
  return new MemoryStore(options);
}
