/**
 * A misconfigured server (a `jwksUri` answering 404, metadata naming a plain-http key URL, wrong
 * introspection credentials) looks to clients like an outage, correctly: they get a 503. The
 * operator must hear of it even without an `onError`: verifiers that adapters create from
 * options log each such problem once, through the adapter's logger. Core itself writes nowhere.
 */
import { IssuerResponseError } from '../keys/fetch.js';
import { IntrospectionConfigurationError } from '../opaque/failures.js';
import type { TokenGateError } from '../errors/error.js';
import type { VerifierOptions } from './types.js';

/**
 * What is wrong with the configuration, when a failure says so; `undefined` for failures about
 * tokens or passing outages.
 * @example configurationProblem(error) // 'The JWKS endpoint https://… answered HTTP 404: check jwksUri …'
 */
export function configurationProblem(error: TokenGateError): string | undefined {
  const cause: unknown = error.cause;
  if (error.code !== 'temporarily_unavailable') return undefined;
  return cause instanceof IssuerResponseError || cause instanceof IntrospectionConfigurationError ? cause.message : undefined;
}

/**
 * `options` with an `onError` that writes each configuration problem once, when the application
 * gave none of its own.
 * @example createVerifier(withConfigurationLog(options, (line) => console.error(line)))
 */
export function withConfigurationLog(options: VerifierOptions, write: (line: string) => void): VerifierOptions {
  if (options === null || typeof options !== 'object' || options.onError !== undefined) return options;
  const written = new Set<string>();
  return {
    ...options,
    onError(error) {
      const problem = configurationProblem(error);
      // Bounded: a server has few distinct configuration problems; past that, stop remembering.
      if (problem === undefined || written.has(problem) || written.size >= 100) return;
      written.add(problem);
      write(`[tokengate] ${problem}`);
    },
  };
}
