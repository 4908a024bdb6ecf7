import { randomBytes } from 'node:crypto';
import type { SigningAlgorithm } from './algorithms.js';
import { isSigningAlgorithm } from './algorithms.js';
import type { ClientAuthMethod, IntrospectionClient } from './introspection.js';
import { CLIENT_AUTH_METHODS } from './introspection.js';
import type { TestIssuerOptions } from './issuer-types.js';
import type { DiscoveryMode } from './metadata.js';
import { normalizeIssuerPath } from './metadata.js';

/**
 * {@link TestIssuerOptions} with every default applied.
 *
 * @example
 * ```ts
 * const resolved: ResolvedIssuerOptions = resolveIssuerOptions({});
 * resolved.algorithm; // 'RS256'
 * ```
 */
export interface ResolvedIssuerOptions {
  readonly algorithm: SigningAlgorithm;
  readonly audience: string;
  readonly path: string;
  readonly tokenLifetime: number;
  readonly discovery: DiscoveryMode;
  readonly issuerInMetadata: string | undefined;
  readonly introspectionClient: IntrospectionClient;
  readonly introspectionAuthMethods: readonly ClientAuthMethod[];
}

const DISCOVERY_MODES: readonly string[] = ['both', 'oauth', 'oidc', 'none'];

/**
 * The default audience of minted tokens.
 *
 * @example
 * ```ts
 * (await createTestIssuer()).audience === DEFAULT_AUDIENCE; // true
 * ```
 */
export const DEFAULT_AUDIENCE = 'https://api.example.test';

/**
 * The default client id registered at the introspection endpoint.
 *
 * @example
 * ```ts
 * (await createTestIssuer()).introspectionClient.clientId === DEFAULT_INTROSPECTION_CLIENT_ID; // true
 * ```
 */
export const DEFAULT_INTROSPECTION_CLIENT_ID = 'test-resource-server';

function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${name} must be a non-empty string`);
  return value;
}

function resolveIntrospectionClient(client: TestIssuerOptions['introspectionClient']): IntrospectionClient {
  if (client !== undefined && (client === null || typeof client !== 'object')) throw new TypeError('introspectionClient must be an object');
  return Object.freeze({
    clientId: nonEmptyString(client?.clientId ?? DEFAULT_INTROSPECTION_CLIENT_ID, 'introspectionClient.clientId'),
    clientSecret: nonEmptyString(client?.clientSecret ?? randomBytes(24).toString('base64url'), 'introspectionClient.clientSecret'),
  });
}

function resolveAuthMethods(methods: TestIssuerOptions['introspectionAuthMethods']): readonly ClientAuthMethod[] {
  if (methods === undefined) return CLIENT_AUTH_METHODS;
  if (!Array.isArray(methods) || methods.length === 0) throw new TypeError('introspectionAuthMethods must be a non-empty array');
  for (const method of methods) if (!CLIENT_AUTH_METHODS.includes(method)) throw new TypeError(`Unsupported client authentication method: ${String(method)}`);
  return Object.freeze([...new Set(methods)]);
}

/**
 * Applies defaults and validates the options, throwing a `TypeError` for an unsupported
 * algorithm, discovery mode, path, lifetime, introspection client or authentication method.
 *
 * @example
 * ```ts
 * resolveIssuerOptions({ path: 'tenant-a/' }).path; // '/tenant-a'
 * resolveIssuerOptions({ algorithm: 'HS256' as never }); // throws TypeError
 * ```
 */
export function resolveIssuerOptions(options: TestIssuerOptions): ResolvedIssuerOptions {
  const algorithm = options.algorithm ?? 'RS256';
  if (!isSigningAlgorithm(algorithm)) throw new TypeError(`Unsupported algorithm: ${String(algorithm)}`);
  const discovery = options.discovery ?? 'both';
  if (!DISCOVERY_MODES.includes(discovery)) throw new TypeError(`Unsupported discovery mode: ${String(discovery)}`);
  const tokenLifetime = options.tokenLifetime ?? 3600;
  if (!Number.isFinite(tokenLifetime)) throw new TypeError('tokenLifetime must be a finite number of seconds');
  return {
    algorithm,
    audience: options.audience ?? DEFAULT_AUDIENCE,
    path: normalizeIssuerPath(options.path ?? ''),
    tokenLifetime,
    discovery,
    issuerInMetadata: options.issuerInMetadata,
    introspectionClient: resolveIntrospectionClient(options.introspectionClient),
    introspectionAuthMethods: resolveAuthMethods(options.introspectionAuthMethods),
  };
}
