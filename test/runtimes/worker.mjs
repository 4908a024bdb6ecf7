/**
 * A Workers module that runs the corpus (web-corpus.mjs) with the built @tokengate/web. Bundled by
 * test/web-build.test.ts with the conditions Workers bundlers use (`workerd`, `worker`,
 * `browser`), and run by workerd without `nodejs_compat`: no `node:` module can exist there.
 */
import * as web from '../../packages/web/dist/index.js';
import { runCorpus } from './web-corpus.mjs';

export default {
  /** @param {Request} _request @param {{ INPUT_URL: string }} env */
  async fetch(_request, env) {
    const input = await (await fetch(env.INPUT_URL)).json();
    const runtime = /** @type {{ Buffer?: unknown, process?: unknown, navigator?: { userAgent?: string } }} */ (globalThis);
    return Response.json({
      answers: await runCorpus(input, web),
      bufferUsable: runtime.Buffer !== undefined,
      processDefined: runtime.process !== undefined,
      userAgent: runtime.navigator?.userAgent ?? null,
    });
  },
};
