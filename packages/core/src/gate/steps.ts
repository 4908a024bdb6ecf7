/**
 * A step: what one middleware does for one request, written once for every adapter. Adopt what
 * the framework's `auth` member holds, authenticate (once per request) and check the
 * requirement; a failure rejects with the `TokenGateError` to answer, already reported.
 */
import { compileRequirement, type CompiledRequirement } from '../policy/requirements.js';
import { routeDeniedError, type RoutePolicy } from '../policy/route-policy.js';
import type { RouterBehaviour } from '../policy/route-path.js';
import type { RequestContext } from '../request/context.js';
import { isPreflight } from '../request/preflight.js';
import type { AccessToken } from '../token/types.js';
import { adoptRequestAuth, type AdoptForeignAuth } from './adoption.js';
import type { Gate } from './gate.js';

/** What a step reads of one request. */
export interface StepInput {
  /** The framework's own request object: the per-request memo lives on it. */
  readonly request: object;
  /** What core reads of the request. */
  readonly context: RequestContext;
  /** The framework's `auth` member as an own member (`ownMember(req, 'auth')`), for reuse. */
  readonly current?: unknown;
}

/**
 * One middleware's work for one request: the token to attach, or `undefined` to go on without
 * one (an optional request without credentials, a public route, a CORS preflight); rejects with the reported
 * `TokenGateError` to answer.
 */
export type Step = (input: StepInput) => Promise<AccessToken | undefined>;

/** A route policy's step also needs the path as the framework routes it. */
export type RouteStep = (input: StepInput, path: string, router?: RouterBehaviour) => Promise<AccessToken | undefined>;

/** How a step treats a request. */
export interface StepSettings {
  /** A request without any credentials passes with no token. */
  readonly optional: boolean;
  /** Maps another library's `auth` object to a token the application vouches for. */
  readonly adoptForeignAuth?: AdoptForeignAuth | undefined;
}

/** The requirement of steps that only authenticate: any valid token. */
export const ANY_TOKEN: CompiledRequirement = compileRequirement();

/**
 * Create a step checking `requirement` through `gate`.
 * @example const step = createStep(gate, { optional: false }, compileRequirement({ token: 'user' }));
 */
export function createStep(gate: Gate, settings: StepSettings, requirement: CompiledRequirement = ANY_TOKEN): Step {
  const { optional, adoptForeignAuth } = settings;
  return async function step({ request, context, current }: StepInput): Promise<AccessToken | undefined> {
    // A CORS preflight carries no credentials by design: the application's CORS handling answers it.
    if (isPreflight(context)) return undefined;
    try {
      adoptRequestAuth(request, current, adoptForeignAuth);
      return await gate.authorize(request, context, requirement, optional);
    } catch (error) {
      throw gate.fail(request, error);
    }
  };
}

/**
 * Create the step of a route table: public rows pass without a token, unmatched and denied
 * requests get 403 `access_denied` without any verification, protected rows run the step of
 * their requirement (made once per row).
 * @example const step = createRouteStep(gate, settings, compileRoutePolicy(rules));
 */
export function createRouteStep(gate: Gate, settings: StepSettings, policy: RoutePolicy): RouteStep {
  const steps = new Map<CompiledRequirement, Step>();
  function stepFor(requirement: CompiledRequirement): Step {
    let step = steps.get(requirement);
    if (step === undefined) {
      step = createStep(gate, settings, requirement);
      steps.set(requirement, step);
    }
    return step;
  }
  return async function routeStep(input: StepInput, path: string, router?: RouterBehaviour): Promise<AccessToken | undefined> {
    if (isPreflight(input.context)) return undefined;
    let decision;
    try {
      decision = policy.match(input.context.method ?? 'GET', path, router);
    } catch (error) {
      throw gate.fail(input.request, error);
    }
    if (decision.kind === 'public') return undefined;
    if (decision.kind === 'deny') throw gate.fail(input.request, routeDeniedError());
    return stepFor(decision.requirement)(input);
  };
}
