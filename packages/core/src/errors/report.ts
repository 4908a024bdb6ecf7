/**
 * The edge where a failure leaves tokengate: rendered with the verifier's realm and problem
 * base, and told to `onError`, once. An exception that is not a `TokenGateError` is a server
 * failure (500 `server_error`), never a 401 that blames the client.
 */
import type { ChallengeScheme } from './challenge.js';
import { isTokenGateError, TokenGateError, type ErrorPresentation } from './error.js';
import type { ProblemDetails } from './problem.js';

/** What a verifier reports failures with. */
export interface FailureReporting {
  readonly presentation: ErrorPresentation;
  readonly onError: ((error: TokenGateError, problem: ProblemDetails) => void) | undefined;
}

/**
 * Turns any failure into a `TokenGateError` rendered for the scheme the request used (its
 * challenge carries the error; default Bearer).
 */
export type FailureReporter = (error: unknown, scheme?: ChallengeScheme) => TokenGateError;

/**
 * A function turning any failure into a `TokenGateError` rendered with `presentation` (for a
 * DPoP request, the same with `scheme: 'DPoP'`). An error already rendered with either was
 * reported when it was rendered, and passes unchanged.
 * @example const fail = createFailureReporter({ presentation: { realm: 'api', problemTypeBase }, onError: undefined });
 */
export function createFailureReporter({ presentation, onError }: FailureReporting): FailureReporter {
  const dpopPresentation: ErrorPresentation = presentation.dpop === undefined ? presentation : Object.freeze({ ...presentation, scheme: 'DPoP' });
  return function report(error: unknown, scheme?: ChallengeScheme): TokenGateError {
    if (isTokenGateError(error) && (error.presentation === presentation || error.presentation === dpopPresentation)) return error;
    const shown = scheme === 'DPoP' ? dpopPresentation : presentation;
    const failure = isTokenGateError(error)
      ? error.presentedAs(shown)
      : new TokenGateError('server_error', 'The request could not be authorized because of a server error', { cause: error, presentation: shown });
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
