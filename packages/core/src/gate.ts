/**
 * What every framework adapter does per request, written once: authenticate at most once per
 * request, reuse the token a previous middleware attached, check requirements, and turn every
 * failure into a reported `TokenGateError`. Adapters only translate requests and responses.
 */
import { lazyVerifier, type VerifierSource } from './environment.js';
import { TokenGateError } from './errors.js';
import { checkRequirement, type CompiledRequirement } from './requirements.js';
import type { AccessToken, RequestLike } from './types.js';
import type { Verifier } from './verifier.js';

/**
 * Per-request state, keyed by the framework's request object: the verification under way or
 * done (shared by every middleware that meets the request) and the verifier that did it.
 */
interface RequestState {
  pending: Promise<AccessToken | undefined> | undefined;
  verifier: Verifier | undefined;
  /** Set by `attachToken`: the application vouches for the token, so every gate reuses it. */
  attached: boolean;
}

const states = new WeakMap<object, RequestState>();

/** Settings of a gate. */
export interface GateSettings {
  /** Options or a verifier; when absent the environment is used (`TOKENGATE_ISSUER`, …). */
  readonly source: VerifierSource | undefined;
  /** The environment to read when `source` is absent (adapters pass `process.env`). */
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** Told once when neither options nor environment configure tokengate. */
  readonly onNotConfigured?: (error: TokenGateError) => void;
}

/** The per-request operations adapters call. `request` is the framework's own request object. */
export interface Gate {
  /**
   * The request's token: the one already verified for this request, or a fresh verification.
   * With `optional`, a request with no credentials at all resolves `undefined`.
   */
  authenticate(request: object, input: RequestLike, optional?: boolean): Promise<AccessToken | undefined>;
  /** Authenticate (once) and check a requirement. */
  authorize(request: object, input: RequestLike, requirement: CompiledRequirement): Promise<AccessToken>;
  /** Any failure as a `TokenGateError`, rendered and reported by the verifier that served the request. */
  fail(request: object, error: unknown): TokenGateError;
}

function stateOf(request: object): RequestState {
  let state = states.get(request);
  if (state === undefined) {
    state = { pending: undefined, verifier: undefined, attached: false };
    states.set(request, state);
  }
  return state;
}

/**
 * Create the gate behind one adapter middleware. Gates without a `source` of their own reuse
 * whatever verified the request before them; a gate with its own options or verifier reuses
 * only a verification made by that same verifier.
 * @example const gate = createGate({ source: { issuer, audience }, environment: process.env });
 */
export function createGate(settings: GateSettings): Gate {
  const getVerifier = lazyVerifier(settings.source, settings.environment, settings.onNotConfigured);
  const ownSource = settings.source !== undefined;

  async function authenticate(request: object, input: RequestLike, optional = false): Promise<AccessToken | undefined> {
    const state = stateOf(request);
    if (state.pending !== undefined && (state.attached || !ownSource || state.verifier === getVerifier())) {
      const token = await state.pending;
      if (token !== undefined || optional) return token;
    }
    // A gate without a source of its own uses the verifier that already served this request.
    const verifier = !ownSource && state.verifier !== undefined ? state.verifier : getVerifier();
    state.verifier = verifier;
    state.attached = false;
    const pending = optional ? verifier.authenticateOptional(input) : verifier.authenticate(input);
    state.pending = pending;
    // A failed verification is not remembered: the response already reports it.
    pending.catch(() => {
      if (state.pending === pending) state.pending = undefined;
    });
    return pending;
  }

  return {
    authenticate,
    async authorize(request, input, requirement) {
      const token = (await authenticate(request, input)) as AccessToken;
      checkRequirement(token, requirement);
      return token;
    },
    fail(request, error) {
      const verifier = states.get(request)?.verifier;
      if (verifier) return verifier.fail(error);
      let fallback: Verifier;
      try {
        fallback = getVerifier();
      } catch (notConfigured) {
        return error instanceof TokenGateError ? error : (notConfigured as TokenGateError);
      }
      return fallback.fail(error);
    },
  };
}

/** Record a token verified elsewhere for this request, so later guards reuse it. */
export function attachToken(request: object, token: AccessToken, verifier?: Verifier): void {
  const state = stateOf(request);
  state.pending = Promise.resolve(token);
  state.attached = true;
  state.verifier ??= verifier;
}
