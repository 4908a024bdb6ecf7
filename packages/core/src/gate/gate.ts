/**
 * The gate behind one adapter middleware: authenticate at most once per request, reuse what
 * the request already established under one rule, check requirements, report failures.
 */
import { lazyVerifier, type VerifierSource } from '../options/environment.js';
import { isTokenGateError, type TokenGateError } from '../errors/error.js';
import { checkRequirement, type CompiledRequirement } from '../policy/requirements.js';
import type { RequestContext } from '../request/context.js';
import type { AccessToken } from '../token/types.js';
import type { Verifier } from '../verifier.js';
import { existingState, stateOf, type RequestState } from './request-state.js';

/** Settings of a gate. */
export interface GateSettings {
  /** Options or a verifier; when absent the environment is used (`TOKENGATE_ISSUER`, …). */
  readonly source: VerifierSource | undefined;
  /** The environment to read when `source` is absent (adapters pass `process.env`). */
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** Told once when neither options nor environment configure tokengate. */
  readonly onNotConfigured?: (error: TokenGateError) => void;
  /** Where a verifier made from the environment logs configuration problems (see `withConfigurationLog`). */
  readonly log?: (line: string) => void;
}

/** The per-request operations. `request` is the framework's own request object (the memo's home). */
export interface Gate {
  /**
   * The request's token: the one already verified for this request, or a fresh verification.
   * With `optional`, a request with no credentials at all resolves `undefined`.
   */
  authenticate(request: object, input: RequestContext, optional?: boolean): Promise<AccessToken | undefined>;
  /** Authenticate (once) and check a requirement; with `optional`, no credentials at all resolves `undefined` unchecked. */
  authorize(request: object, input: RequestContext, requirement: CompiledRequirement, optional?: boolean): Promise<AccessToken | undefined>;
  /** Any failure as a `TokenGateError`, rendered and reported by the verifier that served the request. */
  fail(request: object, error: unknown): TokenGateError;
}

/**
 * The one token-reuse rule of every adapter: a gate with a source of its own (options or a
 * verifier) reuses only a verification made by that same verifier, so a guard for another
 * audience verifies the token for itself; a gate without one reuses the request's token, whoever
 * verified or attached it, and verifies with the verifier that already served the request.
 */
class RequestGate implements Gate {
  readonly #getVerifier: () => Verifier;
  readonly #ownSource: boolean;

  constructor(settings: GateSettings) {
    this.#getVerifier = lazyVerifier(settings.source, settings.environment, settings.onNotConfigured, settings.log);
    this.#ownSource = settings.source !== undefined;
  }

  #reusable(state: RequestState): boolean {
    return !this.#ownSource || (state.verifier !== undefined && state.verifier === this.#getVerifier());
  }

  #verifierFor(state: RequestState): Verifier {
    return !this.#ownSource && state.verifier !== undefined ? state.verifier : this.#getVerifier();
  }

  async authenticate(request: object, input: RequestContext, optional = false): Promise<AccessToken | undefined> {
    const state = stateOf(request);
    if ((state.token !== undefined || state.pending !== undefined) && this.#reusable(state)) {
      if (state.token !== undefined) return state.token;
      const token = await state.pending;
      if (token !== undefined || optional) return token;
    }
    const verifier = this.#verifierFor(state);
    const pending = optional ? verifier.authenticateOptional(input) : verifier.authenticate(input);
    state.verifier = verifier;
    state.token = undefined;
    state.pending = pending;
    pending.then(
      (token) => {
        if (state.pending === pending) state.token = token;
      },
      // A failed verification is not remembered: the response already reports it.
      () => {
        if (state.pending === pending) state.pending = undefined;
      },
    );
    return pending;
  }

  async authorize(request: object, input: RequestContext, requirement: CompiledRequirement, optional = false): Promise<AccessToken | undefined> {
    const token = await this.authenticate(request, input, optional);
    if (token !== undefined) checkRequirement(token, requirement);
    return token;
  }

  fail(request: object, error: unknown): TokenGateError {
    const state = existingState(request);
    // The request's token decides the scheme of the challenge (a DPoP-bound token's is DPoP).
    if (state?.verifier !== undefined) return state.verifier.fail(error, state.token);
    let fallback: Verifier;
    try {
      fallback = this.#getVerifier();
    } catch (notConfigured) {
      // Not configured: a refusal decided without a verifier (a route policy's 403) stands.
      return isTokenGateError(error) ? error : (notConfigured as TokenGateError);
    }
    return fallback.fail(error);
  }
}

/**
 * Create a gate (see `RequestGate` for the token-reuse rule).
 * @example const gate = createGate({ source: { issuer, audience }, environment: process.env });
 */
export function createGate(settings: GateSettings): Gate {
  return new RequestGate(settings);
}
