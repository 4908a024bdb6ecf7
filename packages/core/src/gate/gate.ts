/**
 * What every framework adapter does per request, written once: authenticate at most once per
 * request, reuse the token a previous middleware attached, check requirements, and turn every
 * failure into a reported `TokenGateError`. Adapters only translate requests and responses.
 *
 * Each operation has a synchronous form that answers from what is already known (the token of
 * this request, or the verified-token cache) and returns `undefined` when the asynchronous form
 * is needed, so a request with a reused token passes without a promise.
 */
import { isAccessToken } from '../token/access-token.js';
import { runApplicationCode } from '../errors/application-code.js';
import { lazyVerifier, type VerifierSource } from '../options/environment.js';
import { TokenGateError } from '../errors/error.js';
import { checkRequirement, type CompiledRequirement } from '../policy/requirements.js';
import type { AccessToken, RequestLike } from '../token/types.js';
import type { Verifier } from '../verifier.js';

/**
 * Per-request state, kept on the framework's request object: the token of this request, or the
 * verification under way (shared by every middleware that meets the request), and the verifier
 * that did it (`undefined` for a token something else attached).
 */
interface RequestState {
  /** The verified (or attached) token of this request, once known. */
  token: AccessToken | undefined;
  /** The verification under way or done; `undefined` when `token` came without one. */
  pending: Promise<AccessToken | undefined> | undefined;
  verifier: Verifier | undefined;
}

/** Where the state lives on an extensible request object: a symbol, invisible to JSON and `for…in`. */
const STATE = Symbol('tokengate.request');
/** Frozen or sealed request objects keep their state here instead. */
const sealedStates = new WeakMap<object, RequestState>();

type Carrier = { [STATE]?: RequestState };

function existingState(request: object): RequestState | undefined {
  return (request as Carrier)[STATE] ?? sealedStates.get(request);
}

function stateOf(request: object): RequestState {
  let state = existingState(request);
  if (state === undefined) {
    state = { token: undefined, pending: undefined, verifier: undefined };
    if (Object.isExtensible(request)) (request as Carrier)[STATE] = state;
    else sealedStates.set(request, state);
  }
  return state;
}

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

/** The per-request operations adapters call. `request` is the framework's own request object. */
export interface Gate {
  /**
   * The request's token: the one already verified for this request, or a fresh verification.
   * With `optional`, a request with no credentials at all resolves `undefined`.
   */
  authenticate(request: object, input: RequestLike, optional?: boolean): Promise<AccessToken | undefined>;
  /** Authenticate (once) and check a requirement. */
  authorize(request: object, input: RequestLike, requirement: CompiledRequirement): Promise<AccessToken>;
  /**
   * With `optional`, a request with no credentials at all resolves `undefined` unchecked; a
   * token that is there must still meet the requirement.
   */
  authorize(request: object, input: RequestLike, requirement: CompiledRequirement, optional: boolean): Promise<AccessToken | undefined>;
  /**
   * `authenticate` without waiting: the token when it is already known (for this request, or
   * from the verified-token cache); `undefined` when `authenticate` must run, failures included.
   */
  authenticateSync(request: object, input: RequestLike): AccessToken | undefined;
  /** `authorize` without waiting: the token when it is known and meets the requirement; else `undefined`. */
  authorizeSync(request: object, input: RequestLike, requirement: CompiledRequirement): AccessToken | undefined;
  /** Any failure as a `TokenGateError`, rendered and reported by the verifier that served the request. */
  fail(request: object, error: unknown): TokenGateError;
}

/**
 * Create the gate behind one adapter middleware. The one token-reuse rule of every adapter:
 * a gate with a source of its own (options or a verifier) reuses only a verification made by that
 * same verifier, so a guard for another audience verifies the token for itself; a gate without
 * one reuses the request's token, whoever verified or attached it.
 * @example const gate = createGate({ source: { issuer, audience }, environment: process.env });
 */
