/**
 * Application code tokengate runs (`classify`, claim predicates): when it throws, the server
 * failed, not the client, so the answer is a 500 `server_error` reported to `onError` with the
 * exception as its `cause`, never a 401 that blames the token.
 */
import { TokenGateError } from './error.js';

/**
 * The 500 for application code that threw (or answered nonsense); `what` names it for the log.
 * @example throw applicationFailure('classify', error);
 */
export function applicationFailure(what: string, cause?: unknown): TokenGateError {
  return new TokenGateError('server_error', `The application's ${what} failed`, { cause });
}

/**
 * Run application code, turning an exception into `applicationFailure(what)`. A `TokenGateError`
 * it throws on purpose is its answer and passes unchanged.
 * @example const type = runApplicationCode('classify', () => classify(claims));
 */
export function runApplicationCode<T>(what: string, code: () => T): T {
  try {
    return code();
  } catch (error) {
    if (error instanceof TokenGateError) throw error;
    throw applicationFailure(what, error);
  }
}
