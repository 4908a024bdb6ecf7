/**
 * The Fastify side of every hook: its types, what core reads of a request, and a failure
 * written as a problem details reply (or thrown to Fastify's error handling).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NodeRequestContext, ownMember, renderFailure, routerBehaviour, responseHeaders, type Answering, type StepInput, type RouterBehaviour, type RouterSettings } from '@tokengate/core/adapter';
import type { AccessToken, Requirement, RequestLike, TokenGateError } from '@tokengate/core';

/**
 * Per-route settings, read from `config.tokengate` of a route.
 * @example app.get('/me', { config: { tokengate: { token: 'user', scopes: ['profile:read'] } } }, handler);
 */
export interface RouteAuthConfig extends Requirement {
  /** Let requests without credentials through (`request.auth` stays `undefined`); a bad token still fails. */
  readonly optional?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified access token; `undefined` when the request was not (or optionally not) authenticated. */
    auth?: AccessToken;
  }
  interface FastifyContextConfig {
    /** `false` opts the route out of authentication; an object sets its requirement. */
    tokengate?: false | RouteAuthConfig;
  }
}

/**
 * A Fastify hook for `onRequest` or `preHandler`, made by `auth()`, the guards and `routePolicy()`.
 * @example const hook: TokenGateHook = requireScopes('read:files');
 */
export type TokenGateHook = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

/** What core reads of a Fastify request, read only when core asks. */
class FastifyContext extends NodeRequestContext {
  readonly #request: FastifyRequest;
  constructor(request: FastifyRequest) {
    super(request.raw);
    this.#request = request;
  }
  get query(): RequestLike['query'] {
    return this.#request.query as RequestLike['query'];
  }
  get body(): unknown {
    return this.#request.body;
  }
}

/** The input of a step for this request. */
export function stepInput(request: FastifyRequest): StepInput {
  return { request, context: new FastifyContext(request), current: ownMember(request, 'auth') };
}

/**
 * Wait for a step: set `request.auth` to its token, or answer its failure (thrown to Fastify in
 * `delegate` mode). The promise a `TokenGateHook` returns.
 * @example return settle(prepared, reply, request, prepared.step(stepInput(request)));
 */
export async function settle(answering: Answering, request: FastifyRequest, reply: FastifyReply, result: Promise<AccessToken | undefined>): Promise<FastifyReply | undefined> {
  let token: AccessToken | undefined;
  try {
    token = await result;
  } catch (failure) {
    if (answering.delegate) throw failure;
    const { status, headers, body } = renderFailure(failure as TokenGateError, answering.formatProblem);
    return reply.code(status).headers(headers).send(body);
  }
  if (token !== undefined) request.auth = token;
  const headers = responseHeaders(request);
  if (headers !== undefined) reply.headers(headers);
  return undefined;
}

/** Read once per Fastify application: its configuration does not change after start. */
const routers = new WeakMap<object, RouterBehaviour>();
/** Fastify's own defaults: case-sensitive, `//` and `;` kept as they are. */
const FASTIFY_ROUTER = { caseSensitive: true, ignoreDuplicateSlashes: false, useSemicolonDelimiter: false } as const;

/** What this Fastify instance's router does with paths (`routerOptions`, or the older top-level options). */
export function routerOf(request: FastifyRequest): RouterBehaviour {
  const config = request.server.initialConfig as RouterSettings;
  let behaviour = routers.get(config);
  if (behaviour === undefined) {
    behaviour = routerBehaviour(config, FASTIFY_ROUTER);
    routers.set(config, behaviour);
  }
  return behaviour;
}
