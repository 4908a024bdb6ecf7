/**
 * The Web gate's corpus: one Request per case, each checked by `createWebGate` and described as
 * plain JSON (a problem's `instance` left out: it is unique by design). Plain JavaScript with no
 * imports, so any runtime runs it as it is: Node (with or without its built-ins), Bun, Deno, and
 * workerd through a bundle. test/web-build.test.ts makes the input and compares the answers.
 */

/** The request every case is made with. */
const URL_CHECKED = 'https://api.example.com/v1/files';

/**
 * A token or a Response, as plain JSON.
 * @param {unknown} result
 */
async function describe(result) {
  if (!(result instanceof Response)) {
    const token = /** @type {{ subject?: string, type: string, scopes: ReadonlySet<string> | string[], format: string, issuer: string }} */ (result);
    return { status: 200, subject: token.subject ?? null, type: token.type, scopes: [...token.scopes].sort(), format: token.format, issuer: token.issuer };
  }
  const { instance: _unique, ...body } = await result.json();
  return { status: result.status, challenge: result.headers.get('www-authenticate'), type: result.headers.get('content-type'), body };
}

/**
 * Run every case of `input` through gates made by `web.createWebGate`.
 * @param {{ gates: object[], cases: { name: string, gate: number, authorization?: string, requirement?: object }[] }} input
 * @param {{ createWebGate: (options: object) => { check: (request: Request, requirement?: object) => Promise<unknown> } }} web
 * @returns {Promise<Record<string, unknown>>} each case's answer, by name
 */
export async function runCorpus(input, web) {
  const gates = input.gates.map((options) => web.createWebGate(options));
  /** @type {Record<string, unknown>} */
  const answers = {};
  for (const entry of input.cases) {
    const headers = entry.authorization === undefined ? {} : { authorization: entry.authorization };
    const gate = gates[entry.gate];
    if (gate === undefined) throw new Error(`No gate ${entry.gate}`);
    answers[entry.name] = await describe(await gate.check(new Request(URL_CHECKED, { headers }), entry.requirement));
  }
  return answers;
}
