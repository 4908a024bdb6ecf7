/** The `tokengate` plugin: authenticates every route of its context, with settings from `config.tokengate`. */
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import {
  AUTH_OPTION_NAMES,
  checkAdapterOptions,
  checkKnownOptions,
  compileRequirement,
  createStep,
  REQUIREMENT_NAMES,
  requirementOf,
  VERIFIER_OPTION_NAMES,
  type AuthOptions,
  type Step,
} from '@tokengate/core/adapter';
import type { Verifier, VerifierOptions } from '@tokengate/core';
import { kit } from './hooks.js';
import { settle, stepInput, type RouteAuthConfig } from './respond.js';

/**
 * Options of the plugin: verifier options (or `{ verifier }`, or neither to use the
 * environment) plus `AuthOptions`.
 * @example await app.register(tokengate, { issuer: 'https://auth.example.com/', audience: 'https://api.example.com', optional: true });
 */
export type TokenGatePluginOptions = AuthOptions & (VerifierOptions | { readonly verifier?: Verifier });

/** The names `config.tokengate` takes: a requirement, and `optional`. */
const ROUTE_CONFIG_NAMES: readonly string[] = [...Object.keys(REQUIREMENT_NAMES), 'optional'];
/** The plugin takes the verifier options (or `verifier`) and the hooks' options in one object. */
const PLUGIN_OPTION_NAMES: readonly string[] = [...AUTH_OPTION_NAMES, ...Object.keys(VERIFIER_OPTION_NAMES), 'verifier'];

function pluginSource(options: TokenGatePluginOptions): VerifierOptions | Verifier | undefined {
  if ('verifier' in options && options.verifier !== undefined) return options.verifier;
  if (!('issuer' in options) && !('audience' in options)) return undefined;
  // The verifier options alone: the hooks' own options are not createVerifier()'s.
  const { optional: _optional, errors: _errors, formatProblem: _formatProblem, ...verifierOptions } = options as VerifierOptions & AuthOptions;
  return verifierOptions;
}

async function tokengatePlugin(fastify: FastifyInstance, options: TokenGatePluginOptions): Promise<void> {
  checkAdapterOptions(options, PLUGIN_OPTION_NAMES, 'the tokengate plugin options');
  const gate = kit.gate(pluginSource(options));
  const answering = { delegate: options.errors === 'delegate', formatProblem: options.formatProblem };
  const everyRoute = createStep(gate, { optional: options.optional === true });
  /** Keyed by the route's `config.tokengate` object, which Fastify keeps by reference. */
  const routeSteps = new WeakMap<RouteAuthConfig, Step>();

  function stepOf(config: RouteAuthConfig): Step {
    let step = routeSteps.get(config);
    if (step === undefined) {
      if (typeof config !== 'object' || config === null) throw new TypeError('config.tokengate must be false or an object');
      // Read member by member: object rest would drop members a class defines by getters, and the route would take any token.
      checkKnownOptions(config, ROUTE_CONFIG_NAMES, 'config.tokengate');
      const optional: unknown = config.optional;
      if (optional !== undefined && typeof optional !== 'boolean') throw new TypeError('config.tokengate.optional must be a boolean');
      step = createStep(gate, { optional: optional ?? options.optional === true }, compileRequirement(requirementOf(config)));
      routeSteps.set(config, step);
    }
    return step;
  }

  // `undefined` until authenticated, as `req.auth` (Express) and `ctx.state.auth` (Koa).
  fastify.decorateRequest('auth', undefined);
  fastify.addHook('onRoute', function tokengateOnRoute(route: RouteOptions) {
    const config = route.config?.tokengate;
    if (config !== undefined && config !== false) stepOf(config);
  });
  fastify.addHook('onRequest', function tokengateOnRequest(request, reply) {
    const config = request.routeOptions.config?.tokengate;
    if (config === false) return Promise.resolve(undefined);
    // Routes added before the plugin did not pass `onRoute`; they are compiled on first use, once.
    const step = config === undefined ? everyRoute : stepOf(config);
    return settle(answering, request, reply, step(stepInput(request)));
  });
}

/**
 * The Fastify plugin: `await app.register(tokengate, options)` authenticates every route of the
 * context it is registered in (and its children) and sets `request.auth`. Routes opt out with
 * `config: { tokengate: false }`, become optional with `{ tokengate: { optional: true } }` and
 * add requirements with `{ tokengate: { token: 'user', scopes: [...] } }`.
 * @example
 * await app.register(tokengate, { issuer: 'https://auth.example.com/', audience: 'https://api.example.com' });
 * app.get('/health', { config: { tokengate: false } }, async () => 'ok');
 */
export const tokengate = fp(tokengatePlugin, { fastify: '5.x', name: '@tokengate/fastify' });