export function createGate(settings: GateSettings): Gate {
  const getVerifier = lazyVerifier(settings.source, settings.environment, settings.onNotConfigured, settings.log);
  const ownSource = settings.source !== undefined;

  /** Whether this gate may reuse what another middleware established for the request. */
  function reusable(state: RequestState): boolean {
    return !ownSource || (state.verifier !== undefined && state.verifier === getVerifier());
  }

  /** The verifier for this request: the one that already served it (gates without a source), else ours. */
  function verifierFor(state: RequestState): Verifier {
    return !ownSource && state.verifier !== undefined ? state.verifier : getVerifier();
  }

  function authenticateSync(request: object, input: RequestLike): AccessToken | undefined {
    const state = existingState(request);
    if (state !== undefined && (state.token !== undefined || state.pending !== undefined)) {
      // Known for this request (or being verified: the asynchronous path waits for it).
      return state.token !== undefined && reusable(state) ? state.token : undefined;
    }
    let verifier: Verifier;
    try {
      verifier = state !== undefined ? verifierFor(state) : getVerifier();
    } catch {
      return undefined; // Not configured: `authenticate` reports it.
    }
    if (typeof verifier.authenticateCached !== 'function') return undefined;
    let token: AccessToken | undefined;
    try {
      token = verifier.authenticateCached(input);
    } catch {
      return undefined; // A verifier of the application's own making: `authenticate` decides.
    }
    if (token === undefined) return undefined;
    const own = state ?? stateOf(request);
    own.token = token;
    own.verifier = verifier;
    return token;
  }

  async function authenticate(request: object, input: RequestLike, optional = false): Promise<AccessToken | undefined> {
    const state = stateOf(request);
    if ((state.token !== undefined || state.pending !== undefined) && reusable(state)) {
      if (state.token !== undefined) return state.token;
      const token = await state.pending;
      if (token !== undefined || optional) return token;
    }
    const verifier = verifierFor(state);
    state.verifier = verifier;
    state.token = undefined;
    const pending = optional ? verifier.authenticateOptional(input) : verifier.authenticate(input);
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

  async function authorize(request: object, input: RequestLike, requirement: CompiledRequirement, optional = false): Promise<AccessToken | undefined> {
    const token = await authenticate(request, input, optional);
    if (token !== undefined) checkRequirement(token, requirement);
    return token;
  }

  return {
    authenticate,
    authenticateSync,
    // Without `optional`, `authenticate` rejects rather than resolve without a token.
    authorize: authorize as Gate['authorize'],
    authorizeSync(request, input, requirement) {
      const token = authenticateSync(request, input);
      if (token === undefined) return undefined;
      try {
        checkRequirement(token, requirement);
      } catch {
        return undefined; // `authorize` reports it.
      }
      return token;
    },
    fail(request, error) {
      const verifier = existingState(request)?.verifier;
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

/**
 * Record a token established elsewhere for this request (another middleware's `req.auth`), with
 * the verifier that verified it when known. Gates without a source reuse it; gates with one reuse
 * it only when `verifier` is theirs. The request's own token, attached again, changes nothing.
 * @example attachToken(req, req.auth);
 */
export function attachToken(request: object, token: AccessToken, verifier?: Verifier): void {
  const state = stateOf(request);
  if (state.token === token) return;
  state.token = token;
  state.pending = undefined;
  state.verifier = verifier;
}

/**
 * Turns another library's object on `req.auth` into an `AccessToken` the application vouches
 * for, or `undefined` to ignore it. Only for deployments that deliberately chain such a library.
 */
export type AdoptForeignAuth = (value: unknown) => AccessToken | undefined;

/**
 * Tell the gates what the framework's `auth` member holds, read as an own member only (an
 * inherited one may come from a polluted prototype). A token tokengate made is attached; any other
 * object (express-jwt's and express-oauth2-jwt-bearer's own `req.auth`, for another audience) is
 * ignored unless `adopt` maps it, in which case the application vouches for the result.
 * @example adoptRequestAuth(req, Object.hasOwn(req, 'auth') ? req.auth : undefined, options.adoptForeignAuth);
 */
export function adoptRequestAuth(request: object, value: unknown, adopt?: AdoptForeignAuth): void {
  if (value === undefined || value === null) return;
  if (isAccessToken(value)) {
    attachToken(request, value);
    return;
  }
  if (adopt === undefined) return;
  const adopted = runApplicationCode('adoptForeignAuth', () => adopt(value));
  if (adopted !== undefined) attachToken(request, adopted);
}

/**
 * The value of `holder[name]` when it is the holder's own member; `undefined` for an inherited one.
 * @example ownMember(req, 'auth')
 */
export function ownMember(holder: object, name: string): unknown {
  return Object.hasOwn(holder, name) ? (holder as Record<string, unknown>)[name] : undefined;
}
