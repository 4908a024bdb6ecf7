/**
 * The adapter kit: everything an adapter's factories do before the first request, written once.
 * Options are checked, verifiers made (a bad option throws at start-up), gates and steps built;
 * the adapter only turns a step into its framework's middleware.
 */
import { checkAdapterOptions, AUTH_OPTION_NAMES, GUARD_OPTION_NAMES, ROUTE_POLICY_OPTION_NAMES, type AuthOptions, type GuardOptions } from '../options/adapter-options.js';
import { verifierFrom, type VerifierSource } from '../options/environment.js';
import type { TokenGateError } from '../errors/error.js';
import type { ProblemFormatter } from '../errors/render.js';
import { compileRequirement, type Requirement } from '../policy/requirements.js';
import { compileRoutePolicy, type RoutePolicyOptions, type RouteRule } from '../policy/route-policy.js';
import type { Verifier } from '../verifier.js';
import { createGate, type Gate } from './gate.js';
import { guardOptions } from './guard-arguments.js';
import { createRouteStep, createStep, type RouteStep, type Step } from './steps.js';
import { compileRateLimit, type RateLimitOptions } from '../policy/rate-limit.js';
import { createRateLimitStep } from './rate-limit-step.js';

/** How a middleware answers failures. */
export interface Answering {
  /** `delegate`: hand the error to the framework's error handling instead of answering. */
  readonly delegate: boolean;
  readonly formatProblem: ProblemFormatter | undefined;
}

/** A middleware, ready but for the framework: its gate, its step, how it answers. */
export interface Prepared<S = Step> extends Answering {
  readonly gate: Gate;
  readonly step: S;
}

/** What the adapter tells the kit about its surroundings. */
export interface AdapterKitSettings {
  /** The environment the drop-in configuration is read from (`process.env`). */
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** Where configuration problems are written (once each): `console.error` by default. */
  readonly log: (line: string) => void;
}

/** The factories' common half, made once per adapter. */
export interface AdapterKit {
  /** `auth(source, options)`: authenticate every request. */
  auth(source: VerifierSource | undefined, options?: AuthOptions): Prepared;
  /** A guard: `requirement`, with guard options or a verifier standing for `{ source }`. */
  guard(requirement: Requirement, given?: GuardOptions | Verifier): Prepared;
  /** `routePolicy(rules, options)`. */
  routePolicy(rules: readonly RouteRule[], options?: RoutePolicyOptions & GuardOptions): Prepared<RouteStep>;
  /** `rateLimit(options)`: the request's token, then one count for its client (429 past the limit). */
  rateLimit(options: RateLimitOptions): Prepared;
  /** A gate for `source`, for adapters that build steps themselves (per-route configuration). */
  gate(source: VerifierSource | undefined): Gate;
  /** The verifier of `source` (made now from options), for what is served without a gate (metadata). */
  verifier(source: VerifierSource): Verifier;
}

function answering(options: AuthOptions): Answering {
  return { delegate: options.errors === 'delegate', formatProblem: options.formatProblem };
}

/**
 * Create the kit of one adapter.
 * @example const kit = createAdapterKit({ environment: process.env, log: (line) => console.error(line) });
 */
export function createAdapterKit(settings: AdapterKitSettings): AdapterKit {
  const onNotConfigured = (error: TokenGateError): void => settings.log(`[tokengate] ${error.description}`);
  function gate(source: VerifierSource | undefined): Gate {
    return createGate({ source: verifierFrom(source, settings.log), environment: settings.environment, onNotConfigured, log: settings.log });
  }
  return {
    gate,
    verifier(source) {
      const verifier = verifierFrom(source, settings.log);
      if (verifier === undefined) throw new TypeError('A verifier or verifier options are required');
      return verifier;
    },
    auth(source, options = {}) {
      checkAdapterOptions(options, AUTH_OPTION_NAMES, 'auth() options');
      const own = gate(source);
      return { gate: own, step: createStep(own, { optional: options.optional === true }), ...answering(options) };
    },
    guard(requirement, given) {
      const options = guardOptions<GuardOptions>(given);
      checkAdapterOptions(options, GUARD_OPTION_NAMES, 'guard options');
      const compiled = compileRequirement(requirement);
      const own = gate(options.source);
      return { gate: own, step: createStep(own, stepSettings(options), compiled), ...answering(options) };
    },
    rateLimit(options) {
      const limit = compileRateLimit(options, GUARD_OPTION_NAMES);
      const { points: _points, duration: _duration, key: _key, store: _store, name: _name, failOpen: _failOpen, ...guard } = options;
      checkAdapterOptions(guard, GUARD_OPTION_NAMES, 'rateLimit() options');
      const own = gate(guard.source);
      return { gate: own, step: createRateLimitStep(own, stepSettings(guard), limit), ...answering(guard) };
    },
    routePolicy(rules, options = {}) {
      checkAdapterOptions(options, ROUTE_POLICY_OPTION_NAMES, 'routePolicy() options');
      const policy = compileRoutePolicy(rules, options);
      const own = gate(options.source);
      return { gate: own, step: createRouteStep(own, stepSettings(options), policy), ...answering(options) };
    },
  };
}

function stepSettings(options: GuardOptions): { optional: boolean; adoptForeignAuth: GuardOptions['adoptForeignAuth'] } {
  return { optional: options.optional === true, adoptForeignAuth: options.adoptForeignAuth };
}
