/**
 * `createWebGate`: tokengate for `(request: Request) => Response` code. `check` answers a request
 * with its verified token or a ready `Response`; `withAuth` wraps a handler; `routePolicy` checks a
 * route table. Core's adapter kit does the work; this file only translates.
 */
import { TokenGateError, type AccessToken, type Requirement, type RoutePolicyOptions, type RouteRule, type Verifier, type VerifierOptions } from '@tokengate/core';
import { checkAdapterOptions, checkKnownOptions, createAdapterKit, requirementOf, responseHeaders, ROUTE_CONFIG_NAMES, type AuthOptions, type Prepared, type RouteStep } from '@tokengate/core/adapter';
import { WebRequestContext } from './context.js';
import { problemResponse, withHeaders } from './respond.js';

/** What a request must carry: any token (default), a user or a client token, scopes, claims. */
export type WebRequirement = Pick<Requirement, 'token' | 'scopes' | 'anyScopes' | 'claims'>;

/**
 * A requirement for requests that may come without credentials: those get `undefined` (a public
 * answer); a request with a token still gets it checked, and a bad one its 401.
 */
export type OptionalWebRequirement = WebRequirement & { readonly optional: true };

/** A handler given the verified token after the request (Next.js, Bun, Deno, Workers pass more arguments: they follow). */
export type AuthenticatedHandler<Rest extends unknown[]> = (request: Request, auth: AccessToken, ...rest: Rest) => Response | Promise<Response>;

/** A handler of `optional` requests: `auth` is `undefined` when the request came without credentials. */
export type OptionallyAuthenticatedHandler<Rest extends unknown[]> = (request: Request, auth: AccessToken | undefined, ...rest: Rest) => Response | Promise<Response>;

/** The gate of one verifier. */
export interface WebGate {
  /** With `optional: true`: `undefined` for a request without credentials; else as without it. */
  check(request: Request, requirement: OptionalWebRequirement): Promise<AccessToken | Response | undefined>;
  /** The request's verified token meeting `requirement`, or the `Response` to answer (401, 403, 503 …). */
  check(request: Request, requirement?: WebRequirement): Promise<AccessToken | Response>;
  /** With `optional: true`: `handler` also runs for requests without credentials, with `auth` `undefined`. */
  withAuth<Rest extends unknown[]>(handler: OptionallyAuthenticatedHandler<Rest>, requirement: OptionalWebRequirement): (request: Request, ...rest: Rest) => Promise<Response>;
  /** `handler` behind the gate: it runs only with a token meeting `requirement`. */
  withAuth<Rest extends unknown[]>(handler: AuthenticatedHandler<Rest>, requirement?: WebRequirement): (request: Request, ...rest: Rest) => Promise<Response>;
  /** A route table (first match wins): the token (or `undefined` on a public row), or the `Response` to answer. */
  routePolicy(rules: readonly RouteRule[], options?: RoutePolicyOptions): (request: Request) => Promise<AccessToken | Response | undefined>;
  /** The verifier behind the gate. */
  readonly verifier: Verifier;
}

const kit = createAdapterKit({ environment: (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {}, log: (line) => console.error(line) });

function settle(prepared: Prepared<unknown>, result: Promise<AccessToken | undefined>): Promise<AccessToken | Response | undefined> {
  return result.then(
    (token) => token,
    (failure: TokenGateError) => problemResponse(failure, prepared.formatProblem),
  );
}

/** The guard of each requirement object, compiled once (a bad requirement throws when first seen). */
function createGuards(verifier: Verifier, options: Pick<AuthOptions, 'formatProblem'>): (requirement: WebRequirement | OptionalWebRequirement | undefined) => Prepared {
  const guards = new WeakMap<object, Prepared>();
  const any = kit.guard({}, { source: verifier, ...options });
  return function preparedFor(requirement) {
    if (requirement === undefined) return any;
    let prepared = guards.get(requirement);
    if (prepared === undefined) {
      // `optional` is a name of a Web requirement too: a typo of it is named as one.
      if (requirement !== null && typeof requirement === 'object') checkKnownOptions(requirement, ROUTE_CONFIG_NAMES, 'a requirement');
      // Member by member: object rest would drop members a class defines by getters, and any token would pass.
      const holder = requirement as OptionalWebRequirement;
      prepared = kit.guard(requirementOf(holder), { source: verifier, optional: holder.optional, ...options });
      guards.set(requirement, prepared);
    }
    return prepared;
  };
}

/**
 * Create the gate of `source` (verifier options or a verifier; a bad option throws now). Its one
 * option is `formatProblem`: any other name (`errors`, or `optional`, which belongs to each
 * requirement) is a `TypeError`, not ignored.
 * @example
 * const gate = createWebGate({ issuer: 'https://auth.example.com/', audience: 'https://api.example.com' });
 * export const GET = gate.withAuth((request, auth) => Response.json({ sub: auth.subject }), { scopes: ['files:read'] });
 */
export function createWebGate(source: VerifierOptions | Verifier, options: Pick<AuthOptions, 'formatProblem'> = {}): WebGate {
  checkAdapterOptions(options, ['formatProblem'], 'createWebGate() options');
  const verifier = kit.verifier(source);
  const preparedFor = createGuards(verifier, options);
  async function check(request: Request, requirement?: WebRequirement | OptionalWebRequirement): Promise<AccessToken | Response | undefined> {
    const prepared = preparedFor(requirement);
    const result = await settle(prepared, prepared.step({ request, context: new WebRequestContext(request) }));
    if (result !== undefined || (requirement as Partial<OptionalWebRequirement> | undefined)?.optional === true) return result;
    // Only a CORS preflight passes a guard without a token: answer the application's CORS before checking.
    return problemResponse(verifier.fail(new TokenGateError('missing_token', 'No access token was provided')), prepared.formatProblem);
  }
  function withAuth<Rest extends unknown[]>(handler: OptionallyAuthenticatedHandler<Rest>, requirement?: WebRequirement | OptionalWebRequirement) {
    preparedFor(requirement); // a bad requirement throws now, not on the first request
    return async (request: Request, ...rest: Rest): Promise<Response> => {
      const result = await check(request, requirement);
      if (result instanceof Response) return result;
      return withHeaders(await handler(request, result, ...rest), responseHeaders(request));
    };
  }
  return {
    verifier,
    check: check as WebGate['check'],
    withAuth: withAuth as WebGate['withAuth'],
    routePolicy(rules, policyOptions = {}) {
      checkAdapterOptions(policyOptions, ['unmatched', 'caseSensitive'], 'routePolicy() options');
      const prepared: Prepared<RouteStep> = kit.routePolicy(rules, { ...policyOptions, ...options, source: verifier });
      return (request) => {
        const context = new WebRequestContext(request);
        return settle(prepared, prepared.step({ request, context }, context.target));
      };
    },
  };
}
