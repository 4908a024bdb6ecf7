/**
 * Authentication: the `auth()` hook and the `tokengate` plugin, which authenticates every route
 * of its encapsulation context and reads per-route settings from `config.tokengate`.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { AUTH_OPTION_NAMES, checkKnownOptions, compileRequirement, REQUIREMENT_NAMES, requirementOf, VERIFIER_OPTION_NAMES, type CompiledRequirement, type Verifier, type VerifierOptions } from '@tokengate/core';
import { ANY_TOKEN, authenticateKnown, authenticateRequest, hookSettings, verifyRequest, type AuthOptions, type RouteAuthConfig, type TokenGateHook } from './respond.js';

/**
 * Options of the plugin: verifier options (or `{ verifier }`, or neither to use the
 * environment) plus `AuthOptions`.
 * @example await app.register(tokengate, { issuer: 'https://auth.example.com/', audience: 'https://api.example.com', optional: true });
 */
export type TokenGatePluginOptions = AuthOptions & (VerifierOptions | { readonly verifier?: Verifier });

/** A route's settings, compiled once. */
interface CompiledRouteAuth {
  readonly optional: boolean | undefined;
  readonly requirement: CompiledRequirement;
}

/** The names `config.tokengate` takes: a requirement, and `optional`. */
const ROUTE_CONFIG_NAMES: readonly string[] = [...Object.keys(REQUIREMENT_NAMES), 'optional'];

/** Keyed by the route's `config.tokengate` object, which Fastify keeps by reference in the route context. */
const compiledRoutes = new WeakMap<RouteAuthConfig, CompiledRouteAuth>();

function compileRouteAuth(config: RouteAuthConfig): CompiledRouteAuth {
  let compiled = compiledRoutes.get(config);
  if (compiled === undefined) {
    if (typeof config !== 'object' || config === null) throw new TypeError('config.tokengate must be false or an object');
    // Read member by member, as Express and Koa read a requirement: object rest would drop members
    // a class instance defines on its prototype or by getters, and the route would take any token.
    checkKnownOptions(config, ROUTE_CONFIG_NAMES, 'config.tokengate');
    const optional: unknown = config.optional;
    if (optional !== undefined && typeof optional !== 'boolean') throw new TypeError('config.tokengate.optional must be a boolean');
    compiled = Object.freeze({ optional, requirement: compileRequirement(requirementOf(config)) });
    compiledRoutes.set(config, compiled);
  }
  return compiled;
}

/**
 * An `onRequest` hook that authenticates the request and sets `request.auth`, for use without
 * the plugin. Without `source`, `TOKENGATE_ISSUER` / `TOKENGATE_AUDIENCE` / `TOKENGATE_JWKS_URI` are used.
 * @example
 * app.addHook('onRequest', auth({ issuer: 'https://auth.example.com/', audience: 'https://api.example.com' }));
 * app.get('/me', { onRequest: auth(undefined, { optional: true }) }, async (request) => request.auth?.subject ?? 'guest');
 */
export function auth(source?: VerifierOptions | Verifier, options: AuthOptions = {}): TokenGateHook {
  const settings = hookSettings(source, options);
  return function tokengateAuth(request, reply) {
    return authenticateRequest(settings, request, reply, ANY_TOKEN);
  };
}

/** The plugin takes the verifier options (or `verifier`) and the hooks' options in one object. */
const PLUGIN_OPTION_NAMES: readonly string[] = [...AUTH_OPTION_NAMES, ...Object.keys(VERIFIER_OPTION_NAMES), 'verifier'];

function pluginSource(options: TokenGatePluginOptions): VerifierOptions | Verifier | undefined {
  if ('verifier' in options && options.verifier !== undefined) return options.verifier;
  if ('issuer' in options || 'audience' in options) {
    // The verifier options alone: the hooks' own options are not createVerifier()'s.
    const { optional: _optional, errors: _errors, formatProblem: _formatProblem, ...verifierOptions } = options as VerifierOptions & AuthOptions;
    return verifierOptions;
  }
  return undefined;
}

function compileRouteConfig(route: RouteOptions): void {
  const config = route.config?.tokengate;
  if (config !== undefined && config !== false) compileRouteAuth(config);
}

async function tokengatePlugin(fastify: FastifyInstance, options: TokenGatePluginOptions): Promise<void> {
  const settings = hookSettings(pluginSource(options), options, PLUGIN_OPTION_NAMES, 'the tokengate plugin options');
  // `undefined` until authenticated, as `req.auth` (Express) and `ctx.state.auth` (Koa).
  fastify.decorateRequest('auth', undefined);
  fastify.addHook('onRoute', compileRouteConfig);
  // Callback style, so a request whose token is known passes without a promise; the others
  // return authenticateRequest's promise, which Fastify waits for.
  fastify.addHook('onRequest', function tokengateOnRequest(request, reply, done) {
    const config = request.routeOptions.config?.tokengate;
    if (config === false) return done();
    // Routes added before the plugin did not pass `onRoute`; they are compiled on first use, once.
    const route = config === undefined ? undefined : compileRouteAuth(config);
    const requirement = route?.requirement ?? ANY_TOKEN;
    if (authenticateKnown(settings, request, requirement)) return done();
    return verifyRequest(settings, request, reply, requirement, route?.optional ?? settings.optional);
  });
}

/**
 * The Fastify plugin: `await app.register(tokengate, options)` authenticates every route of the
 * context it is registered in (and its children) before body parsing and sets `request.auth`.
 * Routes opt out with `config: { tokengate: false }`, become optional with
 * `{ tokengate: { optional: true } }` and add requirements with `{ tokengate: { token: 'user', scopes: [...] } }`.
 * @example
 * await app.register(tokengate, { issuer: 'https://auth.example.com/', audience: 'https://api.example.com' });
 * app.get('/files', { config: { tokengate: { token: 'user', scopes: ['files:read'] } } }, async (request) => request.auth?.subject);
 * app.get('/health', { config: { tokengate: false } }, async () => 'ok');
 */
export const tokengate = fp(tokengatePlugin, { fastify: '5.x', name: '@tokengate/fastify' });
