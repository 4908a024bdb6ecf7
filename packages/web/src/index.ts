/**
 * `@tokengate/web`: tokengate for Web-standard `Request`/`Response` code — Next.js route handlers,
 * `Bun.serve`, `Deno.serve`, Workers `fetch`, and frameworks built on them (see `@tokengate/hono`).
 * @packageDocumentation
 */
export { createWebGate, type AuthenticatedHandler, type OptionallyAuthenticatedHandler, type OptionalWebRequirement, type WebGate, type WebRequirement } from './gate.js';
export { WebRequestContext } from './context.js';
export { problemResponse, withHeaders } from './respond.js';
export { createVerifier, isTokenGateError, TokenGateError, claimEquals, claimIncludes, claimCheck } from '@tokengate/core';
export type { AccessToken, ClaimPredicate, JwksSnapshot, ProblemDetails, RouteRule, RoutePolicyOptions, Verifier, VerifierOptions } from '@tokengate/core';
