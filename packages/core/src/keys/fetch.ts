/**
 * Outbound HTTP for metadata and key sets: a timeout, no redirects, and a cap on body size so a
 * hostile or broken issuer cannot make the server buffer without bound.
 */
import { concatBytes } from '../platform/bytes.js';
import type { FetchLike } from '../token/types.js';

/** Limits for one outbound request. */
export interface HttpLimits {
  readonly fetch: FetchLike;
  /** Milliseconds. */
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}

/** An issuer answered with something other than what was asked for. */
export class IssuerResponseError extends Error {
  override readonly name = 'IssuerResponseError';
}

async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new IssuerResponseError(`Response larger than ${maxBytes} bytes`);
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new IssuerResponseError(`Response larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return concatBytes(chunks, size);
}

/** What a capped fetch tells its owner of each answer: enough to say what went wrong in a log. */
export interface ResponseSummary {
  readonly url: string;
  readonly status: number;
  readonly contentType: string | null;
}

/**
 * A `fetch` for jose's remote key set: same contract, but the body is read under the size cap
 * first, and `onResponse` sees each answer (to notice new key sets, and to name a bad one).
 */
export function createCappedFetch(limits: HttpLimits, onResponse?: (summary: ResponseSummary) => void): FetchLike {
  return async (input, init) => {
    const response = await limits.fetch(input, { ...init, redirect: 'manual' });
    const body = await readCapped(response, limits.maxResponseBytes);
    onResponse?.({ url: String(input), status: response.status, contentType: response.headers.get('content-type') });
    return new Response(response.status === 204 || response.status === 304 ? null : body, {
      status: response.status,
      headers: response.headers,
    });
  };
}

/** GET a JSON document with the limits. Resolves `undefined` on 404; throws on other failures. */
export async function fetchJson(url: string, limits: HttpLimits): Promise<unknown> {
  const response = await limits.fetch(url, {
    method: 'GET',
    redirect: 'manual',
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(limits.timeoutMs),
  });
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  const body = await readCapped(response, limits.maxResponseBytes);
  if (response.status !== 200) throw new IssuerResponseError(`Expected 200 OK, got ${response.status}`);
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch (cause) {
    throw new IssuerResponseError('Response is not JSON', { cause });
  }
}

/**
 * A key set fetch failure with what the JWKS endpoint answered, when it answered: a 404, a 401 or
 * an HTML page is a misconfigured `jwksUri` rather than an outage, and the log should say so (the
 * client still gets a 503; nothing of this reaches it).
 * @example explainedJwksFailure(error, lastResponse)
 */
export function explainedJwksFailure(error: unknown, last: ResponseSummary | undefined): unknown {
  if (last === undefined) return error;
  const json = last.contentType === null || /json/i.test(last.contentType);
  if (last.status === 200 && json) return error;
  const what = last.status === 200 ? `200 with ${last.contentType ?? 'no content type'}, not a JSON key set` : `HTTP ${last.status}`;
  return new IssuerResponseError(`The JWKS endpoint ${last.url} answered ${what}: check jwksUri or the issuer's jwks_uri`, { cause: error });
}
