/**
 * The process of one benchmark family, started by `run.ts` (or by hand): runs the family's
 * function and sends its result to `run.ts` over IPC, or prints its JSON when run by hand.
 *
 *   node --expose-gc --import tsx bench/family.ts micro-rs256 [--quick] [--anchors]
 */
import { FAMILIES } from './lib/families.js';
import { modeFrom, report } from './lib/types.js';

const [id, ...flags] = process.argv.slice(2);
const family = FAMILIES.find((candidate) => candidate.id === id);
if (family === undefined) throw new Error(`Usage: family.ts <${FAMILIES.map((f) => f.id).join('|')}> [--quick] [--anchors]`);
await report(await family.run({ mode: modeFrom(flags), anchors: flags.includes('--anchors') }));
process.exit(0);
