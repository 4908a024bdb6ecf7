/**
 * A failure as an HTTP response, for adapters: status, headers (with the problem media type)
 * and the JSON body, `formatProblem` applied.
 */
import type { TokenGateError } from './error.js';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails } from './problem.js';

/** Replaces the problem body of failure responses with the JSON value it returns. */
export type ProblemFormatter = (problem: ProblemDetails, error: TokenGateError) => unknown;

/** A failure ready to write. */
export interface RenderedFailure {
  readonly status: number;
  /** `WWW-Authenticate` or `Retry-After` as the code calls for, and `Content-Type: application/problem+json`. */
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON text of the problem (or of what `formatProblem` made of it). */
  readonly body: string;
}

/**
 * Render a failure. A throwing `formatProblem` throws here: adapters hand it to the framework.
 * @example const { status, headers, body } = renderFailure(error);
 */
export function renderFailure(error: TokenGateError, formatProblem?: ProblemFormatter): RenderedFailure {
  const problem = error.toProblem();
  const value: unknown = formatProblem === undefined ? problem : formatProblem(problem, error);
  return { status: error.status, headers: { ...error.headers(), 'Content-Type': PROBLEM_CONTENT_TYPE }, body: JSON.stringify(value) ?? 'null' };
}
