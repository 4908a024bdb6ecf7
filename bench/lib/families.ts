/**
 * The benchmark families: what `run.ts` runs, one Node.js process each (`bench/family.ts <id>`),
 * and the function that process calls. The family modules are imported only in that process, and
 * the anchors (bench/anchors) only when `--anchors` is given.
 */
import type { SigningAlgorithm } from '@tokengate/testing';
import type { FamilyOptions, FamilyResult } from './types.js';

export interface Family {
  readonly id: string;
  readonly title: string;
  readonly nodeFlags: readonly string[];
  readonly run: (options: FamilyOptions) => Promise<FamilyResult>;
}

const GC = ['--expose-gc'];
/** Comma-separated lists in the environment restrict a family for investigation (see README). */
const listFromEnv = (name: string): readonly string[] | undefined => process.env[name]?.split(',');

function micro(algorithm: SigningAlgorithm, title: string): Family {
  return {
    id: `micro-${algorithm.toLowerCase()}`,
    title,
    nodeFlags: GC,
    run: async (options) => (await import('../micro.js')).runMicro({ ...options, algorithm, rows: listFromEnv('BENCH_ROWS') }),
  };
}

/** The DPoP rows: an ES256 access token answered by the cache, a new ES256 proof per call. */
function microDpop(): Family {
  return {
    id: 'micro-dpop',
    title: 'Micro: DPoP (ES256 proofs, cached access token)',
    nodeFlags: GC,
    run: async (options) => (await import('../micro.js')).runMicro({ ...options, algorithm: 'ES256', suite: 'dpop', rows: listFromEnv('BENCH_ROWS') }),
  };
}

function memory(id: string, title: string, uses: 1 | 2): Family {
  return { id, title, nodeFlags: GC, run: async (options) => (await import('../memory.js')).runMemory({ ...options, uses, cache: process.env.BENCH_CACHE }) };
}

export const FAMILIES: readonly Family[] = [
  micro('RS256', 'Micro: RS256'),
  micro('ES256', 'Micro: ES256'),
  micro('EdDSA', 'Micro: EdDSA (Ed25519)'),
  microDpop(),
  {
    id: 'http',
    title: 'HTTP',
    nodeFlags: [],
    run: async (options) => (await import('../http.js')).runHttp({ ...options, servers: listFromEnv('BENCH_SERVERS'), profileDir: process.env.BENCH_PROFILE_DIR }),
  },
  memory('memory', 'Memory', 1),
  memory('memory-reused', 'Memory: every token used twice (the cache churns at its bound)', 2),
];
