/** The `tokengate` plugin: authenticates every route of its context, with settings from `config.tokengate`. */
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { AUTH_OPTION_NAMES, checkAdapterOptions, createConfiguredSteps, createStep, createMetadataResponder, VERIFIER_OPTION_NAMES, type AuthOptions } from '@tokengate/core/adapter';
import { protectedResourceMetadata, type Verifier, type VerifierOptions } from '@tokengate/core';
import { kit } from './hooks.js';
import { settle, stepInput } from './respond.js';

/**
 * Options of the plugin: verifier options (or `{ verifier }`, or neither to use the
 * environment) plus `AuthOptions`.
 * @example await app.register(tokengate, { issuer: 'https://auth.example.com/', audience: 'https://api.example.com', optional: true });
 */
export type TokenGatePluginOptions = AuthOptions & (VerifierOptions | { readonly verifier?: Verifier });

/** The plugin takes the verifier options (or `verifier`) and the hooks' options in one object. */
const PLUGIN_OPTION_NAMES: readonly string[] = [...AUTH_OPTION_NAMES, ...Object.keys(VERIFIER_OPTION_NAMES), 'verifier'];

function pluginSource(options: TokenGatePluginOptions): VerifierOptions | Verifier | undefined {
  if ('verifier' in options && options.verifier !== undefined) return options.verifier;
  if (!('issuer' in options) && !('audience' in options) && !('resource' in options)) return undefined;
  // The verifier options alone: the hooks' own options are not createVerifier()'s.
  const { optional: _optional, errors: _errors, formatProblem: _formatProblem, ...verifierOptions } = options as VerifierOptions & AuthOptions;
  return verifierOptions;
}

/** RFC 9728 metadata, unauthenticated, at the path-inserted location and the root form (HEAD comes with GET). */
function serveMetadata(fastify: FastifyInstance, options: Verifier['options']): void {
  const respond = createMetadataResponder(options);
  for (const path of protectedResourceMetadata({ options })?.paths ?? []) {
    fastify.route({
      method: ['GET', 'OPTIONS'],
      url: path,
      config: { tokengate: false },
      handler: async function tokengateMetadata(request, reply) {
        const response = respond(request.method, path) ?? { status: 404, headers: {}, body: undefined };
        return reply.code(response.status).headers(response.headers).send(response.body ?? '');
      },
    });
  }
}

async function tokengatePlugin(fastify: FastifyInstance, options: TokenGatePluginOptions): Promise<void> {
  checkAdapterOptions(options, PLUGIN_OPTION_NAMES, 'the tokengate plugin options');
  const source = pluginSource(options);
  const verifier = source === undefined ? undefined : kit.verifier(source);
  const gate = kit.gate(verifier);
  if (verifier?.options.resource !== undefined) serveMetadata(fastify, verifier.options);
  const answering = { delegate: options.errors === 'delegate', formatProblem: options.formatProblem };
  const everyRoute = createStep(gate, { optional: options.optional === true });
  const stepOf = createConfiguredSteps(gate, { optional: options.optional === true }, 'config.tokengate');

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
