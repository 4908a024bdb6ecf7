/**
 * What tokengate remembers about one request, kept on the framework's own request object: the
 * token of this request, or the verification under way (shared by every middleware that meets
 * the request), and the verifier that made it. Nothing about a request is kept anywhere else.
 */
import type { AccessToken } from '../token/types.js';
import type { Verifier } from '../verifier.js';

/** The per-request memo. */
export interface RequestState {
  /** The verified (or attached) token of this request, once known. */
  token: AccessToken | undefined;
  /** The verification under way or done; `undefined` when `token` came without one. */
  pending: Promise<AccessToken | undefined> | undefined;
  /** Who verified `token`; `undefined` for a token something else attached. */
  verifier: Verifier | undefined;
  /** Headers a step wants on the response (`RateLimit`), taken by the adapter when the step passes. */
  responseHeaders?: Record<string, string> | undefined;
}

/** Where the state lives on an extensible request object: a symbol, invisible to JSON and `for…in`. */
const STATE = Symbol('tokengate.request');
/** Frozen or sealed request objects keep their state here instead. */
const sealedStates = new WeakMap<object, RequestState>();

type Carrier = { [STATE]?: RequestState };

/** The request's state, when something made one. */
export function existingState(request: object): RequestState | undefined {
  return (request as Carrier)[STATE] ?? sealedStates.get(request);
}

/** The request's state, made on first use. */
export function stateOf(request: object): RequestState {
  let state = existingState(request);
  if (state === undefined) {
    state = { token: undefined, pending: undefined, verifier: undefined };
    if (Object.isExtensible(request)) (request as Carrier)[STATE] = state;
    else sealedStates.set(request, state);
  }
  return state;
}

/**
 * Record a token established elsewhere for this request, with the verifier that verified it
 * when known. Gates without a source reuse it; gates with one only when `verifier` is theirs.
 * The request's own token, attached again, changes nothing.
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
 * Ask for `headers` on this request's response (set by the adapter once the step passes).
 * @example addResponseHeaders(req, { RateLimit: '"default";r=99;t=60' });
 */
export function addResponseHeaders(request: object, headers: Readonly<Record<string, string>>): void {
  const state = stateOf(request);
  state.responseHeaders = { ...state.responseHeaders, ...headers };
}

/**
 * The headers steps asked for on this request's response: adapters set them each time a step
 * passes (setting a header again to the same value changes nothing).
 * @example for (const [name, value] of Object.entries(responseHeaders(req) ?? {})) res.setHeader(name, value);
 */
export function responseHeaders(request: object): Readonly<Record<string, string>> | undefined {
  return existingState(request)?.responseHeaders;
}
