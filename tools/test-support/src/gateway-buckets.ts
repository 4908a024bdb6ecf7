/**
 * Route-policy rows for an API gateway that sorts routes into token buckets: routes that need a
 * user token (they resolve ownership and quota from the user) and routes that take either a user
 * or a client token (stateless operations). Shaped like `RouteRule` of `@tokengate/core`, so a
 * route-policy test (core's and each adapter's) can spread them into `routePolicy()` and add
 * rows of its own.
 */

/** One row: a path pattern and the token type it takes. */
export interface BucketRouteRule {
  readonly path: string;
  readonly token: 'user' | 'any';
}

/**
 * The buckets, user-token routes first.
 * @example app.use(routePolicy([{ path: '/health', public: true }, ...BUCKET_ROUTE_RULES]));
 */
export const BUCKET_ROUTE_RULES: readonly BucketRouteRule[] = Object.freeze([
  { path: '/v1/file/*', token: 'user' },
  { path: '/v1/webhook/*', token: 'user' },
  { path: '/v1/subscription/*', token: 'user' },
  { path: '/v1/identity/*', token: 'user' },
  { path: '/v1/document/validate', token: 'any' },
  { path: '/v1/document/upgrade', token: 'any' },
  { path: '/v1/publisher/jobs*', token: 'any' },
  { path: '/v1/converter/jobs*', token: 'any' },
  { path: '/oauth/userinfo', token: 'any' },
] as const satisfies readonly BucketRouteRule[]);
