/**
 * Gateway-style route policies: one declarative table of path patterns (with optional methods)
 * to requirements, first match wins, like per-route token-type buckets at an API gateway.
 */
import { TokenGateError } from '../errors/error.js';
import { compileRequirement, REQUIREMENT_NAMES, requirementOf, type CompiledRequirement, type Requirement } from './requirements.js';
import { checkKnownOptions, type OptionNames } from '../options/known-options.js';
import { routePath, type RouterBehaviour } from './route-path.js';
import { compileRoutePattern, routeSegments, type RoutePattern } from './route-pattern.js';

/** One row of a route policy. */
export interface RouteRule extends Requirement {
  /**
   * Path pattern: literal segments, `:name` for one segment, `*` inside a segment for any
   * characters of that segment; only at the end does a wildcard cover the rest of the path.
   * `/v1/file/*` matches `/v1/file` and everything below it; `/v1/publisher/jobs*` matches
   * `/v1/publisher/jobs`, `/v1/publisher/jobs/42` and `/v1/publisher/jobs-archive`;
   * `/v1/*\/jobs` matches `/v1/publisher/jobs` but not `/v1/a/b/jobs`.
   */
  readonly path: string;
  /** HTTP methods this row applies to (any when absent). */
  readonly methods?: readonly string[];
  /** `true` for routes that need no token at all (health checks, docs). */
  readonly public?: boolean;
}

/** What happens to a request no rule matches. */
export type UnmatchedRoutes = 'deny' | 'authenticate' | 'public';

/** Options of `compileRoutePolicy`. */
export interface RoutePolicyOptions {
  /** `deny` (default): 403 `access_denied`; `authenticate`: any valid token; `public`: no token needed. */
  readonly unmatched?: UnmatchedRoutes;
  /**
   * Match paths case-sensitively. Default false (case-insensitive), so `/V1/FILE/x` cannot slip
   * past a `/v1/file/*` rule to a handler a case-insensitive router (Express's default) still
   * reaches. Even when true, a router the adapter knows to be case-insensitive is matched
   * case-insensitively.
   */
  readonly caseSensitive?: boolean;
}

/** The outcome of matching a request. */
export type RouteDecision =
  | { readonly kind: 'deny' }
  | { readonly kind: 'public' }
  | { readonly kind: 'protected'; readonly requirement: CompiledRequirement; readonly rule: RouteRule | undefined };

interface CompiledRule {
  readonly pattern: RoutePattern;
  readonly methods: ReadonlySet<string> | undefined;
  readonly decision: RouteDecision;
}

/** A compiled route policy. */
export interface RoutePolicy {
  /**
   * The decision for a request, by method and raw request target (`req.url`), read as `router`
   * routes it (see `routePath`: decoded, query ignored, absolute-form reduced to its path).
   * @throws TokenGateError `invalid_request` (400) for a target routers read differently.
   */
  match(method: string, target: string, router?: RouterBehaviour): RouteDecision;
  /** The rows, as given. */
  readonly rules: readonly RouteRule[];
}

const UNMATCHED: readonly UnmatchedRoutes[] = ['deny', 'authenticate', 'public'];

const RULE_NAMES: OptionNames<RouteRule> = { ...REQUIREMENT_NAMES, path: true, methods: true, public: true };

function compileRule(rule: RouteRule): CompiledRule {
  if (rule === null || typeof rule !== 'object') throw new TypeError('A route rule must be an object such as { path: "/v1/*", token: "user" }');
  checkKnownOptions(rule, RULE_NAMES, `the route rule for ${JSON.stringify(rule.path)}`);
  const methods = rule.methods === undefined ? undefined : new Set(rule.methods.map((method) => method.toUpperCase()));
  // A HEAD request is a GET without a body (RFC 9110 §9.3.2): it follows the GET rows.
  if (methods?.has('GET')) methods.add('HEAD');
  const decision: RouteDecision = rule.public === true ? { kind: 'public' } : { kind: 'protected', requirement: compileRequirement(requirementOf(rule)), rule };
  return { pattern: compileRoutePattern(rule.path), methods, decision };
}

/**
 * Compile a route policy once, at start-up (bad rows throw `TypeError`).
 * @example
 * const policy = compileRoutePolicy([
 *   { path: '/v1/file/*', token: 'user' },
 *   { path: '/v1/publisher/jobs*', token: 'any' },
 *   { path: '/v1/fonts/:id', methods: ['GET'], scopes: ['read:font:data'] },
 * ]);
 * policy.match('GET', '/v1/file/templates'); // { kind: 'protected', requirement: { token: 'user', … } }
 */
export function compileRoutePolicy(rules: readonly RouteRule[], options: RoutePolicyOptions = {}): RoutePolicy {
  if (!Array.isArray(rules)) throw new TypeError('A route policy is an array of rules');
  const caseSensitive = options.caseSensitive === true;
  const compiled = rules.map(compileRule);
  const unmatched = options.unmatched ?? 'deny';
  if (!UNMATCHED.includes(unmatched)) throw new TypeError(`"unmatched" must be 'deny', 'authenticate' or 'public' (got ${JSON.stringify(unmatched)})`);
  const fallback: RouteDecision =
    unmatched === 'deny' ? { kind: 'deny' } : unmatched === 'public' ? { kind: 'public' } : { kind: 'protected', requirement: compileRequirement(), rule: undefined };
  return Object.freeze({
    rules: Object.freeze([...rules]),
    match(method: string, target: string, router: RouterBehaviour = {}): RouteDecision {
      const path = routeSegments(routePath(target, router));
      const sensitive = caseSensitive && router.caseSensitive !== false;
      const upper = method.toUpperCase();
      for (const rule of compiled) {
        if (rule.methods !== undefined && !rule.methods.has(upper)) continue;
        if (rule.pattern.matches(path, !sensitive)) return rule.decision;
      }
      return fallback;
    },
  });
}

/** The 403 for a request that no rule allows (`unmatched: 'deny'`). */
export function routeDeniedError(): TokenGateError {
  return new TokenGateError('access_denied', 'No route policy rule allows this request');
}
