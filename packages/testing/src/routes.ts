import type { IncomingHttpHeaders } from 'node:http';
import type { SigningAlgorithm } from './algorithms.js';
import type { CounterName } from './counts.js';
import type { FaultSwitches } from './faults.js';
import type { IntrospectionService } from './introspection.js';
import type { KeyRing } from './keys.js';
import type { DiscoveryMode } from './metadata.js';
import { buildMetadata, oauthMetadataPath, openidConfigurationPath } from './metadata.js';

/**
 * What a route handler sees of a request.
 *
 * @example
 * ```ts
 * const request: RouteRequest = { method: 'GET', url: new URL('http://127.0.0.1:4000/jwks'), headers: {}, body: '' };
 * ```
 */
export interface RouteRequest {
  readonly method: string;
  readonly url: URL;
  /** Node's header map: lower-case names. */
  readonly headers: IncomingHttpHeaders;
  /** The request body as UTF-8 text (`''` when there is none). */
  readonly body: string;
}

/**
 * A response to write: status, body and extra headers.
 *
 * @example
 * ```ts
 * const response: RouteResponse = { status: 200, body: '{}', headers: { 'content-type': 'application/json' } };
 * ```
 */
export interface RouteResponse {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * One entry of the route table.
 *
 * @example
 * ```ts
 * const route: Route = {
 *   counters: ['jwks'], enabled: true, faultable: true, methods: ['GET', 'HEAD'],
 *   handle: () => jsonResponse(200, { keys: [] }),
 * };
 * ```
 */
export interface Route {
  /** Counters incremented for every request to this path, whatever happens next. */
  readonly counters: readonly CounterName[];
  /** When false the path answers like an unknown path (404), though it is still counted. */
  readonly enabled: boolean;
  /** Whether the `status`, `garbage` and `redirectLoop` fault switches apply. */
  readonly faultable: boolean;
  /** Accepted methods; others get 405. */
  readonly methods: readonly string[];
  handle(request: RouteRequest): RouteResponse | Promise<RouteResponse>;
}

/**
 * Routes keyed by exact pathname.
 *
 * @example
 * ```ts
 * const table: RouteTable = new Map([['/jwks', jwksRoute]]);
 * ```
 */
export type RouteTable = ReadonlyMap<string, Route>;

/**
 * A JSON response with `content-type: application/json`.
 *
 * @example
 * ```ts
 * jsonResponse(404, { error: 'not_found' });
 * ```
 */
export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): RouteResponse {
  return { status, body: JSON.stringify(value), headers: { 'content-type': 'application/json', ...headers } };
}

/**
 * Everything the issuer's routes read. Keys and faults are read per request, so rotation and
 * fault switches take effect immediately.
 *
 * @example
 * ```ts
 * const routes = buildIssuerRoutes({ issuer, issuerPath: '', metadataIssuer: issuer, algorithm: 'RS256', discovery: 'both', keys, faults, introspection });
 * ```
 */
export interface IssuerRouteContext {
  readonly issuer: string;
  readonly issuerPath: string;
  readonly metadataIssuer: string;
  readonly algorithm: SigningAlgorithm;
  readonly discovery: DiscoveryMode;
  readonly keys: KeyRing;
  readonly faults: FaultSwitches;
  /** Opaque tokens, revocations and the registered introspection client. */
  readonly introspection: IntrospectionService;
}

const READ_METHODS: readonly string[] = ['GET', 'HEAD'];

/**
 * The issuer's route table: the two metadata documents, the JWKS and the introspection endpoint.
 *
 * @example
 * ```ts
 * buildIssuerRoutes(context).has('/.well-known/openid-configuration'); // true
 * ```
 */
export function buildIssuerRoutes(context: IssuerRouteContext): RouteTable {
  const metadata = buildMetadata({ ...context, introspectionAuthMethods: context.introspection.authMethods });
  const serveMetadata = (): RouteResponse => jsonResponse(200, metadata);
  const routes = new Map<string, Route>();
  routes.set(oauthMetadataPath(context.issuerPath), {
    counters: ['discovery', 'oauthMetadata'],
    enabled: context.discovery === 'both' || context.discovery === 'oauth',
    faultable: true,
    methods: READ_METHODS,
    handle: serveMetadata,
  });
  routes.set(openidConfigurationPath(context.issuerPath), {
    counters: ['discovery', 'openidConfiguration'],
    enabled: context.discovery === 'both' || context.discovery === 'oidc',
    faultable: true,
    methods: READ_METHODS,
    handle: serveMetadata,
  });
  routes.set(`${context.issuerPath}/jwks`, {
    counters: ['jwks'],
    enabled: true,
    faultable: true,
    methods: READ_METHODS,
    handle: () =>
      context.faults.jwksBody === null
        ? jsonResponse(200, { keys: context.keys.publicJwks() })
        : { status: 200, body: context.faults.jwksBody, headers: { 'content-type': 'application/json' } },
  });
  routes.set(`${context.issuerPath}/introspect`, {
    counters: ['introspection'],
    enabled: true,
    faultable: true,
    methods: ['POST'],
    handle: (request) =>
      context.faults.introspectionBody === null
        ? context.introspection.handle(request)
        : { status: 200, body: context.faults.introspectionBody, headers: { 'content-type': 'application/json' } },
  });
  return routes;
}
