/**
 * The edge where a failure leaves tokengate: rendered with the verifier's realm and problem
 * base, and told to `onError`, once. An exception that is not a `TokenGateError` is a server
 * failure (500 `server_error`), never a 401 that blames the client.
 */
import { isTokenGateError, TokenGateError, type ErrorPresentation } from './error.js';
import type { ProblemDetails } from './problem.js';

/** What a verifier reports failures with. */
export interface FailureReporting {
  readonly presentation: ErrorPresentation;
  readonly onError: ((error: TokenGateError, problem: ProblemDetails) => void) | undefined;
}

/**
 * A function turning any failure into a `TokenGateError` rendered with `presentation`. An error
 * already rendered with it was reported when it was rendered, and passes unchanged.
 * @example const fail = createFailureReporter({ presentation: { realm: 'api', problemTypeBase }, onError: undefined });
 */
export function createFailureReporter({ presentation, onError }: FailureReporting): (error: unknown) => TokenGateError {
  return function report(error: unknown): TokenGateError {
    if (isTokenGateError(error) && error.presentation === presentation) return error;
    const failure = isTokenGateError(error)
      ? error.presentedAs(presentation)
      : new TokenGateError('server_error', 'The request could not be authorized because of a server error', { cause: error, presentation });
    if (onError !== undefined) {
      try {
        onError(failure, failure.toProblem());
      } catch {
        // A failing logger must not change the response.
      }
    }
    return failure;
  };
}
