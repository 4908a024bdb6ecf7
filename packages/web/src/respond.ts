/**
 * A failure as a Web `Response`: the RFC 9457 problem, its status and headers
 * (`WWW-Authenticate`, `Retry-After`, `DPoP-Nonce`, `RateLimit`).
 */
import type { TokenGateError } from '@tokengate/core';
import { renderFailure, type ProblemFormatter } from '@tokengate/core/adapter';

/**
 * The response to a failure.
 * @example return problemResponse(error);
 */
export function problemResponse(error: TokenGateError, formatProblem?: ProblemFormatter): Response {
  const { status, headers, body } = renderFailure(error, formatProblem);
  return new Response(body, { status, headers });
}

/** `response` with the headers a step asked for (rate limits) added, unless the handler set them. */
export function withHeaders(response: Response, headers: Readonly<Record<string, string>> | undefined): Response {
  if (headers === undefined) return response;
  try {
    for (const name in headers) if (!response.headers.has(name)) response.headers.set(name, headers[name] as string);
    return response;
  } catch {
    // Immutable headers (a fetched response handed on): copy it.
    const copy = new Response(response.body, response);
    for (const name in headers) if (!copy.headers.has(name)) copy.headers.set(name, headers[name] as string);
    return copy;
  }
}
