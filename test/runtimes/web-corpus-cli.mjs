/**
 * The corpus from a command line (Node, Bun, Deno): the one argument is the URL of the input,
 * which names the @tokengate/web entry to load; the answers are printed as one line of JSON.
 * Only globals are used (fetch, console): under block-builtins.mjs nothing else is there.
 */
import { runCorpus } from './web-corpus.mjs';

const runtime = /** @type {{ Deno?: { args: string[] }, process?: { argv: string[] } }} */ (globalThis);
const inputUrl = runtime.Deno?.args[0] ?? runtime.process?.argv[2];
if (inputUrl === undefined) throw new Error('usage: web-corpus-cli.mjs <input URL>');
const input = await (await fetch(inputUrl)).json();
const web = await import(input.entry);
/** Whether `Buffer` can be used here (false under block-builtins.mjs and on runtimes without it). */
function bufferUsable() {
  try {
    return typeof globalThis.Buffer?.from === 'function';
  } catch {
    return false;
  }
}
console.log(JSON.stringify({ answers: await runCorpus(input, web), bufferUsable: bufferUsable() }));
