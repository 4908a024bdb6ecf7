import type { SigningAlgorithm } from './algorithms.js';
import { isSigningAlgorithm } from './algorithms.js';
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
 * Applies defaults and validates the options, throwing a `TypeError` for an unsupported
 * algorithm, discovery mode, path or lifetime.
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
  };
}
