/**
 * One shape for the responses the suites get back: supertest's (Express), `fetch`'s (Koa and
 * the end-to-end tests) and Fastify's `inject`.
 */

/** A response as the assertions read it: lower-case header names, the body parsed when it is JSON. */
export interface NormalisedResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body, or the text when it is not JSON. */
  readonly body: unknown;
}

/** What supertest answers (`request(app).get(…)`). */
export interface SupertestResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly text: string;
}

/** What Fastify's `app.inject(…)` answers. */
export interface InjectResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly payload: string;
}

/** Any response the suites assert on. */
export type AnyResponse = Response | SupertestResponse | InjectResponse | NormalisedResponse;

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function headerText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value.map(String).join(', ') : String(value);
}

function lowerCased(headers: Readonly<Record<string, unknown>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const text = headerText(value);
    if (text !== undefined) result[name.toLowerCase()] = text;
  }
  return result;
}

async function fromFetch(response: Response): Promise<NormalisedResponse> {
  return { status: response.status, headers: Object.fromEntries(response.headers), body: parse(await response.text()) };
}

/** Read a `fetch` response (its body is consumed), or reshape any other; a normalised one is returned as is. */
export function normaliseResponse(response: Response): Promise<NormalisedResponse>;
export function normaliseResponse(response: SupertestResponse | InjectResponse | NormalisedResponse): NormalisedResponse;
export function normaliseResponse(response: AnyResponse): NormalisedResponse | Promise<NormalisedResponse>;
export function normaliseResponse(response: AnyResponse): NormalisedResponse | Promise<NormalisedResponse> {
  if (response instanceof Response) return fromFetch(response);
  if ('payload' in response) return { status: response.statusCode, headers: lowerCased(response.headers), body: parse(response.payload) };
  if ('text' in response) return { status: response.status, headers: lowerCased(response.headers), body: parse(response.text) };
  return response;
}
