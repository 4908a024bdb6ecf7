/**
 * `resource`: the canonical URL of this protected resource (RFC 8707 §2, RFC 9728 §1.2), the
 * audience tokens must name when no `audience` is given, and where its metadata lives (§3.1).
 */
import { checkSecureUrl, fail, nonNegative, stringList } from './checks.js';
import { checkKnownOptions, type OptionNames } from './known-options.js';
import type { CorsOptions, ProtectedResourceOptions } from './resource-types.js';

/** The well-known suffix of protected-resource metadata (RFC 9728 §3). */
export const METADATA_SUFFIX = '/.well-known/oauth-protected-resource';

const PROTECTED_RESOURCE_NAMES: OptionNames<ProtectedResourceOptions> = {
  authorizationServers: true,
  scopesSupported: true,
  resourceName: true,
  resourceDocumentation: true,
  resourcePolicyUri: true,
  resourceTosUri: true,
  maxAge: true,
};
const CORS_NAMES: OptionNames<CorsOptions> = { allowOrigin: true };

/** The resource after validation, with where its metadata lives. */
export interface ResolvedResource {
  /** The resource identifier, exactly as configured. */
  readonly resource: string;
  /** The path-inserted metadata URL (RFC 9728 §3.1) and its path. */
  readonly metadataUrl: string;
  readonly metadataPath: string;
  /** The root form clients fall back to, and its path. */
  readonly rootMetadataPath: string;
  readonly protectedResource: Required<Pick<ProtectedResourceOptions, 'maxAge'>> & Omit<ProtectedResourceOptions, 'maxAge'>;
}

/**
 * Validate `resource`: an absolute `https:` URL (`http:` only on loopback or with
 * `dangerouslyAllowHttpIssuer`), scheme and host in lower case, no query, no fragment.
 */
export function resolveResource(value: unknown, protectedResource: unknown, allowHttp: boolean): ResolvedResource | undefined {
  if (value === undefined) {
    if (protectedResource !== undefined) fail('protectedResource', 'needs the "resource" option (the URL clients use for this API)');
    return undefined;
  }
  if (typeof value !== 'string' || value === '') fail('resource', 'must be a non-empty string (the URL of this API)');
  checkSecureUrl(value, 'resource', allowHttp);
  const url = new URL(value);
  if (url.search !== '' || value.includes('?')) fail('resource', `must not have a query (RFC 8707): ${JSON.stringify(value)}`);
  if (url.hash !== '' || value.includes('#')) fail('resource', `must not have a fragment (RFC 8707): ${JSON.stringify(value)}`);
  const origin = `${url.protocol}//${url.host}`;
  if (!value.startsWith(origin) || url.username !== '' || url.password !== '') fail('resource', `must be written in its canonical form, lower-case scheme and host: ${JSON.stringify(origin + url.pathname)}`);
  const path = value.slice(origin.length);
  if (path !== '' && path !== url.pathname) fail('resource', `must be written in its canonical form: ${JSON.stringify(origin + url.pathname)}`);
  const metadataPath = `${METADATA_SUFFIX}${path === '/' ? '' : path}`;
  return Object.freeze({ resource: value, metadataUrl: `${origin}${metadataPath}`, metadataPath, rootMetadataPath: METADATA_SUFFIX, protectedResource: resolveProtectedResource(protectedResource) });
}

function optionalString(value: unknown, option: string): string | undefined {
  if (value !== undefined && (typeof value !== 'string' || value === '')) fail(option, 'must be a non-empty string');
  return value as string | undefined;
}

function resolveProtectedResource(value: unknown): ResolvedResource['protectedResource'] {
  if (value === undefined) return Object.freeze({ maxAge: 3600 });
  if (value === null || typeof value !== 'object') fail('protectedResource', 'must be an object');
  checkKnownOptions(value, PROTECTED_RESOURCE_NAMES, 'the "protectedResource" options');
  const input = value as ProtectedResourceOptions;
  return Object.freeze({
    ...(input.authorizationServers === undefined ? {} : { authorizationServers: Object.freeze(stringList(input.authorizationServers, 'protectedResource.authorizationServers')) }),
    ...(input.scopesSupported === undefined ? {} : { scopesSupported: Object.freeze(stringList(input.scopesSupported, 'protectedResource.scopesSupported')) }),
    resourceName: optionalString(input.resourceName, 'protectedResource.resourceName'),
    resourceDocumentation: optionalString(input.resourceDocumentation, 'protectedResource.resourceDocumentation'),
    resourcePolicyUri: optionalString(input.resourcePolicyUri, 'protectedResource.resourcePolicyUri'),
    resourceTosUri: optionalString(input.resourceTosUri, 'protectedResource.resourceTosUri'),
    maxAge: Math.floor(nonNegative(input.maxAge, 'protectedResource.maxAge', 3600)),
  });
}

/** `cors`: known names, a string origin. */
export function resolveCors(value: unknown): CorsOptions | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') fail('cors', 'must be an object such as { allowOrigin: "https://app.example.com" }');
  checkKnownOptions(value, CORS_NAMES, 'the "cors" options');
  return Object.freeze({ allowOrigin: optionalString((value as CorsOptions).allowOrigin, 'cors.allowOrigin') });
}
