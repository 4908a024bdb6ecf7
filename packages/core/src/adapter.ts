/**
 * `@tokengate/core/adapter`: what framework adapters are built from. Applications use
 * `@tokengate/core` and an adapter package; this surface is for writing adapters.
 * @packageDocumentation
 */

// The adapter kit (gate/): options checked, verifiers made, gates and steps built, once per factory.
export { createAdapterKit, type AdapterKit, type AdapterKitSettings, type Prepared, type Answering } from './gate/kit.js';
export { createGuardFamily, type GuardFamily, type ScopeArgument } from './gate/guard-family.js';
export { createConfiguredSteps, ROUTE_CONFIG_NAMES, type RouteConfig } from './gate/configured-steps.js';
export { createStep, createRouteStep, ANY_TOKEN, type Step, type RouteStep, type StepInput, type StepSettings } from './gate/steps.js';
export { createGate, type Gate, type GateSettings } from './gate/gate.js';
export { attachToken, responseHeaders } from './gate/request-state.js';
export { adoptRequestAuth, ownMember, type AdoptForeignAuth } from './gate/adoption.js';
export { splitGuardArguments, guardOptions, type GuardArguments } from './gate/guard-arguments.js';

// Adapter options (options/): the shared types and their check; environment configuration.
export { checkAdapterOptions, AUTH_OPTION_NAMES, GUARD_OPTION_NAMES, ROUTE_POLICY_OPTION_NAMES, type AuthOptions, type GuardOptions } from './options/adapter-options.js';
export { checkKnownOptions, MISPLACED_VERIFIER_OPTIONS, type OptionNames } from './options/known-options.js';
export { VERIFIER_OPTION_NAMES } from './options/names.js';
export { optionsFromEnvironment, lazyVerifier, notConfiguredError, isVerifier, verifierFrom, ENVIRONMENT_VARIABLES, type VerifierSource } from './options/environment.js';
export { configurationProblem, withConfigurationLog } from './options/configuration-log.js';

// Requirements and route policies (policy/), compiled once at start-up.
export { compileRequirement, checkRequirement, requirementOf, REQUIREMENT_NAMES, type CompiledRequirement, type TokenRequirement } from './policy/requirements.js';
export { compileRoutePolicy, routeDeniedError, type RoutePolicy, type RouteDecision } from './policy/route-policy.js';
export { routePath, routerBehaviour, type RouterBehaviour, type RouterSettings } from './policy/route-path.js';

// The request (request/) and the response to a failure (errors/).
export { publicUrl, type RequestContext, type PublicOriginSettings } from './request/context.js';
export { NodeRequestContext, type NodeIncoming } from './request/node-context.js';
export { isPreflight } from './request/preflight.js';
export { createMetadataResponder, type MetadataResponder, type MetadataResponse } from './request/resource-metadata.js';
export { renderFailure, type RenderedFailure, type ProblemFormatter } from './errors/render.js';
export { isAccessToken } from './token/access-token.js';
