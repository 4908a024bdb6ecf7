/**
 * Steps from per-route configuration (Fastify's `config.tokengate`): a requirement plus
 * `optional`, checked and compiled once per configuration object.
 */
import { checkKnownOptions } from '../options/known-options.js';
import { compileRequirement, REQUIREMENT_NAMES, requirementOf, type Requirement } from '../policy/requirements.js';
import type { Gate } from './gate.js';
import { createStep, type Step } from './steps.js';

/** A route's configuration: its requirement, and whether credentials are optional. */
export interface RouteConfig extends Requirement {
  /** Let requests without credentials through; a bad token still fails. */
  readonly optional?: boolean;
}

/** The names of a requirement that may also say `optional`. */
export const ROUTE_CONFIG_NAMES: readonly string[] = Object.freeze([...Object.keys(REQUIREMENT_NAMES), 'optional']);

/**
 * A function giving the step of a route configuration, made on first use and kept by reference.
 * @throws TypeError for a configuration that is not an object, has an unknown name or a bad member.
 * @example const stepOf = createConfiguredSteps(gate, { optional: false }, 'config.tokengate');
 */
export function createConfiguredSteps(gate: Gate, defaults: { readonly optional: boolean }, where: string): (config: RouteConfig) => Step {
  const steps = new WeakMap<RouteConfig, Step>();
  return function stepOf(config: RouteConfig): Step {
    let step = steps.get(config);
    if (step === undefined) {
      if (typeof config !== 'object' || config === null) throw new TypeError(`${where} must be false or an object`);
      // Read member by member: object rest would drop members a class defines by getters, and the route would take any token.
      checkKnownOptions(config, ROUTE_CONFIG_NAMES, where);
      const optional: unknown = config.optional;
      if (optional !== undefined && typeof optional !== 'boolean') throw new TypeError(`${where}.optional must be a boolean`);
      step = createStep(gate, { optional: optional ?? defaults.optional }, compileRequirement(requirementOf(config)));
      steps.set(config, step);
    }
    return step;
  };
}
