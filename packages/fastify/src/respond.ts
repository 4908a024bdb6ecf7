/**
 * Shared plumbing of the Fastify adapter: option types, the gate every hook is built on, the
 * request translation and the one place failures become responses (or are handed to Fastify).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  PROBLEM_CONTENT_TYPE,
  adoptRequestAuth,
  AUTH_OPTION_NAMES,
  checkAdapterOptions,
  ownMember,
  type AdoptForeignAuth,
  compileRequirement,
  createGate,
  verifierFrom,
  type AccessToken,
  type CompiledRequirement,
  type Gate,
  type ProblemDetails,
  type Requirement,
  type RequestLike,
  type TokenGateError,
  type Verifier,
  type VerifierOptions,
} from '@tokengate/core';

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
 * How the plugin, `auth()`, the guards and `routePolicy()` handle a request and its failures.
 * @example await app.register(tokengate, { issuer, audience, errors: 'delegate' });
 */
export interface AuthOptions {
  /** Let requests without any credentials through; a bad token still fails. Default `false`. */
  readonly optional?: boolean;
  /** `respond` (default): answer with a problem details body; `delegate`: throw the `TokenGateError` to Fastify. */
  readonly errors?: 'respond' | 'delegate';
  /** Shape the response body (sent as JSON); by default the problem details themselves. */
  readonly formatProblem?: (problem: ProblemDetails, error: TokenGateError) => unknown;
}

/**
 * Options of a guard: `AuthOptions` plus where to verify from when `auth()` did not run before it.
 * @example requireUserToken({ source: { issuer, audience }, errors: 'delegate' })
 */
export interface GuardOptions extends AuthOptions {
  /** Verifier or its options; the environment (`TOKENGATE_ISSUER`, …) when absent. */
  readonly source?: VerifierOptions | Verifier;
  /**
   * Reuse another library's object on `request.auth` by mapping it to an `AccessToken` you vouch
   * for. Without it only tokens tokengate verified are reused; any other value is ignored and the
   * request is verified.
   */
  readonly adoptForeignAuth?: AdoptForeignAuth;
}

/**
 * A Fastify hook for `onRequest` or `preHandler`, made by `auth()`, the guards and `routePolicy()`.
 * @example const hook: TokenGateHook = requireScopes('read:files');
 */
export type TokenGateHook = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

/**
 * Everything a hook needs, built once by its factory (internal).
 * @example const settings: HookSettings = hookSettings(undefined, { optional: true });
 */
export interface HookSettings {
  readonly gate: Gate;
  readonly optional: boolean;
  readonly delegate: boolean;
  readonly formatProblem: AuthOptions['formatProblem'];
  readonly adopt: AdoptForeignAuth | undefined;
}

function logNotConfigured(error: TokenGateError): void {
  console.error(`@tokengate/fastify: ${error.description}`);
}

/** Configuration problems of verifiers made here from options, once each (see `withConfigurationLog`). */
function logLine(line: string): void {
  console.error(line);
}


/**
 * Build the settings of one hook (internal). Bad options throw now; the environment is read
 * lazily, on the first request.
 * @example const settings = hookSettings({ issuer, audience }, { errors: 'delegate' });
 */
export function hookSettings(
  source: VerifierOptions | Verifier | undefined,
  options: AuthOptions & Pick<GuardOptions, 'adoptForeignAuth'> = {},
  names: readonly string[] = AUTH_OPTION_NAMES,
  where = 'auth() options',
): HookSettings {
  checkAdapterOptions(options, names, where);
  return Object.freeze({
    gate: createGate({ source: verifierFrom(source, logLine), environment: process.env, onNotConfigured: logNotConfigured, log: logLine }),
    optional: options.optional === true,
    delegate: options.errors === 'delegate',
    formatProblem: options.formatProblem,
    adopt: options.adoptForeignAuth,
  });
}

/** The parts of a Fastify request core reads, read only when core asks. */
class FastifyInput implements RequestLike {
  readonly #request: FastifyRequest;
  constructor(request: FastifyRequest) {
    this.#request = request;
  }
  get headers(): RequestLike['headers'] {
    return this.#request.headers;
  }
  /** Node keeps only the first of repeated Authorization headers; core checks the raw list. */
  get rawHeaders(): readonly string[] {
    return this.#request.raw.rawHeaders;
  }
  get query(): RequestLike['query'] {
    return this.#request.query as RequestLike['query'];
  }
  get body(): unknown {
    return this.#request.body;
  }
  get method(): string {
    return this.#request.method;
  }
}

/**
 * Turn a failure into a `TokenGateError` and answer it (status, headers, problem body), or
 * throw it to Fastify's error handling in `delegate` mode (internal).
 * @example return failRequest(settings, request, reply, routeDeniedError());
 */
export function failRequest(settings: HookSettings, request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const failure = settings.gate.fail(request, error);
  if (settings.delegate) throw failure;
  const problem = failure.toProblem();
  const body = settings.formatProblem === undefined ? problem : settings.formatProblem(problem, failure);
  return reply.code(failure.status).headers(failure.headers()).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

/** The requirement of hooks that only authenticate: any valid token (internal). */
export const ANY_TOKEN: CompiledRequirement = compileRequirement();

/**
 * The waiting half of `authenticateRequest`: verify (or wait for the verification under way),
 * check `requirement` when a token is present, and set `request.auth`; failures are answered (internal).
 * @example return verifyRequest(settings, request, reply, ANY_TOKEN, settings.optional);
 */
export async function verifyRequest(settings: HookSettings, request: FastifyRequest, reply: FastifyReply, requirement: CompiledRequirement, optional: boolean): Promise<FastifyReply | undefined> {
  try {
    adoptRequestAuth(request, ownMember(request, 'auth'), settings.adopt);
    const token = await settings.gate.authorize(request, new FastifyInput(request), requirement, optional);
    request.auth = token;
    return undefined;
  } catch (error) {
    return failRequest(settings, request, reply, error);
  }
}

/**
 * `authenticateRequest` without waiting, for a token already known (verified for this request,
 * put on `request.auth`, or cached) that meets `requirement`: sets `request.auth` and returns
 * `true`. `false` means `authenticateRequest` must run; it gives every verdict (internal).
 * @example if (authenticateKnown(settings, request, ANY_TOKEN)) return done();
 */
export function authenticateKnown(settings: HookSettings, request: FastifyRequest, requirement: CompiledRequirement): boolean {
  try {
    adoptRequestAuth(request, ownMember(request, 'auth'), settings.adopt);
  } catch {
    return false; // A throwing `adoptForeignAuth`: `verifyRequest` answers it.
  }
  const token = settings.gate.authorizeSync(request, new FastifyInput(request), requirement);
  if (token === undefined) return false;
  request.auth = token;
  return true;
}

/** What a hook resolves when the request passed without waiting: one shared promise. */
const PASSED: Promise<undefined> = Promise.resolve(undefined);

/**
 * Authenticate (once per request: a token the plugin, `auth()`, a guard or anything else put on
 * `request.auth` is reused), check `requirement` when a token is present, and set `request.auth`;
 * the promise a `TokenGateHook` returns. A known token passes without waiting (internal).
 * @example return authenticateRequest(settings, request, reply, compileRequirement({ token: 'user' }));
 */
export function authenticateRequest(
  settings: HookSettings,
  request: FastifyRequest,
  reply: FastifyReply,
  requirement: CompiledRequirement,
  optional: boolean = settings.optional,
): Promise<FastifyReply | undefined> {
  return authenticateKnown(settings, request, requirement) ? PASSED : verifyRequest(settings, request, reply, requirement, optional);
}
