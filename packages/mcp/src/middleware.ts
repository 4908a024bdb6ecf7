/**
 * `mcpAuth`: the middleware in front of an MCP server's Streamable HTTP endpoint, in place of the
 * SDK's `requireBearerAuth`; and `protectedResourceMetadata`, the RFC 9728 document it points at.
 * Both take Node's request and response, so they work in Express and in a plain `http` server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { createMetadataResponder, NodeRequestContext, renderFailure, type GuardOptions, type MetadataResponse, type RenderedFailure, type Step } from '@tokengate/core/adapter';
import type { TokenGateError, Verifier, VerifierOptions } from '@tokengate/core';
import { toAuthInfo } from './auth-info.js';
import { kit } from './kit.js';
import { calledTools, requiredScopes, type ToolScopes } from './tool-scopes.js';

/**
 * The request as the SDK's transports read it, `req.auth` set by `mcpAuth`. (In a project that also
 * uses `@tokengate/express`, Express's `req.auth` is typed as its `AccessToken`: pass `req as McpRequest`.)
 */
export type McpRequest = IncomingMessage & { auth?: AuthInfo };

/** A Connect-style middleware (Express's `app.use` takes it). */
export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** Options of `mcpAuth`. */
export interface McpAuthOptions extends Pick<GuardOptions, 'errors' | 'formatProblem'> {
  /** Scopes every request must carry (403 `insufficient_scope` naming them otherwise). */
  readonly requiredScopes?: readonly string[];
  /**
   * Scopes a tool needs, by name (`{ read_file: ['files:read'] }`): a `tools/call` of it without
   * them is 403 `insufficient_scope` naming all the scopes needed, so the client can ask for more
   * (step-up authorization). Needs the body parsed first (`express.json()`).
   */
  readonly toolScopes?: ToolScopes;
}

function write(res: ServerResponse, response: RenderedFailure | MetadataResponse): void {
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  res.end(response.body ?? '');
}

/**
 * Verify the request's bearer token with tokengate and put the SDK's `AuthInfo` on `req.auth`,
 * which the SDK's transports hand to tool handlers as `extra.authInfo` (the `AccessToken` is
 * `extra.authInfo.extra.accessToken`). Failures are RFC 9457 problems whose challenge names the
 * metadata URL when the verifier has `resource`; CORS preflights pass.
 * @example app.post('/mcp', mcpAuth(verifier, { requiredScopes: ['mcp:tools'] }), handleMcp);
 */
export function mcpAuth(source: VerifierOptions | Verifier, options: McpAuthOptions = {}): NodeMiddleware {
  const verifier = kit.verifier(source);
  const resource = verifier.options.resource?.resource;
  const guardOptions = { source: verifier, errors: options.errors, formatProblem: options.formatProblem };
  const { step, delegate, formatProblem } = kit.guard({ scopes: [...(options.requiredScopes ?? [])] }, guardOptions);
  const stepFor = toolSteps(options, (scopes) => kit.guard({ scopes }, guardOptions).step);
  return function tokengateMcpAuth(req, res, next) {
    const called = options.toolScopes === undefined ? [] : calledTools((req as IncomingMessage & { body?: unknown }).body);
    (called.length === 0 ? step : stepFor(called))({ request: req, context: new NodeRequestContext(req) })
      .then(
        (token) => {
          if (token !== undefined) (req as McpRequest).auth = toAuthInfo(token, resource);
          next();
        },
        (failure: TokenGateError) => (delegate || res.headersSent ? next(failure) : write(res, renderFailure(failure, formatProblem))),
      )
      .catch(next);
  };
}

/** The step for a set of called tools, made once per distinct set of scopes. */
function toolSteps(options: McpAuthOptions, make: (scopes: string[]) => Step): (called: readonly string[]) => Step {
  const steps = new Map<string, Step>();
  return (called) => {
    const scopes = requiredScopes(options.requiredScopes ?? [], options.toolScopes ?? {}, called);
    const key = scopes.join(' ');
    let step = steps.get(key);
    if (step === undefined) {
      step = make(scopes);
      // Bounded: tool names come from requests, but the scope sets come from the configuration.
      if (steps.size < 1_000) steps.set(key, step);
    }
    return step;
  };
}

/**
 * Serve the protected-resource metadata (RFC 9728) of a verifier with `resource`, without
 * authentication, at the path-inserted location and the root form; other requests pass on.
 * @example app.use(protectedResourceMetadata(verifier));
 */
export function protectedResourceMetadata(source: VerifierOptions | Verifier): NodeMiddleware {
  const { options } = kit.verifier(source);
  if (options.resource === undefined) throw new TypeError('protectedResourceMetadata() needs a verifier with the "resource" option');
  const respond = createMetadataResponder(options);
  return function tokengateMetadata(req, res, next) {
    const target = req.url ?? '/';
    const end = target.search(/[?#]/);
    const response = respond(req.method ?? 'GET', end < 0 ? target : target.slice(0, end));
    if (response === undefined) next();
    else write(res, response);
  };
}
