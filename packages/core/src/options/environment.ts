/**
 * Configuration from environment variables, for drop-in guards. The caller passes the
 * environment explicitly (`process.env`); core never reads it by itself.
 */
import { withConfigurationLog } from './configuration-log.js';
import { TokenGateError } from '../errors/error.js';
import type { VerifierOptions } from './types.js';
import { createVerifier, type Verifier } from '../verifier.js';

/** The variables read. */
export const ENVIRONMENT_VARIABLES = Object.freeze({
  issuer: 'TOKENGATE_ISSUER',
  audience: 'TOKENGATE_AUDIENCE',
  jwksUri: 'TOKENGATE_JWKS_URI',
});

function list(value: string): string | string[] {
  const items = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
  return items.length === 1 ? (items[0] as string) : items;
}

/**
 * Verifier options from `TOKENGATE_ISSUER`, `TOKENGATE_AUDIENCE` (comma-separated lists allowed)
 * and optional `TOKENGATE_JWKS_URI`; `undefined` when issuer or audience is missing.
 * @example const options = optionsFromEnvironment(process.env);
 */
export function optionsFromEnvironment(environment: Readonly<Record<string, string | undefined>>): VerifierOptions | undefined {
  const issuer = environment[ENVIRONMENT_VARIABLES.issuer]?.trim();
  const audience = environment[ENVIRONMENT_VARIABLES.audience]?.trim();
  if (!issuer || !audience) return undefined;
  const jwksUri = environment[ENVIRONMENT_VARIABLES.jwksUri]?.trim();
  return { issuer: list(issuer), audience: list(audience), ...(jwksUri ? { jwksUri } : {}) };
}

/** The 500 a guard answers when it has neither options nor environment to work from. */
export function notConfiguredError(): TokenGateError {
  return new TokenGateError(
    'server_error',
    `tokengate is not configured: pass { issuer, audience } to auth() or the guard, or set ${ENVIRONMENT_VARIABLES.issuer} and ${ENVIRONMENT_VARIABLES.audience}`,
  );
}

/** Something a verifier can be made from. */
export type VerifierSource = Verifier | VerifierOptions;

/** True for a `Verifier` (as opposed to options). */
export function isVerifier(value: unknown): value is Verifier {
  return typeof value === 'object' && value !== null && typeof (value as Verifier).authenticate === 'function' && typeof (value as Verifier).fail === 'function';
}

/**
 * The verifier behind an adapter's middleware: the one given, or one made now from options (so
 * a bad option fails at start-up, not on a request) that writes configuration problems to `log`
 * once each when the options have no `onError`. `undefined` stays `undefined` (the environment,
 * read on first use).
 * @example const verifier = verifierFrom(options, (line) => console.error(line));
 */
export function verifierFrom(source: VerifierSource | undefined, log: (line: string) => void): Verifier | undefined {
  return source === undefined || isVerifier(source) ? source : createVerifier(withConfigurationLog(source, log));
}

/**
 * A function giving one shared verifier, made on first use from `source`, else from the
 * environment. When neither configures one it throws `notConfiguredError()` on every call and
 * reports it through `onNotConfigured` once.
 * @example const getVerifier = lazyVerifier(undefined, process.env, (error) => console.error(error.message));
 */
export function lazyVerifier(
  source: VerifierSource | undefined,
  environment: Readonly<Record<string, string | undefined>>,
  onNotConfigured?: (error: TokenGateError) => void,
  log?: (line: string) => void,
): () => Verifier {
  let verifier: Verifier | undefined = isVerifier(source) ? source : undefined;
  let reported = false;
  return () => {
    if (verifier) return verifier;
    const options = (source as VerifierOptions | undefined) ?? optionsFromEnvironment(environment);
    if (options === undefined) {
      const error = notConfiguredError();
      if (!reported) {
        reported = true;
        try {
          onNotConfigured?.(error);
        } catch {
          // A failing logger must not replace the 500.
        }
      }
      throw error;
    }
    try {
      verifier = createVerifier(log === undefined ? options : withConfigurationLog(options, log));
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new TokenGateError('server_error', `tokengate configuration is invalid: ${reason}`, { cause });
    }
    return verifier;
  };
}
